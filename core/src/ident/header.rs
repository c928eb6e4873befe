//! What a column header names, from French and English synonyms.
//!
//! A header is folded (case, accents), split into words on separators, camel
//! case and letter/digit boundaries (`dateNaissance`, `tel2`, `N° sécu`),
//! stripped of filler words (`de`, `du`, `n°`, `numéro`, `the`, ...), and
//! singularised (a final `s` on words of 4+ letters). Each synonym is a word
//! sequence treated the same way; the longest synonym found as a contiguous
//! run of the header's words wins, ties going to the more specific concept
//! (`nom du service` is a service, not a surname; `tél. médecin` a phone number).

use super::fold::fold_words_into;

/// What a header says a column holds.
///
/// It serialises as a stable snake_case name (`"nir"`, `"birth_date"`,
/// `"admission_date"`, `"postal_code"`, ...): a suggestion carries it
/// ([`crate::suggest::Suggestion::concept`]) so that callers need not read the
/// English reason.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Concept {
    /// NIR / NIA / INS matricule.
    Nir,
    /// Surname (nom, nom de naissance, nom d'usage).
    Surname,
    /// First name.
    FirstName,
    /// Surname and first name together.
    FullName,
    /// Initials.
    Initials,
    /// Postal address (street).
    Address,
    /// Code postal.
    PostalCode,
    /// Commune / city name.
    Commune,
    /// Code commune INSEE.
    CommuneCode,
    /// Département.
    Departement,
    /// Région.
    Region,
    /// Country or nationality.
    Country,
    /// Place of birth.
    BirthPlace,
    /// Date of birth.
    BirthDate,
    /// Year or month of birth.
    BirthYear,
    /// Age.
    Age,
    /// Sex / gender.
    Sex,
    /// Telephone number.
    Phone,
    /// E-mail address.
    Email,
    /// Bank account (IBAN / RIB).
    Iban,
    /// Patient identifier (IPP, MRN, ...).
    PatientId,
    /// Stay or record identifier (NDA, numéro de séjour, dossier).
    StayId,
    /// Another personal identifier (passport, identity card, IP address, login).
    OtherId,
    /// RPPS / ADELI number of a health professional.
    Rpps,
    /// A health professional (name).
    Practitioner,
    /// FINESS number of an establishment.
    Finess,
    /// An establishment (hospital, clinic, site).
    Establishment,
    /// A hospital service or unit.
    Service,
    /// A date of another event of care (visit, act, prescription).
    EventDate,
    /// The date of admission (start of a stay).
    AdmissionDate,
    /// The date of discharge (end of a stay).
    DischargeDate,
    /// Date of death.
    DeathDate,
    /// Diagnosis (CIM-10 / ICD-10 code or label).
    Diagnosis,
    /// Medical act or procedure (CCAM).
    Act,
    /// Drug or treatment.
    Drug,
    /// Another sensitive health attribute (results, serology, pregnancy, ...).
    Health,
    /// Free text (comments, notes, reports).
    FreeText,
    /// Profession, employer.
    Profession,
    /// Family situation.
    FamilyStatus,
    /// A measurement (weight, height, length of stay, score).
    Measure,
    /// A count.
    Count,
}

