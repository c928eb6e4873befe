//! A suggested role and policy action for each column.
//!
//! Two sources of evidence, combined in [`suggest`]:
//! - the header ([`crate::ident::header::classify`]): what the column says it holds;
//! - the values: the share of the column's distinct values (from its
//!   dictionary, so each distinct value is checked once; row counts weigh the
//!   cues where the number of rows matters, as for a sex column) that validate as
//!   each identifier kind, look like free text, medical codes, addresses, names...
//!
//! When both agree the confidence is high. When the values are clearly direct
//! identifiers (80 % or more valid NIRs, phone numbers, e-mails, IBANs, RPPS or
//! FINESS numbers) they win over a header that says otherwise: a column called
//! `code` full of NIRs is a NIR column. Otherwise the header wins, with less
//! confidence when the values do not look like what it names.
//!
//! Reasons are one line and never quote a value (nor the user's header: the
//! synonym quoted is masque's own).
//!
//! The suggested action is a [`policy::Action`], the policy's own type (a NIR
//! column gets `pseudonymise` with [`pseudo::Kind::Nir`]): accepting a
//! suggestion is `policy.columns[name] = suggestion.action`, and it cannot
//! name an action or a kind the policy does not know. It serialises as the
//! shortest policy entry (`{"action": "pseudonymise", "kind": "nir"}`).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::hierarchy::builder::{Builder, Dates, Empty};
use crate::ident::fold::fold_words_into;
use crate::ident::header::{classify, Concept, HeaderMatch};
use crate::ident::scrub::{self, RowContext, ScrubOptions};
use crate::ident::{date, email, geo, iban, names, nir, phone, rpps, IdentifierKind};
use crate::policy::{self, DateOptions, Invalids};
use crate::pseudo;
use crate::table::Column;

/// At most this many distinct values are examined per column (evenly spaced codes).
pub const SAMPLE_LIMIT: usize = 20_000;

/// The role of a column in the privacy model.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Identifies a person on its own (name, NIR, phone...): pseudonymise, drop or scrub.
    DirectIdentifier,
    /// Identifies a person in combination with others (date of birth, postcode, sex).
    QuasiIdentifier,
    /// Health information to protect against inference (diagnosis, treatment).
    Sensitive,
    /// Nothing of the above.
    #[default]
    Other,
}

/// A confidence between 0 and 1, held as a whole percentage (so it compares
/// exactly); serialised as a number such as `0.95`.
#[cfg_attr(feature = "ts", derive(tsify::Tsify), tsify(type = "number"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Confidence(u8);

impl Confidence {
    /// A confidence of `percent` % (capped at 100).
    pub fn percent(percent: u8) -> Confidence {
        Confidence(percent.min(100))
    }

    /// The confidence as a whole percentage.
    pub fn as_percent(self) -> u8 {
        self.0
    }

    /// The confidence as a number in [0, 1].
    pub fn as_f64(self) -> f64 {
        f64::from(self.0) / 100.0
    }

    fn from_share(share: f64, scale: f64) -> Confidence {
        Confidence::percent((share * scale).round().clamp(0.0, 100.0) as u8)
    }
}

impl Serialize for Confidence {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.as_f64())
    }
}

impl<'de> Deserialize<'de> for Confidence {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Confidence, D::Error> {
        let x = f64::deserialize(d)?;
        if !(0.0..=1.0).contains(&x) {
            return Err(serde::de::Error::custom("confidence must be between 0 and 1"));
        }
        Ok(Confidence::from_share(x, 100.0))
    }
}

/// What masque suggests doing with a column.
///
/// `action` is a column entry of the policy file as it stands, so accepting a
/// suggestion is `policy.columns[name] = suggestion.action`.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    /// The column's role.
    pub role: Role,
    /// The suggested action, as a policy holds it.
    pub action: policy::Action,
    /// How sure masque is, in [0, 1].
    pub confidence: Confidence,
    /// One line saying why, without any value.
    pub reason: String,
    /// What the column holds, as a stable snake_case name (`"nir"`,
    /// `"birth_date"`, `"admission_date"`, `"postal_code"`, ...): the header's
    /// concept, or what the values are when they override the header or there
    /// is none; `null` when neither names anything masque knows.
    #[serde(default)]
    pub concept: Option<Concept>,
    /// Whether the values bear the concept out: `false` when they contradict
    /// the header (fewer than half of the distinct values are what it names)
    /// or the column is empty; `true` when the concept comes from the values,
    /// or the header's concept has no measurable form (a commune, a service).
    #[serde(default)]
    pub values_agree: bool,
    /// For a quasi-identifier, the hierarchy builder that fits its values as
    /// the suggested action writes them (the anonymisation's
    /// `quasi_identifiers.<column>.builder`): `{"age_bands": {}}` for an age
    /// (`age_at`'s output, or an age column of numbers), `{"dates": {}}` for
    /// dates (also once generalised to a year or month), `{"code_postal": {}}`
    /// for codes postaux (also once generalised to départements), else
    /// `{"flat": {}}` (the value or `*`); `null` for the other roles.
    #[serde(default)]
    pub hierarchy: Option<Builder>,
}

