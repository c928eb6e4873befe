//! Shared pieces of the fuzz targets: deriving options from the input's first
//! bytes, a small fixed table to apply documents to, and the checks of the
//! non-negotiables (errors quote no cell value).
//!
//! The canary: no message template of masque contains `~`, so a `~` in an
//! error read from table bytes comes from the input. The seeds put `~` in
//! cells. For documents (policy, configuration), whose own text errors may
//! quote, the check is that no cell of the fixed table (6 characters or more,
//! not written in the document itself) appears in the message.

use masque::table::{Column, Table};

/// The marker the seeds put in cells; no message template contains it.
pub const CANARY: char = '~';

/// Panics if a message read from table bytes holds the canary.
pub fn assert_no_canary(what: &str, message: &str) {
    if message.contains(CANARY) {
        panic!("{what} quotes the input: {message:?}");
    }
}

/// Panics if `message` holds a cell of `table` of 6 characters or more that
/// the document does not contain itself (a value the document names may be
/// named back).
pub fn assert_quotes_no_cell(what: &str, message: &str, table: &Table, document: &str) {
    for column in &table.columns {
        for value in column.dict.iter() {
            if value.chars().count() >= 6 && !document.contains(value) && message.contains(value) {
                panic!("{what} quotes a cell: {message:?}");
            }
        }
    }
}

/// Splits `data` at the first `\n\n`: (head, rest). No separator: (empty, data).
pub fn split_head(data: &str) -> (&str, &str) {
    match data.find("\n\n") {
        Some(i) => (&data[..i], &data[i + 2..]),
        None => ("", data),
    }
}

/// The fixed table's columns: those of `tests/fixtures/cohort_quirks_200.csv`
/// (so that the policy and configuration fixtures fit it), and an age.
const HEADER: &str = "nir|nom|prenom|sexe|date_naissance|adresse|code_postal|commune|telephone|email|finess|rpps_medecin|date_entree|date_sortie|mode_entree|diag_principal|libelle_diag|poids_kg|commentaire|age";

/// The fixed table's rows, cells separated by `|`: a hospital-stay extract with
/// messy cells, some holding the canary.
const ROWS: [&str; 16] = [
    "239013818584194|COLLET|Martine|F|01/01/1939|161 chemin Victor Hugo|38000|Grenoble|03 53 18 69 15|martine.collet47@hotmail.fr|350005179|10318609137|27/01/2025|28/01/2025|Mutation|I50.0|Insuffisance cardiaque|74,6|Mme COLLET appelle le 06 12 34 56 78|86",
    "198098313710093|JULIEN|André|M|18/09/1998|47 avenue Victor Hugo|83000|Toulon|01 15 65 53 21|andre.julien9@hotmail.fr|310781406|10865797541|05/10/2024|06/10/2024|Mutation|I50.0|Insuffisance cardiaque|79,0||26",
    "139127511578324|MILLET|Gabriel|M|19/12/1939|99 boulevard Victor Hugo|75011|Paris|03 16 94 31 50|gabriel.millet41@free.fr|060785011|10147104979|07/07/2025|12/07/2025|Transfert|B20|Maladie due au VIH|59,4|vu par Dr MILLET|85",
    "2 01 11 31 555 905 65|FRANCOIS|Jade|F|19/11/2001|125 chemin de la République|31000|Toulouse|02 88 65 79 83|jade.francois71@free.fr|750100125|10632122338|01/05/2025|26/05/2025|Domicile|E66.0|Obésité|56,1||23",
    "~nir~invalide|~dupont~|~jeanne~|X|~31/02/1980|~12 rue secrète~|2A004|Ajaccio|~0612~|~pas@une@adresse|~finess~|~rpps~|~2025-13-01|~demain~|Urgences|J18.9|~libellé~|~lourd~|~secret~ ~note~|-4",
    "185057511542355|LE GALL|Jean-Pierre|M|1985-05-17|3 place du Marché|97411|Saint-Paul|+33 6 12 34 56 78|jp.legall@example.fr|970408589|10003456789|2024-12-31|2025-01-02|Urgences|J18.9|Pneumopathie|81|NIR 1 85 05 75 115 423 55|39",
    "|||||||||||||||||||",
    "284127512345678|NGUYEN|Thi|F|12/1984|8 rue de Tolbiac|75013|Paris|0145678901|thi.nguyen@chu-exemple.fr|750712184|10101010101|03/03/2025|10/03/2025|Domicile|C50.9|Tumeur du sein|61.5|IBAN FR76 3000 6000 0112 3456 7890 189|40",
    "~~~~~~~~~~~~|~ÉLODIE~|~é~è~ç~|f|00/00/0000|~~|99999|~Nulle-part~|~+999~|~@~|~0~|~1~|~hier~|~jamais~|~autre~|~Z99~|~?~|~1e400~|~\"quoted\";field~|~200~",
    "297032A00112345|DURAND|Élodie|F|1997-03-15|1 cours Napoléon|20000|Ajaccio|06.98.76.54.32|elodie.durand@free.fr|2A0000123|10987654321|14/02/2025|15/02/2025|Mutation|F32.1|Épisode dépressif|52|née le 15/03/1997|27",
    "178089912345611|MARTIN|Louis|M|30/08/1978|5 quai Perrache|69003|Lyon|04 72 00 00 00|louis.martin@orange.fr|690000123|10222222222|20/06/2025|30/06/2025|Transfert|I21.0|Infarctus|90,2||46",
    "165107512398741|BERNARD|Hugo|M|05/10/1965|2 rue Paradis|13008|Marseille|04 91 00 00 01|hugo.bernard@sfr.fr|130000456|10333333333|21/06/2025|22/06/2025|Domicile|I21.0|Infarctus|88|rappeler Hugo|59",
    "272117512345699|PETIT|Chloé|F|11/11/1972|9 cours Victor Hugo|33000|Bordeaux|05 56 00 00 02|chloe.petit@laposte.net|330000789|10444444444|22/06/2025|25/06/2025|Urgences|E11.9|Diabète de type 2|70||52",
    "301017512345633|ROUX|Nathan|M|01/01/2001|4 rue Nationale|59000|Lille|03 20 00 00 03|nathan.roux@gmail.com|590000321|10555555555|23/06/2025|23/06/2025|Mutation|E11.9|Diabète de type 2|77,7||24",
    "246057512345622|FOURNIER|Inès|F|20/05/1946|6 place Kléber|67000|Strasbourg|03 88 00 00 04|ines.fournier@free.fr|670000654|10666666666|24/06/2025|01/07/2025|Transfert|C50.9|Tumeur du sein|58||79",
    "190127512345611|GIRARD|Lucas|M|31/12/1990|7 rue de Strasbourg|44000|Nantes|02 40 00 00 05|lucas.girard@yahoo.fr|440000987|10777777777|25/06/2025|26/06/2025|Domicile|B20|Maladie due au VIH|66|Lucas GIRARD, tel 02 40 00 00 05|34",
];

/// The fixed table the document targets apply their documents to.
pub fn fixed_table() -> Table {
    let rows: Vec<Vec<&str>> = ROWS.iter().map(|r| r.split('|').collect()).collect();
    let columns = HEADER
        .split('|')
        .enumerate()
        .map(|(i, name)| Column::from_values(name, rows.iter().map(|row| row[i])))
        .collect();
    Table::new(columns).expect("the fixed table's columns have the same length")
}

/// A small ARX hierarchy handed for any `hierarchy_file` a document names.
pub const HIERARCHY_FILE: &str = "F;*\nM;*\nf;*\nX;*\n;*\n";