impl Concept {
    /// A short description, for reasons ("a NIR", "a date of birth", ...).
    pub fn label(self) -> &'static str {
        match self {
            Concept::Nir => "a NIR (n° de sécurité sociale)",
            Concept::Surname => "a surname",
            Concept::FirstName => "a first name",
            Concept::FullName => "a full name",
            Concept::Initials => "initials",
            Concept::Address => "a postal address",
            Concept::PostalCode => "a code postal",
            Concept::Commune => "a commune",
            Concept::CommuneCode => "a code commune INSEE",
            Concept::Departement => "a département",
            Concept::Region => "a région",
            Concept::Country => "a country or nationality",
            Concept::BirthPlace => "a place of birth",
            Concept::BirthDate => "a date of birth",
            Concept::BirthYear => "a year or month of birth",
            Concept::Age => "an age",
            Concept::Sex => "the sex",
            Concept::Phone => "a phone number",
            Concept::Email => "an e-mail address",
            Concept::Iban => "a bank account",
            Concept::PatientId => "a patient identifier",
            Concept::StayId => "a stay or record number",
            Concept::OtherId => "a personal identifier",
            Concept::Rpps => "a practitioner's RPPS/ADELI number",
            Concept::Practitioner => "a health professional",
            Concept::Finess => "a FINESS number",
            Concept::Establishment => "an establishment",
            Concept::Service => "a hospital service",
            Concept::EventDate => "a date of care",
            Concept::AdmissionDate => "a date of admission",
            Concept::DischargeDate => "a date of discharge",
            Concept::DeathDate => "a date of death",
            Concept::Diagnosis => "a diagnosis",
            Concept::Act => "a medical act",
            Concept::Drug => "a treatment",
            Concept::Health => "a health attribute",
            Concept::FreeText => "free text",
            Concept::Profession => "a profession",
            Concept::FamilyStatus => "a family situation",
            Concept::Measure => "a measurement",
            Concept::Count => "a count",
        }
    }

    /// Tie-break between synonyms of the same length: the higher wins.
    fn priority(self) -> u8 {
        match self {
            Concept::Phone | Concept::Email | Concept::Iban => 90,
            Concept::Rpps | Concept::Finess => 85,
            Concept::Nir => 80,
            Concept::CommuneCode | Concept::PostalCode | Concept::BirthPlace => 75,
            Concept::Commune
            | Concept::Country
            | Concept::Departement
            | Concept::Region
            | Concept::Establishment
            | Concept::Service => 70,
            Concept::Measure | Concept::Count => 65,
            Concept::Sex | Concept::Age | Concept::BirthYear | Concept::DeathDate => 60,
            Concept::BirthDate => 55,
            Concept::EventDate
            | Concept::AdmissionDate
            | Concept::DischargeDate
            | Concept::Diagnosis
            | Concept::Act
            | Concept::Drug
            | Concept::Health
            | Concept::Profession
            | Concept::FamilyStatus => 50,
            Concept::FreeText | Concept::Address => 45,
            Concept::FullName => 42,
            Concept::FirstName => 41,
            Concept::Surname | Concept::Initials => 40,
            Concept::Practitioner => 35,
            Concept::StayId => 30,
            Concept::PatientId | Concept::OtherId => 25,
        }
    }
}