impl Default for Suggestion {
    /// No role, keep, no confidence: what an inspection read without
    /// suggestions holds.
    fn default() -> Suggestion {
        Suggestion {
            role: Role::Other,
            action: policy::Action::Keep,
            confidence: Confidence::default(),
            reason: String::new(),
            concept: None,
            values_agree: false,
            hierarchy: None,
        }
    }
}

impl Suggestion {
    /// The policy column entry as JSON, e.g. `{"action": "pseudonymise", "kind": "nir"}`.
    pub fn policy_entry(&self) -> serde_json::Value {
        self.action.to_entry()
    }
}

/// The role and action that go with a concept.
fn treatment(concept: Concept) -> (Role, policy::Action) {
    use policy::Action::*;
    use Concept as C;
    use Role::*;
    let pseudonymise = |kind| Pseudonymise(policy::Pseudonymise { kind, ..policy::Pseudonymise::default() });
    match concept {
        C::Nir => (DirectIdentifier, pseudonymise(pseudo::Kind::Nir)),
        C::Surname | C::FirstName | C::FullName | C::Initials | C::Practitioner => {
            (DirectIdentifier, pseudonymise(pseudo::Kind::Text))
        }
        C::Phone => (DirectIdentifier, pseudonymise(pseudo::Kind::Phone)),
        C::Email => (DirectIdentifier, pseudonymise(pseudo::Kind::Email)),
        C::PatientId | C::StayId | C::OtherId | C::Rpps => (DirectIdentifier, pseudonymise(pseudo::Kind::Raw)),
        C::Address | C::Iban => (DirectIdentifier, Drop),
        C::FreeText => (DirectIdentifier, Scrub(policy::Scrub::default())),
        C::BirthDate => (QuasiIdentifier, Generalise(policy::Generalise::Year(DateOptions::default()))),
        C::EventDate | C::AdmissionDate | C::DischargeDate | C::DeathDate => {
            (QuasiIdentifier, Generalise(policy::Generalise::Month(DateOptions::default())))
        }
        C::PostalCode => (QuasiIdentifier, Generalise(policy::Generalise::Departement(Invalids::default()))),
        C::Commune
        | C::CommuneCode
        | C::Departement
        | C::Region
        | C::Country
        | C::BirthPlace
        | C::BirthYear
        | C::Age
        | C::Sex
        | C::Finess
        | C::Establishment
        | C::Profession
        | C::FamilyStatus => (QuasiIdentifier, Keep),
        C::Diagnosis | C::Act | C::Drug | C::Health => (Sensitive, Keep),
        C::Service | C::Measure | C::Count => (Other, Keep),
    }
}

/// Cues measured on the values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cue {
    Nir,
    Phone,
    Email,
    Iban,
    Rpps,
    Finess,
    Date,
    CodePostal,
    CodeCommune,
    Sex,
    MedicalCode,
    Address,
    FirstName,
    Surname,
    Numeric,
    Text,
    TextWithIdentifiers,
}

const CUES: usize = 17;

impl Cue {
    fn describe(self) -> &'static str {
        match self {
            Cue::Nir => "valid NIRs (key checked)",
            Cue::Phone => "valid phone numbers",
            Cue::Email => "valid e-mail addresses",
            Cue::Iban => "valid IBANs",
            Cue::Rpps => "valid RPPS numbers",
            Cue::Finess => "valid FINESS numbers",
            Cue::Date => "dates",
            Cue::CodePostal => "codes postaux",
            Cue::CodeCommune => "codes commune INSEE",
            Cue::Sex => "sex codes",
            Cue::MedicalCode => "CIM-10, CCAM or ATC codes",
            Cue::Address => "street addresses",
            Cue::FirstName => "common first names",
            Cue::Surname => "common surnames",
            Cue::Numeric => "numbers",
            Cue::Text => "free text",
            Cue::TextWithIdentifiers => "text holding identifiers",
        }
    }

    /// The concept a strong cue stands for when the header says nothing better.
    fn concept(self) -> Option<Concept> {
        Some(match self {
            Cue::Nir => Concept::Nir,
            Cue::Phone => Concept::Phone,
            Cue::Email => Concept::Email,
            Cue::Iban => Concept::Iban,
            Cue::Rpps => Concept::Rpps,
            Cue::Finess => Concept::Finess,
            _ => return None,
        })
    }
}

/// The cue that confirms a concept, if any can be measured.
fn expected_cue(concept: Concept) -> Option<Cue> {
    Some(match concept {
        Concept::Nir => Cue::Nir,
        Concept::Phone => Cue::Phone,
        Concept::Email => Cue::Email,
        Concept::Iban => Cue::Iban,
        Concept::Rpps => Cue::Rpps,
        Concept::Finess => Cue::Finess,
        Concept::BirthDate
        | Concept::EventDate
        | Concept::AdmissionDate
        | Concept::DischargeDate
        | Concept::DeathDate => Cue::Date,
        Concept::PostalCode => Cue::CodePostal,
        Concept::CommuneCode => Cue::CodeCommune,
        Concept::Sex => Cue::Sex,
        Concept::Address => Cue::Address,
        Concept::FirstName => Cue::FirstName,
        Concept::Surname => Cue::Surname,
        Concept::Age | Concept::Measure | Concept::Count => Cue::Numeric,
        Concept::Diagnosis | Concept::Act | Concept::Drug => Cue::MedicalCode,
        _ => return None,
    })
}

