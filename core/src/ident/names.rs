//! Common French first names and surnames, folded, for recognising a column of
//! names whose header says nothing. Evidence only: most people's names are not
//! in these lists, so a column is called a name column when a good share of its
//! rows are.

/// Frequent French first names (folded).
#[rustfmt::skip]
const FIRST_NAMES: &[&str] = &[
    "adam", "adrien", "agathe", "agnes", "alain", "albert", "alexandre", "alexis", "alice", "alicia", "amandine",
    "ambre", "amelie", "anais", "andre", "angelique", "anna", "anne", "annie", "anthony", "antoine", "arnaud",
    "arthur", "audrey", "aurelie", "baptiste", "benjamin", "benoit", "bernadette", "bernard", "brigitte", "bruno",
    "camille", "carole", "caroline", "catherine", "cedric", "celine", "chantal", "charles", "charlotte", "chloe",
    "christian", "christiane", "christine", "christophe", "claire", "clara", "claude", "claudine", "clement",
    "colette", "corinne", "damien", "daniel", "danielle", "david", "delphine", "denis", "denise", "didier",
    "dominique", "elisabeth", "elise", "elodie", "emile", "emilie", "emma", "enzo", "eric", "ethan", "eva",
    "fabien", "fabrice", "florence", "florian", "francis", "franck", "francois", "francoise", "frederic", "gabriel",
    "genevieve", "georges", "gerard", "gilbert", "gilles", "guillaume", "guy", "helene", "henri", "hugo", "ines",
    "isabelle", "jacqueline", "jacques", "jade", "jean", "jeanne", "jeremy", "jerome", "joel", "joseph", "josiane",
    "jules", "julie", "julien", "juliette", "karine", "kevin", "laetitia", "laura", "laurence", "laurent", "lea",
    "leo", "lina", "louis", "louise", "luc", "lucas", "lucie", "lucien", "ludovic", "madeleine", "mael", "manon",
    "marc", "marcel", "margaux", "marguerite", "marie", "marine", "marion", "martine", "mathieu", "mathis",
    "matthieu", "maurice", "maxime", "melanie", "michel", "michele", "mickael", "monique", "nathalie", "nathan",
    "nicolas", "nicole", "noah", "odette", "olivier", "pascal", "pascale", "patricia", "patrick", "paul", "pauline",
    "philippe", "pierre", "quentin", "raphael", "raymond", "rene", "robert", "roger", "romain", "rose", "sacha",
    "samuel", "sandrine", "sarah", "sebastien", "serge", "severine", "simone", "sophie", "stephane", "stephanie",
    "suzanne", "sylvain", "sylvie", "theo", "therese", "thierry", "thomas", "tom", "valerie", "veronique",
    "vincent", "virginie", "xavier", "yann", "yannick", "yves", "yvette", "yvonne", "zoe",
];

/// Frequent French surnames (folded, one word each).
#[rustfmt::skip]
const SURNAMES: &[&str] = &[
    "adam", "andre", "antoine", "arnaud", "aubert", "aubry", "bailly", "barbier", "baron", "barre", "barthelemy",
    "benard", "benoit", "berger", "bernard", "bertin", "bertrand", "besson", "blanc", "blanchard", "bonnet",
    "boucher", "bouchet", "boulanger", "bourgeois", "bouvier", "boyer", "breton", "brun", "brunet", "caron",
    "carpentier", "carre", "charles", "charpentier", "chauvin", "chevalier", "chevallier", "clement", "colin",
    "collet", "collin", "cordier", "cousin", "daniel", "david", "denis", "deschamps", "dubois", "dufour", "dumas",
    "dumont", "dupont", "dupuis", "dupuy", "durand", "duval", "etienne", "fabre", "faure", "fernandez", "fleury",
    "fontaine", "fournier", "francois", "garcia", "garnier", "gauthier", "gautier", "gay", "gerard", "germain",
    "gilbert", "gillet", "girard", "giraud", "grondin", "guerin", "guichard", "guillaume", "guillot", "guyot",
    "hamon", "henry", "herve", "hoarau", "hubert", "huet", "humbert", "jacob", "jacquet", "jean", "joly", "julien",
    "klein", "lacroix", "lambert", "lamy", "langlois", "laporte", "laurent", "leblanc", "lebrun", "leclerc",
    "leclercq", "lecomte", "lefebvre", "lefevre", "leger", "legrand", "lejeune", "lemaire", "lemaitre", "lemoine",
    "leroux", "leroy", "leveque", "lopez", "louis", "lucas", "maillard", "mallet", "marchal", "marchand",
    "marechal", "marie", "martin", "martinez", "marty", "masson", "mathieu", "menard", "mercier", "meunier",
    "meyer", "michaud", "michel", "millet", "monnier", "moreau", "morel", "morin", "moulin", "muller", "nicolas",
    "noel", "olivier", "paris", "pasquier", "payet", "pelletier", "perez", "perret", "perrier", "perrin", "perrot",
    "petit", "philippe", "picard", "pichon", "pierre", "poirier", "poulain", "prevost", "remy", "renard", "renaud",
    "renault", "rey", "reynaud", "richard", "riviere", "robert", "robin", "roche", "rodriguez", "roger", "rolland",
    "rousseau", "roussel", "roux", "roy", "royer", "sanchez", "schmitt", "schneider", "simon", "tessier", "thomas",
    "vasseur", "vidal", "vincent", "weber",
];

/// Whether a folded word is a frequent French first name.
pub(crate) fn is_first_name(word: &str) -> bool {
    FIRST_NAMES.binary_search(&word).is_ok()
}

/// Whether a folded word is a frequent French surname.
pub(crate) fn is_surname(word: &str) -> bool {
    SURNAMES.binary_search(&word).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_sorted_and_folded() {
        for list in [FIRST_NAMES, SURNAMES] {
            assert!(list.windows(2).all(|w| w[0] < w[1]), "sorted, no duplicates");
            assert!(list.iter().all(|w| w.bytes().all(|b| b.is_ascii_lowercase())));
        }
        assert!(is_first_name("helene"));
        assert!(is_surname("dupont"));
        assert!(!is_surname("paracetamol"));
    }
}