/// Synonyms, as written in headers (folded and filtered like headers before matching).
const SYNONYMS: &[(&str, Concept)] = &[
    // NIR
    ("nir", Concept::Nir),
    ("nia", Concept::Nir),
    ("nss", Concept::Nir),
    ("ss", Concept::Nir),
    ("secu", Concept::Nir),
    ("securite sociale", Concept::Nir),
    ("numero securite sociale", Concept::Nir),
    ("immatriculation", Concept::Nir),
    ("matricule", Concept::Nir),
    ("matricule ins", Concept::Nir),
    ("ins", Concept::Nir),
    ("insee", Concept::Nir),
    ("social security", Concept::Nir),
    ("ssn", Concept::Nir),
    // names
    ("nom", Concept::Surname),
    ("nom famille", Concept::Surname),
    ("nom naissance", Concept::Surname),
    ("nom jeune fille", Concept::Surname),
    ("nom usage", Concept::Surname),
    ("nom marital", Concept::Surname),
    ("nom epouse", Concept::Surname),
    ("patronyme", Concept::Surname),
    ("surname", Concept::Surname),
    ("last name", Concept::Surname),
    ("lastname", Concept::Surname),
    ("family name", Concept::Surname),
    ("prenom", Concept::FirstName),
    ("prenom usuel", Concept::FirstName),
    ("first name", Concept::FirstName),
    ("firstname", Concept::FirstName),
    ("given name", Concept::FirstName),
    ("forename", Concept::FirstName),
    ("nom prenom", Concept::FullName),
    ("prenom nom", Concept::FullName),
    ("nom complet", Concept::FullName),
    ("identite", Concept::FullName),
    ("name", Concept::FullName),
    ("full name", Concept::FullName),
    ("fullname", Concept::FullName),
    ("initiale", Concept::Initials),
    ("initial", Concept::Initials),
    // places
    ("adresse", Concept::Address),
    ("address", Concept::Address),
    ("adr", Concept::Address),
    ("rue", Concept::Address),
    ("voie", Concept::Address),
    ("street", Concept::Address),
    ("domicile", Concept::Address),
    ("lieu dit", Concept::Address),
    ("complement adresse", Concept::Address),
    ("cp", Concept::PostalCode),
    ("code postal", Concept::PostalCode),
    ("postal", Concept::PostalCode),
    ("postal code", Concept::PostalCode),
    ("postcode", Concept::PostalCode),
    ("zip", Concept::PostalCode),
    ("zipcode", Concept::PostalCode),
    ("zip code", Concept::PostalCode),
    ("ville", Concept::Commune),
    ("commune", Concept::Commune),
    ("city", Concept::Commune),
    ("town", Concept::Commune),
    ("localite", Concept::Commune),
    ("nom commune", Concept::Commune),
    ("code commune", Concept::CommuneCode),
    ("code insee", Concept::CommuneCode),
    ("commune insee", Concept::CommuneCode),
    ("insee commune", Concept::CommuneCode),
    ("cog", Concept::CommuneCode),
    ("code geo", Concept::CommuneCode),
    ("code geographique", Concept::CommuneCode),
    ("depcom", Concept::CommuneCode),
    ("departement", Concept::Departement),
    ("dept", Concept::Departement),
    ("dep", Concept::Departement),
    ("dpt", Concept::Departement),
    ("region", Concept::Region),
    ("pays", Concept::Country),
    ("country", Concept::Country),
    ("nationalite", Concept::Country),
    ("nationality", Concept::Country),
    ("lieu naissance", Concept::BirthPlace),
    ("commune naissance", Concept::BirthPlace),
    ("ville naissance", Concept::BirthPlace),
    ("pays naissance", Concept::BirthPlace),
    ("birthplace", Concept::BirthPlace),
    ("place birth", Concept::BirthPlace),
    ("birth place", Concept::BirthPlace),
    // birth, age, sex
    ("date naissance", Concept::BirthDate),
    ("date nais", Concept::BirthDate),
    ("date naiss", Concept::BirthDate),
    ("dt naissance", Concept::BirthDate),
    ("naissance", Concept::BirthDate),
    ("ddn", Concept::BirthDate),
    ("dob", Concept::BirthDate),
    ("ne le", Concept::BirthDate),
    ("birth date", Concept::BirthDate),
    ("birthdate", Concept::BirthDate),
    ("date birth", Concept::BirthDate),
    ("birthday", Concept::BirthDate),
    ("annee naissance", Concept::BirthYear),
    ("mois naissance", Concept::BirthYear),
    ("birth year", Concept::BirthYear),
    ("year birth", Concept::BirthYear),
    ("yob", Concept::BirthYear),
    ("age", Concept::Age),
    ("tranche age", Concept::Age),
    ("sexe", Concept::Sex),
    ("sex", Concept::Sex),
    ("genre", Concept::Sex),
    ("gender", Concept::Sex),
    ("civilite", Concept::Sex),
    // contact
    ("tel", Concept::Phone),
    ("telephone", Concept::Phone),
    ("phone", Concept::Phone),
    ("portable", Concept::Phone),
    ("mobile", Concept::Phone),
    ("gsm", Concept::Phone),
    ("fixe", Concept::Phone),
    ("fax", Concept::Phone),
    ("cell", Concept::Phone),
    ("mail", Concept::Email),
    ("email", Concept::Email),
    ("e mail", Concept::Email),
    ("courriel", Concept::Email),
    ("mel", Concept::Email),
    ("adresse mail", Concept::Email),
    ("adresse email", Concept::Email),
    ("adresse e mail", Concept::Email),
    ("adresse electronique", Concept::Email),
    ("iban", Concept::Iban),
    ("rib", Concept::Iban),
    ("compte bancaire", Concept::Iban),
    ("coordonnees bancaire", Concept::Iban),
    // record identifiers
    ("ipp", Concept::PatientId),
    ("nip", Concept::PatientId),
    ("mrn", Concept::PatientId),
    ("id patient", Concept::PatientId),
    ("identifiant patient", Concept::PatientId),
    ("patient id", Concept::PatientId),
    ("code patient", Concept::PatientId),
    ("ref patient", Concept::PatientId),
    ("medical record", Concept::PatientId),
    ("patient", Concept::PatientId),
    ("identifiant", Concept::PatientId),
    ("id", Concept::PatientId),
    ("nda", Concept::StayId),
    ("dossier", Concept::StayId),
    ("sejour", Concept::StayId),
    ("venue", Concept::StayId),
    ("iep", Concept::StayId),
    ("rss", Concept::StayId),
    ("passeport", Concept::OtherId),
    ("passport", Concept::OtherId),
    ("carte identite", Concept::OtherId),
    ("cni", Concept::OtherId),
    ("adresse ip", Concept::OtherId),
    ("ip", Concept::OtherId),
    ("login", Concept::OtherId),
    ("username", Concept::OtherId),
    // professionals and places of care
    ("rpps", Concept::Rpps),
    ("rpps medecin", Concept::Rpps),
    ("adeli", Concept::Rpps),
    ("medecin", Concept::Practitioner),
    ("praticien", Concept::Practitioner),
    ("docteur", Concept::Practitioner),
    ("prescripteur", Concept::Practitioner),
    ("chirurgien", Concept::Practitioner),
    ("infirmier", Concept::Practitioner),
    ("intervenant", Concept::Practitioner),
    ("physician", Concept::Practitioner),
    ("doctor", Concept::Practitioner),
    ("finess", Concept::Finess),
    ("etablissement", Concept::Establishment),
    ("hopital", Concept::Establishment),
    ("clinique", Concept::Establishment),
    ("site", Concept::Establishment),
    ("hospital", Concept::Establishment),
    ("service", Concept::Service),
    ("uf", Concept::Service),
    ("unite", Concept::Service),
    ("pole", Concept::Service),
    ("specialite", Concept::Service),
    ("nom service", Concept::Service),
    // dates of care
    ("date", Concept::EventDate),
    ("dt", Concept::EventDate),
    ("date entree", Concept::AdmissionDate),
    ("dt entree", Concept::AdmissionDate),
    ("jour entree", Concept::AdmissionDate),
    ("date admission", Concept::AdmissionDate),
    ("dt admission", Concept::AdmissionDate),
    ("date arrivee", Concept::AdmissionDate),
    ("date debut sejour", Concept::AdmissionDate),
    ("debut sejour", Concept::AdmissionDate),
    ("admission date", Concept::AdmissionDate),
    ("date admitted", Concept::AdmissionDate),
    ("date sortie", Concept::DischargeDate),
    ("dt sortie", Concept::DischargeDate),
    ("jour sortie", Concept::DischargeDate),
    ("date depart", Concept::DischargeDate),
    ("date fin sejour", Concept::DischargeDate),
    ("fin sejour", Concept::DischargeDate),
    ("discharge date", Concept::DischargeDate),
    ("date discharge", Concept::DischargeDate),
    ("date deces", Concept::DeathDate),
    ("death date", Concept::DeathDate),
    ("date death", Concept::DeathDate),
    ("dod", Concept::DeathDate),
    // health
    ("diag", Concept::Diagnosis),
    ("diagnostic", Concept::Diagnosis),
    ("diagnosis", Concept::Diagnosis),
    ("diag principal", Concept::Diagnosis),
    ("diagnostic principal", Concept::Diagnosis),
    ("diag associe", Concept::Diagnosis),
    ("diag relie", Concept::Diagnosis),
    ("libelle diag", Concept::Diagnosis),
    ("libelle diagnostic", Concept::Diagnosis),
    ("code diag", Concept::Diagnosis),
    ("dp", Concept::Diagnosis),
    ("das", Concept::Diagnosis),
    ("cim", Concept::Diagnosis),
    ("cim 10", Concept::Diagnosis),
    ("icd", Concept::Diagnosis),
    ("icd 10", Concept::Diagnosis),
    ("pathologie", Concept::Diagnosis),
    ("maladie", Concept::Diagnosis),
    ("affection", Concept::Diagnosis),
    ("ald", Concept::Diagnosis),
    ("antecedent", Concept::Diagnosis),
    ("comorbidite", Concept::Diagnosis),
    ("motif", Concept::Diagnosis),
    ("ghm", Concept::Diagnosis),
    ("cmd", Concept::Diagnosis),
    ("acte", Concept::Act),
    ("ccam", Concept::Act),
    ("procedure", Concept::Act),
    ("intervention", Concept::Act),
    ("geste", Concept::Act),
    ("traitement", Concept::Drug),
    ("medicament", Concept::Drug),
    ("molecule", Concept::Drug),
    ("atc", Concept::Drug),
    ("prescription", Concept::Drug),
    ("posologie", Concept::Drug),
    ("resultat", Concept::Health),
    ("biologie", Concept::Health),
    ("serologie", Concept::Health),
    ("vih", Concept::Health),
    ("hiv", Concept::Health),
    ("groupe sanguin", Concept::Health),
    ("allergie", Concept::Health),
    ("grossesse", Concept::Health),
    ("handicap", Concept::Health),
    ("gir", Concept::Health),
    // free text
    ("commentaire", Concept::FreeText),
    ("comment", Concept::FreeText),
    ("remarque", Concept::FreeText),
    ("observation", Concept::FreeText),
    ("note", Concept::FreeText),
    ("texte", Concept::FreeText),
    ("texte libre", Concept::FreeText),
    ("compte rendu", Concept::FreeText),
    ("cr", Concept::FreeText),
    ("synthese", Concept::FreeText),
    ("conclusion", Concept::FreeText),
    ("description", Concept::FreeText),
    ("anamnese", Concept::FreeText),
    ("histoire maladie", Concept::FreeText),
    ("courrier", Concept::FreeText),
    ("message", Concept::FreeText),
    ("precision", Concept::FreeText),
    ("free text", Concept::FreeText),
    // social
    ("profession", Concept::Profession),
    ("metier", Concept::Profession),
    ("emploi", Concept::Profession),
    ("csp", Concept::Profession),
    ("occupation", Concept::Profession),
    ("employeur", Concept::Profession),
    ("situation familiale", Concept::FamilyStatus),
    ("statut marital", Concept::FamilyStatus),
    ("marital status", Concept::FamilyStatus),
    ("etat civil", Concept::FamilyStatus),
    // measures and counts
    ("poids", Concept::Measure),
    ("taille", Concept::Measure),
    ("imc", Concept::Measure),
    ("bmi", Concept::Measure),
    ("weight", Concept::Measure),
    ("height", Concept::Measure),
    ("duree", Concept::Measure),
    ("dms", Concept::Measure),
    ("score", Concept::Measure),
    ("nb", Concept::Count),
    ("nombre", Concept::Count),
    ("count", Concept::Count),
    ("total", Concept::Count),
];