/// What the values of a column look like.
#[derive(Debug, Clone, Default)]
struct Evidence {
    /// Non-empty distinct values examined.
    distinct: u32,
    /// Rows holding those values.
    rows: u64,
    /// Per cue: (distinct values, rows).
    hits: [(u32, u64); CUES],
    /// Non-empty rows in the whole column.
    nonempty_rows: u64,
    /// Non-empty distinct values in the whole column.
    nonempty_distinct: usize,
    /// Whether all values were examined.
    complete: bool,
}

impl Evidence {
    fn share(&self, cue: Cue) -> f64 {
        if self.distinct == 0 {
            0.0
        } else {
            f64::from(self.hits[cue as usize].0) / f64::from(self.distinct)
        }
    }

    /// "of distinct values", or "of sampled distinct values" when not all were examined.
    fn of_distinct(&self) -> &'static str {
        if self.complete {
            "of distinct values"
        } else {
            "of sampled distinct values"
        }
    }

    fn row_share(&self, cue: Cue) -> f64 {
        if self.rows == 0 {
            0.0
        } else {
            self.hits[cue as usize].1 as f64 / self.rows as f64
        }
    }
}

const SEX_VALUES: &[&str] = &[
    "m",
    "f",
    "h",
    "homme",
    "femme",
    "masculin",
    "feminin",
    "male",
    "female",
    "man",
    "woman",
    "i",
    "indetermine",
    "inconnu",
    "u",
    "unknown",
    "x",
    "monsieur",
    "madame",
    "mme",
    "mr",
    "mlle",
    "1",
    "2",
    "9",
];

const STREET_WORDS: &[&str] = &[
    "rue",
    "avenue",
    "av",
    "ave",
    "bd",
    "boulevard",
    "chemin",
    "ch",
    "impasse",
    "imp",
    "allee",
    "place",
    "pl",
    "route",
    "rte",
    "quai",
    "cours",
    "square",
    "lotissement",
    "residence",
    "lieu",
    "voie",
    "sentier",
    "passage",
    "cite",
    "hameau",
    "faubourg",
    "fbg",
    "esplanade",
    "promenade",
    "villa",
    "street",
    "road",
    "bis",
    "ter",
];

/// A CIM-10 (`I21.0`, `E119`, `B20`), CCAM (`AAFA001`) or ATC (`N02BE01`) code.
fn is_medical_code(v: &str) -> bool {
    let b = v.as_bytes();
    let upper = |c: &u8| c.is_ascii_uppercase();
    let digit = |c: &u8| c.is_ascii_digit();
    // CCAM: 4 letters, 3 digits
    if b.len() == 7 && b[..4].iter().all(upper) && b[4..].iter().all(digit) {
        return true;
    }
    // ATC: letter, 2 digits, 2 letters, 2 digits (or a prefix of it, 3+ chars)
    // CIM-10: letter, 2 digits, then optionally '.', up to 4 digits/letters, '+' or '*'
    if b.len() >= 3 && upper(&b[0]) && digit(&b[1]) && digit(&b[2]) {
        let rest = &b[3..];
        let rest = rest.strip_prefix(b".").unwrap_or(rest);
        return rest.len() <= 4 && rest.iter().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'*'));
    }
    false
}

fn is_numeric(v: &str) -> bool {
    let v = v.strip_prefix(['-', '+']).unwrap_or(v);
    let mut digits = 0;
    let mut seps = 0;
    for c in v.bytes() {
        match c {
            b'0'..=b'9' => digits += 1,
            b',' | b'.' => seps += 1,
            b' ' => {}
            _ => return false,
        }
    }
    digits > 0 && seps <= 1
}

/// Examines one distinct value; returns the cues it shows.
fn cues_of(v: &str, words: &mut String, ctx: &RowContext, scan_options: &ScrubOptions) -> [bool; CUES] {
    let mut c = [false; CUES];
    let digits = v.bytes().filter(u8::is_ascii_digit).count();
    let has_at = v.contains('@');
    if digits >= 13 {
        c[Cue::Nir as usize] = nir::validate_matricule(v).is_ok();
    }
    if (8..=17).contains(&digits) {
        c[Cue::Phone as usize] = phone::validate(v).is_ok();
    }
    if has_at {
        c[Cue::Email as usize] = email::validate(v).is_ok();
    }
    if digits >= 2 && v.len() >= 15 {
        c[Cue::Iban as usize] = iban::validate(v).is_ok();
    }
    if digits == 11 {
        c[Cue::Rpps as usize] = rpps::validate_rpps(v).is_ok_and(|r| r.starts_with("10"));
    }
    if (7..=9).contains(&digits) {
        c[Cue::Finess as usize] = rpps::validate_finess(v).is_ok();
    }
    if digits >= 4 {
        c[Cue::Date as usize] = date::parse(v).is_ok();
    }
    if digits >= 3 && v.trim().len() <= 6 {
        c[Cue::CodePostal as usize] = geo::code_postal(v).is_ok();
        c[Cue::CodeCommune as usize] = geo::code_commune(v).is_ok();
    }
    c[Cue::MedicalCode as usize] = is_medical_code(v.trim());
    c[Cue::Numeric as usize] = is_numeric(v.trim());
    words.clear();
    let n_words = fold_words_into(v, words);
    if n_words <= 2 && v.len() <= 12 {
        c[Cue::Sex as usize] = SEX_VALUES.contains(&words.as_str());
    }
    if (1..=4).contains(&n_words) && digits == 0 {
        let mut first = true;
        let mut sur = true;
        for w in words.split(' ') {
            first &= names::is_first_name(w);
            sur &= names::is_surname(w) || matches!(w, "le" | "la" | "de" | "du" | "da" | "n" | "d");
        }
        c[Cue::FirstName as usize] = first;
        c[Cue::Surname as usize] = sur;
    }
    if n_words >= 2 && digits > 0 {
        c[Cue::Address as usize] = words.split(' ').take(4).any(|w| STREET_WORDS.contains(&w));
    }
    let text = n_words >= 4 || (v.chars().count() >= 30 && n_words >= 2);
    c[Cue::Text as usize] = text;
    if n_words >= 2 {
        let mut any = false;
        scrub::scan(v, ctx, scan_options, |m| {
            any |= !matches!(m.found, scrub::Found::Date);
        });
        c[Cue::TextWithIdentifiers as usize] = any;
    }
    c
}

fn gather(column: &Column) -> Evidence {
    let dict = &column.dict;
    let mut counts = vec![0u32; dict.len()];
    for &code in &column.codes {
        if let Some(c) = counts.get_mut(code as usize) {
            *c += 1;
        }
    }
    let mut ev = Evidence::default();
    let empty = |v: &str| v.chars().all(|c| c.is_whitespace());
    let nonempty: Vec<u32> = (0..dict.len() as u32).filter(|&c| !empty(dict.get(c))).collect();
    ev.nonempty_distinct = nonempty.len();
    ev.nonempty_rows = nonempty.iter().map(|&c| u64::from(counts[c as usize])).sum();
    let step = nonempty.len().div_ceil(SAMPLE_LIMIT).max(1);
    ev.complete = step == 1;
    let ctx = RowContext::new();
    let scan_options = ScrubOptions { dates: false, names: false, ..ScrubOptions::default() };
    let mut words = String::new();
    for &code in nonempty.iter().step_by(step) {
        let v = dict.get(code);
        let w = u64::from(counts[code as usize]);
        ev.distinct += 1;
        ev.rows += w;
        let c = cues_of(v, &mut words, &ctx, &scan_options);
        for (i, hit) in c.iter().enumerate() {
            if *hit {
                ev.hits[i].0 += 1;
                ev.hits[i].1 += w;
            }
        }
    }
    ev
}

fn pct(share: f64) -> String {
    let p = share * 100.0;
    if p > 99.5 && share < 1.0 {
        ">99".to_string()
    } else if p < 1.0 && share > 0.0 {
        "<1".to_string()
    } else {
        format!("{p:.0}")
    }
}

fn build(concept: Concept, confidence: Confidence, reason: String) -> Suggestion {
    let (role, action) = treatment(concept);
    Suggestion { role, action, confidence, reason, concept: Some(concept), values_agree: true, hierarchy: None }
}

/// The identifier cues strong enough to override a header, strongest first.
const OVERRIDING: [Cue; 6] = [Cue::Nir, Cue::Email, Cue::Iban, Cue::Phone, Cue::Rpps, Cue::Finess];

/// Suggests a role and action for a column from its header and values.
///
/// ```
/// use masque_core::suggest::{suggest, Role};
/// use masque_core::table::Column;
/// let col = Column::from_values("code", ["185057511542355", "253072B07300470", "295109912611193"]);
/// let s = suggest(&col);
/// assert_eq!((s.role, s.action.summary()), (Role::DirectIdentifier, "pseudonymise (nir)".to_string()));
/// assert_eq!(s.policy_entry(), serde_json::json!({"action": "pseudonymise", "kind": "nir"}));
/// ```
pub fn suggest(column: &Column) -> Suggestion {
    let header = classify(&column.name);
    let ev = gather(column);
    let mut s = decide(header, &ev);
    s.hierarchy = hierarchy_for(&s);
    s
}