/// Filler words dropped from headers and synonyms.
const STOP_WORDS: &[&str] = &[
    "a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "ou", "par", "pour", "sur", "n",
    "no", "nr", "nro", "num", "numero", "number", "of", "the", "and", "or", "ref",
];

/// What a header matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderMatch {
    /// The concept named.
    pub concept: Concept,
    /// The synonym that matched, as listed by masque (never the user's header).
    pub synonym: &'static str,
    /// Whether the synonym covers every word of the header.
    pub exact: bool,
    /// Confidence in the match, 0-100.
    pub confidence: u8,
}

/// Splits a header into its significant words (see the module documentation).
pub fn header_words(header: &str) -> Vec<String> {
    // split camel case and letter/digit boundaries before folding, and treat
    // ordinal indicators (n°, nº) as separators
    let mut spaced = String::with_capacity(header.len() + 8);
    let mut prev: Option<char> = None;
    for c in header.chars() {
        let c = if matches!(c, '°' | 'º' | 'ª' | '№') { ' ' } else { c };
        if let Some(p) = prev {
            let camel = p.is_lowercase() && c.is_uppercase();
            let digit_edge = (p.is_alphabetic() && c.is_ascii_digit()) || (p.is_ascii_digit() && c.is_alphabetic());
            if camel || digit_edge {
                spaced.push(' ');
            }
        }
        spaced.push(c);
        prev = Some(c);
    }
    let mut folded = String::with_capacity(spaced.len());
    fold_words_into(&spaced, &mut folded);
    folded
        .split(' ')
        .filter(|w| !w.is_empty() && !STOP_WORDS.contains(w))
        .map(|w| {
            if w.len() >= 4 && w.ends_with('s') && !w.ends_with("ss") {
                w[..w.len() - 1].to_string()
            } else {
                w.to_string()
            }
        })
        .collect()
}