fn decide(header: Option<HeaderMatch>, ev: &Evidence) -> Suggestion {
    if ev.nonempty_distinct == 0 {
        return Suggestion {
            role: Role::Other,
            action: policy::Action::Keep,
            confidence: Confidence::percent(if header.is_some() { 60 } else { 90 }),
            reason: match header {
                Some(h) => format!("the column is empty (its header reads as {})", h.concept.label()),
                None => "the column is empty".to_string(),
            },
            concept: header.map(|h| h.concept),
            values_agree: false,
            hierarchy: None,
        };
    }
    let strong = OVERRIDING.iter().copied().map(|c| (c, ev.share(c))).find(|&(_, s)| s >= 0.8);
    let text_share = ev.row_share(Cue::Text);
    let ids_share = ev.row_share(Cue::TextWithIdentifiers);
    if let Some(h) = header {
        let concept = h.concept;
        let expected = expected_cue(concept);
        if let Some((cue, share)) = strong {
            if Some(cue) != expected {
                if let Some(c) = cue.concept() {
                    if treatment(c) != treatment(concept) {
                        return build(
                            c,
                            Confidence::from_share(share, 95.0),
                            format!(
                                "{} % {} are {}, whatever the header says",
                                pct(share),
                                ev.of_distinct(),
                                cue.describe()
                            ),
                        );
                    }
                }
            }
        }
        let named = format!("header reads as {} (\"{}\")", concept.label(), h.synonym);
        if concept == Concept::FreeText {
            let reason = if ids_share > 0.0 {
                format!("{named}; {} % of non-empty values hold a NIR, phone number, e-mail or IBAN", pct(ids_share))
            } else {
                format!("{named}; free text can hold names and numbers")
            };
            return build(concept, Confidence::percent(h.confidence.max(85)), reason);
        }
        if let Some(cue) = expected {
            let share = if cue == Cue::Sex { ev.row_share(cue) } else { ev.share(cue) };
            // names and addresses are only partly recognised, and a diagnosis
            // column may hold labels rather than codes: no penalty for those
            let measurable = !matches!(cue, Cue::FirstName | Cue::Surname | Cue::Address | Cue::MedicalCode);
            if share >= 0.8 {
                let conf = if h.exact { 99 } else { 95 };
                return build(
                    concept,
                    Confidence::percent(conf),
                    format!("{named}; {} % {} are {}", pct(share), ev.of_distinct(), cue.describe()),
                );
            }
            if measurable && share < 0.5 && ev.distinct >= 5 {
                return Suggestion {
                    values_agree: false,
                    ..build(
                        concept,
                        Confidence::percent(h.confidence.saturating_sub(25)),
                        format!("{named}, but only {} % {} are {}", pct(share), ev.of_distinct(), cue.describe()),
                    )
                };
            }
        }
        return build(concept, Confidence::percent(h.confidence), named);
    }
    // no header evidence: the values alone
    if let Some((cue, share)) = strong {
        if let Some(c) = cue.concept() {
            return build(
                c,
                Confidence::from_share(share, 95.0),
                format!("{} % {} are {}", pct(share), ev.of_distinct(), cue.describe()),
            );
        }
    }
    let from_values = |concept: Concept, cue: Cue, share: f64, scale: f64| {
        build(
            concept,
            Confidence::from_share(share, scale),
            format!("{} % {} are {}", pct(share), ev.of_distinct(), cue.describe()),
        )
    };
    let share = ev.row_share(Cue::Address);
    if share >= 0.5 {
        return from_values(Concept::Address, Cue::Address, share, 80.0);
    }
    if ids_share >= 0.05 || (text_share >= 0.3 && ev.distinct >= 2) {
        let reason = if ids_share > 0.0 {
            format!("free text; {} % of non-empty values hold a NIR, phone number, e-mail or IBAN", pct(ids_share))
        } else {
            "free text, which can hold names and numbers".to_string()
        };
        let conf = if ids_share > 0.0 { 80 } else { 60 };
        return build(Concept::FreeText, Confidence::percent(conf), reason);
    }
    let share = ev.share(Cue::Date);
    if share >= 0.9 {
        return from_values(Concept::EventDate, Cue::Date, share, 80.0);
    }
    let sex = ev.row_share(Cue::Sex);
    if sex >= 0.95 && ev.nonempty_distinct <= 6 && ev.share(Cue::Numeric) < 1.0 {
        return from_values(Concept::Sex, Cue::Sex, sex, 85.0);
    }
    let share = ev.share(Cue::MedicalCode);
    if share >= 0.8 {
        return build(
            Concept::Diagnosis,
            Confidence::from_share(share, 80.0),
            format!("{} % {} are {}", pct(share), ev.of_distinct(), Cue::MedicalCode.describe()),
        );
    }
    let share = ev.share(Cue::CodePostal);
    if share >= 0.95 && ev.share(Cue::Numeric) >= 0.95 {
        return from_values(Concept::PostalCode, Cue::CodePostal, share, 70.0);
    }
    let share = ev.share(Cue::CodeCommune);
    if share >= 0.95 {
        return from_values(Concept::CommuneCode, Cue::CodeCommune, share, 70.0);
    }
    for (cue, concept) in [(Cue::Surname, Concept::Surname), (Cue::FirstName, Concept::FirstName)] {
        let share = ev.row_share(cue);
        if share >= 0.5 {
            return build(
                concept,
                Confidence::from_share(share, 75.0),
                format!("{} % of rows are {}", pct(share), cue.describe()),
            );
        }
    }
    let numeric = ev.share(Cue::Numeric);
    let unique = ev.nonempty_distinct as u64 == ev.nonempty_rows && ev.nonempty_rows >= 20;
    if unique && numeric < 0.5 {
        return build(
            Concept::PatientId,
            Confidence::percent(50),
            "every value is different, as in a record identifier".to_string(),
        );
    }
    Suggestion {
        role: Role::Other,
        action: policy::Action::Keep,
        confidence: Confidence::percent(50),
        reason: "no identifier found in the header or the values".to_string(),
        concept: None,
        values_agree: false,
        hierarchy: None,
    }
}

/// The hierarchy builder that fits a quasi-identifier's values as its
/// suggested action writes them ([`Suggestion::hierarchy`]).
fn hierarchy_for(s: &Suggestion) -> Option<Builder> {
    if s.role != Role::QuasiIdentifier {
        return None;
    }
    let empty = Empty {};
    Some(match (&s.action, s.concept) {
        // Whole years: the 5, 10, 20-year bands.
        (policy::Action::AgeAt(a), _) if a.width.is_none() && a.bounds.is_none() && a.top.is_none() => {
            Builder::AgeBands(empty)
        }
        (policy::Action::AgeAt(_), _) => Builder::Flat(empty),
        (
            _,
            Some(
                Concept::BirthDate
                | Concept::BirthYear
                | Concept::EventDate
                | Concept::AdmissionDate
                | Concept::DischargeDate
                | Concept::DeathDate,
            ),
        ) if s.values_agree => Builder::Dates(Dates::default()),
        (_, Some(Concept::PostalCode)) if s.values_agree => Builder::CodePostal(empty),
        (policy::Action::Keep, Some(Concept::Age)) if s.values_agree => Builder::AgeBands(empty),
        _ => Builder::Flat(empty),
    })
}

/// Suggestions for every column of a table: each column's own ([`suggest`]),
/// then adjusted for what the others hold.
///
/// A date of birth beside a date of admission (both borne out by their
/// values) becomes the age in whole years at admission, row by row
/// ([`policy::AgeAt`]): studies need an age, and the date of birth itself
/// never reaches the output. The output column is headed `age` (or, if the
/// file already has a column of that name, `age_at_admission`, then
/// `age_at_admission_2`, ...), so the header is the same for the same file.
/// Its role stays quasi-identifier: the anonymisation generalises the age
/// (age bands), not the date.
///
/// ```
/// use masque_core::policy::Action;
/// use masque_core::suggest::suggest_columns;
/// use masque_core::table::Column;
/// let columns = [
///     Column::from_values("date_naissance", ["01/02/1950", "03/04/1961"]),
///     Column::from_values("date_entree", ["05/06/2020", "07/08/2021"]),
/// ];
/// let s = suggest_columns(&columns);
/// assert_eq!(s[0].policy_entry(), serde_json::json!({"action": "age_at", "at": "date_entree"}));
/// ```
pub fn suggest_columns(columns: &[Column]) -> Vec<Suggestion> {
    let mut suggestions: Vec<Suggestion> = columns.iter().map(suggest).collect();
    let first = |concept: Concept| {
        suggestions.iter().position(|s| s.concept == Some(concept) && s.values_agree && s.role == Role::QuasiIdentifier)
    };
    if let (Some(birth), Some(admission)) = (first(Concept::BirthDate), first(Concept::AdmissionDate)) {
        let taken = |name: &str| columns.iter().any(|c| c.name == name);
        let mut name = policy::AgeAt::DEFAULT_NAME.to_string();
        let mut n = 1;
        while taken(&name) {
            name = if n == 1 { "age_at_admission".to_string() } else { format!("age_at_admission_{n}") };
            n += 1;
        }
        let s = &mut suggestions[birth];
        s.action = policy::Action::AgeAt(policy::AgeAt {
            at: columns[admission].name.clone(),
            name,
            ..policy::AgeAt::default()
        });
        s.reason.push_str("; replaced by the age in whole years at the row's date of admission");
        s.hierarchy = hierarchy_for(s);
    }
    suggestions
}