/// Reads a header; `None` if it names nothing masque knows.
///
/// ```
/// use masque_core::ident::header::{classify, Concept};
/// assert_eq!(classify("N° Sécu").map(|m| m.concept), Some(Concept::Nir));
/// assert_eq!(classify("Date de naissance").map(|m| m.concept), Some(Concept::BirthDate));
/// assert_eq!(classify("nom_du_service").map(|m| m.concept), Some(Concept::Service));
/// assert_eq!(classify("poids_kg").map(|m| m.concept), Some(Concept::Measure));
/// ```
pub fn classify(header: &str) -> Option<HeaderMatch> {
    let words = header_words(header);
    let significant = words.iter().filter(|w| !w.bytes().all(|b| b.is_ascii_digit())).count();
    if significant == 0 {
        return None;
    }
    let mut best: Option<(usize, u8, HeaderMatch)> = None;
    for &(synonym, concept) in SYNONYMS {
        let syn = header_words(synonym);
        if syn.is_empty() || syn.len() > words.len() {
            continue;
        }
        let found = words.windows(syn.len()).any(|w| w == syn.as_slice());
        if !found {
            continue;
        }
        let exact = syn.len() == significant;
        let coverage = syn.len() as f64 / significant as f64;
        let confidence = if exact { 90 } else { (60.0 + 25.0 * coverage).round() as u8 };
        let key = (syn.len(), concept.priority());
        let better = match &best {
            None => true,
            Some((len, prio, _)) => key > (*len, *prio),
        };
        if better {
            best = Some((key.0, key.1, HeaderMatch { concept, synonym, exact, confidence }));
        }
    }
    best.map(|(_, _, m)| m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words() {
        assert_eq!(header_words("dateNaissance"), ["date", "naissance"]);
        assert_eq!(header_words("N° de Sécurité Sociale"), ["securite", "sociale"]);
        assert_eq!(header_words("tel2"), ["tel", "2"]);
        assert_eq!(header_words("CIM10"), ["cim", "10"]);
        assert_eq!(header_words("Commentaires"), ["commentaire"]);
        assert_eq!(header_words("E-mail"), ["e", "mail"]);
        assert_eq!(header_words("  "), Vec::<String>::new());
    }

    #[test]
    fn table() {
        use Concept::*;
        let cases: &[(&str, Option<Concept>)] = &[
            ("nir", Some(Nir)),
            ("NSS", Some(Nir)),
            ("N° sécu", Some(Nir)),
            ("n_ss", Some(Nir)),
            ("Numéro de sécurité sociale", Some(Nir)),
            ("numero_insee", Some(Nir)),
            ("Matricule INS", Some(Nir)),
            ("nom", Some(Surname)),
            ("NOM", Some(Surname)),
            ("Nom de naissance", Some(Surname)),
            ("nom_usage", Some(Surname)),
            ("lastName", Some(Surname)),
            ("prénom", Some(FirstName)),
            ("Prénoms", Some(FirstName)),
            ("first_name", Some(FirstName)),
            ("nom_prenom", Some(FullName)),
            ("Nom et prénom", Some(FullName)),
            ("ddn", Some(BirthDate)),
            ("date_naissance", Some(BirthDate)),
            ("Date de naissance", Some(BirthDate)),
            ("DOB", Some(BirthDate)),
            ("annee_naissance", Some(BirthYear)),
            ("lieu de naissance", Some(BirthPlace)),
            ("adresse", Some(Address)),
            ("Adresse postale", Some(Address)),
            ("adresse_mail", Some(Email)),
            ("Adresse électronique", Some(Email)),
            ("cp", Some(PostalCode)),
            ("code_postal", Some(PostalCode)),
            ("CodePostal", Some(PostalCode)),
            ("zip", Some(PostalCode)),
            ("ville", Some(Commune)),
            ("commune", Some(Commune)),
            ("code_commune", Some(CommuneCode)),
            ("code INSEE", Some(CommuneCode)),
            ("tel", Some(Phone)),
            ("Tél.", Some(Phone)),
            ("téléphone", Some(Phone)),
            ("telephone_portable", Some(Phone)),
            ("portable", Some(Phone)),
            ("tel_medecin", Some(Phone)),
            ("mail", Some(Email)),
            ("E-mail", Some(Email)),
            ("courriel", Some(Email)),
            ("ipp", Some(PatientId)),
            ("id_patient", Some(PatientId)),
            ("num_dossier", Some(StayId)),
            ("NDA", Some(StayId)),
            ("rpps", Some(Rpps)),
            ("rpps_medecin", Some(Rpps)),
            ("medecin_traitant", Some(Practitioner)),
            ("finess", Some(Finess)),
            ("finess_etablissement", Some(Finess)),
            ("nom_du_service", Some(Service)),
            ("nom_commune", Some(Commune)),
            ("sexe", Some(Sex)),
            ("sexe_patient", Some(Sex)),
            ("age_patient", Some(Age)),
            ("diag_principal", Some(Diagnosis)),
            ("libelle_diag", Some(Diagnosis)),
            ("Code CIM-10", Some(Diagnosis)),
            ("actes_ccam", Some(Act)),
            ("date_entree", Some(AdmissionDate)),
            ("Date d'entrée", Some(AdmissionDate)),
            ("dt_entree", Some(AdmissionDate)),
            ("date_admission", Some(AdmissionDate)),
            ("date_sortie", Some(DischargeDate)),
            ("Date de sortie", Some(DischargeDate)),
            ("date_fin_sejour", Some(DischargeDate)),
            ("date_consultation", Some(EventDate)),
            ("date_deces", Some(DeathDate)),
            ("commentaire", Some(FreeText)),
            ("commentaire_medecin", Some(FreeText)),
            ("Compte rendu", Some(FreeText)),
            ("poids_kg", Some(Measure)),
            ("poids_naissance", Some(Measure)),
            ("duree_sejour", Some(Measure)),
            ("nb_sejours", Some(Count)),
            ("iban", Some(Iban)),
            ("mode_entree", None),
            ("xyz", None),
            ("", None),
            ("12", None),
        ];
        for (header, want) in cases {
            assert_eq!(classify(header).map(|m| m.concept), *want, "header {header:?}");
        }
    }

    #[test]
    fn exact_matches_are_more_confident() {
        let exact = classify("telephone").unwrap();
        let partial = classify("telephone_domicile_patient").unwrap();
        assert!(exact.exact && !partial.exact);
        assert!(exact.confidence > partial.confidence);
        assert_eq!(exact.synonym, "telephone");
    }
}