/// The [`IdentifierKind`]s whose validators accept `value`, for callers that want the
/// raw evidence of one value.
pub fn kinds_of(value: &str) -> Vec<IdentifierKind> {
    IdentifierKind::ALL.into_iter().filter(|k| k.is_valid(value)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(name: &str, values: &[&str]) -> Column {
        Column::from_values(name, values.iter().copied())
    }

    #[test]
    fn header_and_values_agree() {
        let s = suggest(&col("nir", &["185057511542355", "253072B07300470", "295109912611193"]));
        assert_eq!((s.role, s.action.summary().as_str()), (Role::DirectIdentifier, "pseudonymise (nir)"));
        assert_eq!(s.confidence.as_percent(), 99);
        assert!(s.reason.contains("100 % of distinct values are valid NIRs"), "{}", s.reason);
    }

    #[test]
    fn values_override_a_misleading_header() {
        let s = suggest(&col("commentaire_id", &["06 12 34 56 78", "01 42 34 56 78", "0712345678", "0298765432"]));
        assert_eq!((s.role, s.action.summary().as_str()), (Role::DirectIdentifier, "pseudonymise (phone)"));
        let s = suggest(&col("code", &["185057511542355", "253072B07300470"]));
        assert_eq!(s.action.summary(), "pseudonymise (nir)");
        assert!(s.reason.contains("whatever the header says") || !s.reason.contains("header"), "{}", s.reason);
    }

    #[test]
    fn header_alone() {
        let s = suggest(&col("prénom", &["Jean", "Marie", "Zébulon"]));
        assert_eq!((s.role, s.action.summary().as_str()), (Role::DirectIdentifier, "pseudonymise (text)"));
        let s = suggest(&col("date_naissance", &["01/02/1985", "1985-02-03", "3 mars 1990"]));
        assert_eq!((s.role, s.action.summary().as_str()), (Role::QuasiIdentifier, "generalise (year)"));
        let s = suggest(&col("diag_principal", &["I21.0", "E11.9", "B20"]));
        assert_eq!(s.role, Role::Sensitive);
        let s = suggest(&col("telephone", &["x1", "x2", "x3", "x4", "x5", "x6"]));
        assert_eq!(s.role, Role::DirectIdentifier);
        assert!(s.confidence.as_percent() < 90 && s.reason.contains("but only 0 %"), "{}", s.reason);
    }

    #[test]
    fn values_alone() {
        let s = suggest(&col("c1", &["jean.dupont@gmail.com", "marie@orange.fr"]));
        assert_eq!(s.action.summary(), "pseudonymise (email)");
        let s = suggest(&col("c2", &["M", "F", "F", "M", "F"]));
        assert_eq!(s.role, Role::QuasiIdentifier);
        let s = suggest(&col("c3", &["I21.0", "E11.9", "J18.9", "B20"]));
        assert_eq!(s.role, Role::Sensitive);
        let s =
            suggest(&col("c4", &["Patient vu ce jour, rappeler au 06 12 34 56 78", "RAS, bonne évolution clinique"]));
        assert_eq!(s.action.summary(), "scrub");
        let s = suggest(&col("c5", &["12 rue Victor Hugo", "3 avenue Pasteur", "8 bis chemin des Lilas"]));
        assert_eq!(s.action.summary(), "drop");
        let s = suggest(&col("c6", &["1,5", "2,7", "3"]));
        assert_eq!((s.role, s.action.summary().as_str()), (Role::Other, "keep"));
        let s = suggest(&col("c7", &["", " "]));
        assert_eq!(s.reason, "the column is empty");
    }

    #[test]
    fn serialises_as_the_policy_names() {
        let s = suggest(&col("nir", &["185057511542355"]));
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(json["role"], "direct_identifier");
        assert_eq!(json["action"], serde_json::json!({"action": "pseudonymise", "kind": "nir"}));
        assert_eq!(json["confidence"], 0.99);
        assert_eq!(s.policy_entry(), serde_json::json!({"action": "pseudonymise", "kind": "nir"}));
        let back: Suggestion = serde_json::from_value(json).unwrap();
        assert_eq!(back, s);
        assert!(serde_json::from_value::<Confidence>(serde_json::json!(1.5)).is_err());
    }

    #[test]
    fn concepts_are_machine_readable() {
        let s = suggest(&col("date_naissance", &["01/02/1985", "1985-02-03", "3 mars 1990"]));
        assert_eq!((s.concept, s.values_agree), (Some(Concept::BirthDate), true));
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(
            (&json["concept"], &json["values_agree"]),
            (&serde_json::json!("birth_date"), &serde_json::json!(true))
        );
        let s = suggest(&col("Date d'entrée", &["01/02/2020", "03/02/2020"]));
        assert_eq!(serde_json::to_value(s.concept).unwrap(), "admission_date");
        let s = suggest(&col("date_sortie", &["01/02/2020", "03/02/2020"]));
        assert_eq!(serde_json::to_value(s.concept).unwrap(), "discharge_date");
        // the header says a phone number, the values do not bear it out
        let s = suggest(&col("telephone", &["x1", "x2", "x3", "x4", "x5", "x6"]));
        assert_eq!((s.concept, s.values_agree), (Some(Concept::Phone), false));
        // the values override the header: their concept, borne out
        let s = suggest(&col("code", &["185057511542355", "253072B07300470"]));
        assert_eq!((s.concept, s.values_agree), (Some(Concept::Nir), true));
        // values alone
        let s = suggest(&col("c", &["75011", "13001", "69003", "33000"]));
        assert_eq!(serde_json::to_value(s.concept).unwrap(), "postal_code");
        let s = suggest(&col("c", &["1,5", "2,7", "3"]));
        assert_eq!((s.concept, s.values_agree), (None, false));
        let s = suggest(&col("code_postal", &["", " "]));
        assert_eq!((s.concept, s.values_agree), (Some(Concept::PostalCode), false));
        // the hierarchy that fits each quasi-identifier, none for other roles
        let hierarchy =
            |name: &str, values: &[&str]| serde_json::to_value(suggest(&col(name, values)).hierarchy).unwrap();
        let dates = ["01/02/1985", "1985-02-03", "3 mars 1990"];
        assert_eq!(hierarchy("date_naissance", &dates), serde_json::json!({"dates": {"levels": null}}));
        assert_eq!(hierarchy("code_postal", &["75011", "13001"]), serde_json::json!({"code_postal": {}}));
        assert_eq!(hierarchy("age", &["34", "71"]), serde_json::json!({"age_bands": {}}));
        let bands = ["30-39", "40-49", "50-59", "60-69", "70-79"];
        assert_eq!(hierarchy("tranche_age", &bands), serde_json::json!({"flat": {}}));
        assert_eq!(hierarchy("sexe", &["M", "F"]), serde_json::json!({"flat": {}}));
        assert_eq!(hierarchy("nir", &["185057511542355"]), serde_json::Value::Null);
        assert_eq!(hierarchy("diag", &["I21.0", "E11.9"]), serde_json::Value::Null);
        // a suggestion read without the new fields still parses
        let old = serde_json::json!({"role": "other", "action": "keep", "confidence": 0.5, "reason": "r"});
        let back: Suggestion = serde_json::from_value(old).unwrap();
        assert_eq!((back.concept, back.values_agree), (None, false));
    }

    #[test]
    fn a_birth_date_beside_an_admission_date_becomes_the_age_at_admission() {
        let birth = col("ddn", &["01/02/1950", "03/04/1961", "05/06/1972"]);
        let admission = col("Date d'entrée", &["05/06/2020", "07/08/2021", "09/10/2022"]);
        let age = col("age", &["70", "60", "50"]);
        let s = suggest_columns(&[birth.clone(), admission.clone()]);
        assert_eq!(s[0].policy_entry(), serde_json::json!({"action": "age_at", "at": "Date d'entrée"}));
        assert_eq!((s[0].role, s[0].concept), (Role::QuasiIdentifier, Some(Concept::BirthDate)));
        assert_eq!(s[1], suggest(&admission));
        assert_eq!(serde_json::to_value(&s[0].hierarchy).unwrap(), serde_json::json!({"age_bands": {}}));
        assert_eq!(serde_json::to_value(&s[1].hierarchy).unwrap(), serde_json::json!({"dates": {"levels": null}}));
        // the output header never clashes with a column of the file
        let s = suggest_columns(&[age.clone(), birth.clone(), admission.clone()]);
        assert_eq!(s[1].policy_entry()["name"], "age_at_admission");
        let taken = col("age_at_admission", &["1", "2", "3"]);
        let s = suggest_columns(&[age, taken, birth.clone(), admission]);
        assert_eq!(s[2].policy_entry()["name"], "age_at_admission_2");
        // no admission date (a discharge date is not one): the date of birth is generalised
        let discharge = col("date_sortie", &["05/06/2020", "07/08/2021", "09/10/2022"]);
        let s = suggest_columns(&[birth.clone(), discharge]);
        assert_eq!(s[0], suggest(&birth));
        // an admission header the values do not bear out does not count
        let junk = col("date_entree", &["a", "b", "c", "d", "e", "f"]);
        assert_eq!(suggest_columns(&[birth.clone(), junk])[0], suggest(&birth));
    }

    #[test]
    fn reasons_never_quote_values() {
        let values = ["185057511542355", "Zébulon", "jean.dupont@gmail.com", "06 12 34 56 78"];
        for name in ["nir", "prenom", "c", "email", "telephone", "commentaire"] {
            let s = suggest(&col(name, &values));
            for v in values {
                assert!(!s.reason.contains(v), "{}", s.reason);
            }
        }
    }

    #[test]
    fn large_columns_are_sampled() {
        let values: Vec<String> = (0..SAMPLE_LIMIT as u64 + 5000)
            .map(|i| {
                let body = format!("1{:02}0575{:03}423", i % 100, 115 + i / 100);
                let key = crate::ident::nir::key(&body).unwrap_or(0);
                format!("{body}{key:02}")
            })
            .collect();
        let s = suggest(&Column::from_values("nir", &values));
        assert_eq!(s.action.summary(), "pseudonymise (nir)");
        assert!(s.reason.contains("100 % of sampled distinct values are valid NIRs"), "{}", s.reason);
    }

    #[test]
    fn kinds_of_a_value() {
        assert_eq!(kinds_of("185057511542355"), [IdentifierKind::Nir, IdentifierKind::Matricule]);
        assert_eq!(kinds_of("75011"), [IdentifierKind::CodePostal, IdentifierKind::CodeCommune]);
        assert!(kinds_of("bonjour").is_empty());
    }

    #[test]
    fn medical_codes() {
        for v in ["I21.0", "E119", "B20", "C50.9", "AAFA001", "N02BE01", "F32.9+"] {
            assert!(is_medical_code(v), "{v}");
        }
        for v in ["I2", "12.0", "rue", "i21.0", "AAFA0012"] {
            assert!(!is_medical_code(v), "{v}");
        }
    }
}
