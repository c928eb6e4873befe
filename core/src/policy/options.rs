//! The options of the policy's actions, one type per action that has any
//! ([`super::Action`] names them): what to do with invalid values, and the
//! parameters of redact, pseudonymise, mask, generalise (its targets'
//! options), age_at and scrub.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::DateOrder;
use crate::pseudo::{Encoding, Kind, PseudonymFormat};

/// What to do with a value that is not valid for a pseudonymised kind.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum OnInvalidIdentifier {
    /// Pseudonymise the value cleaned as far as the kind allows (separators
    /// removed, case folded) without the validity check. Counted in the report.
    #[default]
    #[serde(alias = "pseudonymise_raw")]
    Pseudonymise,
    /// Replace it by `redact_with`.
    Redact,
    /// Stop with an error naming the row and column.
    Error,
}

/// What to do with a value a transform cannot read (a date that is not a
/// date, a value missing from a map or hierarchy, ...).
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum OnInvalidValue {
    /// Replace it by `redact_with`.
    #[default]
    Redact,
    /// Keep it unchanged (it then reaches the output as it is).
    Keep,
    /// Stop with an error naming the row and column.
    Error,
}

fn redacted() -> String {
    "[REDACTED]".to_string()
}

/// Options of `redact`.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Redact {
    /// The replacement (default `[REDACTED]`). Empty cells stay empty.
    pub with: String,
}

impl Default for Redact {
    fn default() -> Redact {
        Redact { with: redacted() }
    }
}

/// Options of `pseudonymise`.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Pseudonymise {
    /// The identifier kind, which sets the normalisation (default `raw`).
    #[cfg_attr(feature = "ts", tsify(type = "PseudonymKind"))]
    pub kind: Kind,
    /// The pseudonym alphabet (default `base32`).
    #[cfg_attr(feature = "ts", tsify(type = "PseudonymEncoding"))]
    pub encoding: Encoding,
    /// Characters of digest kept (default 16).
    pub length: usize,
    /// Text put before every pseudonym (default none).
    pub prefix: String,
    /// What to do with values invalid for `kind` (default `pseudonymise`).
    pub on_invalid: OnInvalidIdentifier,
    /// The replacement when `on_invalid` is `redact` (default empty).
    pub redact_with: String,
}

impl Default for Pseudonymise {
    fn default() -> Pseudonymise {
        let f = PseudonymFormat::default();
        Pseudonymise {
            kind: Kind::Raw,
            encoding: f.encoding,
            length: f.length,
            prefix: f.prefix,
            on_invalid: OnInvalidIdentifier::default(),
            redact_with: String::new(),
        }
    }
}

impl Pseudonymise {
    /// The pseudonym format these options describe.
    pub fn format(&self) -> PseudonymFormat {
        PseudonymFormat { encoding: self.encoding, length: self.length, prefix: self.prefix.clone() }
    }
}

/// Options of `mask`.
#[cfg_attr(feature = "ts", derive(tsify::Tsify), tsify(rename = "MaskOptions"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Mask {
    /// Characters kept at the start (default 0).
    pub keep_start: usize,
    /// Characters kept at the end (default 0).
    pub keep_end: usize,
    /// The masking character (default `*`), one per hidden character.
    #[serde(rename = "char")]
    pub mask_char: char,
}

impl Default for Mask {
    fn default() -> Mask {
        Mask { keep_start: 0, keep_end: 0, mask_char: '*' }
    }
}

/// Defines an options struct with, as its last two fields, the invalid-value
/// options every generalisation and `date_shift` share ([`Invalids`]): one
/// definition of their names, documentation and defaults.
///
/// A macro rather than a field `#[serde(flatten)] invalids: Invalids`: serde
/// does not support `flatten` together with `deny_unknown_fields`
/// (serde-rs/serde#1547, #2283: a misspelt option would then be silently
/// accepted).
macro_rules! with_invalids {
    ($(#[$meta:meta])* pub struct $name:ident { $($(#[$field_meta:meta])* pub $field:ident: $ty:ty,)* }) => {
        $(#[$meta])*
        pub struct $name {
            $($(#[$field_meta])* pub $field: $ty,)*
            /// What to do with unreadable values (default `redact`).
            #[serde(default)]
            pub on_invalid: OnInvalidValue,
            /// The replacement when `on_invalid` is `redact` (default empty).
            #[serde(default)]
            pub redact_with: String,
        }
    };
}

/// Options shared by the generalisations and `date_shift`.
///
/// The options structs carry them as fields of their own ([`with_invalids`]);
/// [`Generalise::invalids`] reads them as one value for every generalisation.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Invalids {
    /// What to do with unreadable values (default `redact`).
    pub on_invalid: OnInvalidValue,
    /// The replacement when `on_invalid` is `redact` (default empty).
    pub redact_with: String,
}

/// A generalisation (the `to` field of `generalise`).
#[cfg_attr(
    feature = "ts",
    derive(tsify::Tsify),
    tsify(
        type = "({ to: \"interval\" } & Interval) | ({ to: \"year\" | \"quarter\" | \"month\" | \"week\" } & DateOptions) | ({ to: \"age\" } & Age) | ({ to: \"departement\" } & Invalids) | ({ to: \"top_bottom\" } & TopBottom) | ({ to: \"map\" } & ValueMap) | ({ to: \"hierarchy\" } & HierarchyLevel)"
    )
)]
#[derive(Debug, Clone, PartialEq)]
pub enum Generalise {
    /// Numbers to intervals (`"to": "interval"`).
    Interval(Interval),
    /// Dates to their year (`2024`).
    Year(DateOptions),
    /// Dates to their quarter (`2024-Q3`).
    Quarter(DateOptions),
    /// Dates to their month (`2024-07`).
    Month(DateOptions),
    /// Dates to their ISO week (`2024-W27`).
    Week(DateOptions),
    /// Dates of birth to an age band at a reference date (`"to": "age"`).
    Age(Age),
    /// Postcodes to their département: 2 characters, 3 for 97x/98x (`"to": "departement"`).
    Departement(Invalids),
    /// Numbers above `top` to `top+`, below `bottom` to `<bottom` (`"to": "top_bottom"`).
    TopBottom(TopBottom),
    /// Values to labels from a table (`"to": "map"`).
    Map(ValueMap),
    /// Values to a level of an ARX hierarchy (`"to": "hierarchy"`).
    Hierarchy(HierarchyLevel),
}

impl Generalise {
    /// The `to` name in policies.
    pub fn name(&self) -> &'static str {
        match self {
            Generalise::Interval(_) => "interval",
            Generalise::Year(_) => "year",
            Generalise::Quarter(_) => "quarter",
            Generalise::Month(_) => "month",
            Generalise::Week(_) => "week",
            Generalise::Age(_) => "age",
            Generalise::Departement(_) => "departement",
            Generalise::TopBottom(_) => "top_bottom",
            Generalise::Map(_) => "map",
            Generalise::Hierarchy(_) => "hierarchy",
        }
    }

    /// The invalid-value options.
    pub fn invalids(&self) -> Invalids {
        let (on_invalid, redact_with) = match self {
            Generalise::Interval(o) => (o.on_invalid, &o.redact_with),
            Generalise::Year(o) | Generalise::Quarter(o) | Generalise::Month(o) | Generalise::Week(o) => {
                (o.on_invalid, &o.redact_with)
            }
            Generalise::Age(o) => (o.on_invalid, &o.redact_with),
            Generalise::Departement(o) => (o.on_invalid, &o.redact_with),
            Generalise::TopBottom(o) => (o.on_invalid, &o.redact_with),
            Generalise::Map(o) => (o.on_invalid, &o.redact_with),
            Generalise::Hierarchy(o) => (o.on_invalid, &o.redact_with),
        };
        Invalids { on_invalid, redact_with: redact_with.clone() }
    }
}

with_invalids! {
    /// Options of `"to": "interval"`: exactly one of `width` or `bounds`.
    ///
    /// Labels: for integer data and integer limits `30-39` (inclusive), else
    /// `[70,5-80[` (half-open, with the column's decimal separator); below the
    /// first bound `<0`, from the last bound on `90+`.
    #[cfg_attr(feature = "ts", derive(tsify::Tsify))]
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
    #[serde(default, deny_unknown_fields)]
    pub struct Interval {
        /// Interval width (> 0).
        #[serde(skip_serializing_if = "Option::is_none")]
        pub width: Option<f64>,
        /// Where intervals start (default 0), with `width`.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub origin: Option<f64>,
        /// Increasing interval limits, instead of `width`.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub bounds: Option<Vec<f64>>,
    }
}

with_invalids! {
    /// Options of the date generalisations.
    #[cfg_attr(feature = "ts", derive(tsify::Tsify))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
    #[serde(default, deny_unknown_fields)]
    pub struct DateOptions {
        /// How to read `01/02/2024`: day first (`dmy`, default) or month first (`mdy`).
        pub order: DateOrder,
    }
}

with_invalids! {
    /// Options of `"to": "age"`: the age in whole years on `reference`, in bands
    /// of `width` years or between `bounds`, with ages from `top` on as `top+`.
    #[cfg_attr(feature = "ts", derive(tsify::Tsify))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
    #[serde(default, deny_unknown_fields)]
    pub struct Age {
        /// The date ages are computed at (`yyyy-mm-dd` or `dd/mm/yyyy`).
        pub reference: String,
        /// Band width in years.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub width: Option<u32>,
        /// Increasing band limits in years, instead of `width`.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub bounds: Option<Vec<u32>>,
        /// Ages from this on are written `top+` (e.g. 90 for HIPAA's `90+`).
        #[serde(skip_serializing_if = "Option::is_none")]
        pub top: Option<u32>,
        /// How to read `01/02/2024`.
        pub order: DateOrder,
    }
}

with_invalids! {
    /// Options of `"to": "top_bottom"`.
    #[cfg_attr(feature = "ts", derive(tsify::Tsify))]
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
    #[serde(default, deny_unknown_fields)]
    pub struct TopBottom {
        /// Values >= top become `top+`.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub top: Option<f64>,
        /// Values < bottom become `<bottom`.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub bottom: Option<f64>,
    }
}

with_invalids! {
    /// Options of `"to": "map"`: values (exact, or trimmed) to labels; a value
    /// not in the map is invalid.
    #[cfg_attr(feature = "ts", derive(tsify::Tsify))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
    #[serde(default, deny_unknown_fields)]
    pub struct ValueMap {
        /// Value -> label.
        pub map: BTreeMap<String, String>,
    }
}

with_invalids! {
    /// Options of `"to": "hierarchy"`: exactly one of `hierarchy` (ARX CSV text)
    /// or `hierarchy_file` (a path the CLI reads relative to the policy file; in
    /// wasm, given in the `files` option).
    #[cfg_attr(feature = "ts", derive(tsify::Tsify))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
    #[serde(default, deny_unknown_fields)]
    pub struct HierarchyLevel {
        /// The hierarchy as ARX CSV text.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub hierarchy: Option<String>,
        /// A path to an ARX CSV file.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub hierarchy_file: Option<String>,
        /// The level (0 = the value itself).
        pub level: usize,
    }
}

with_invalids! {
    /// Options of `date_shift`.
    #[cfg_attr(feature = "ts", derive(tsify::Tsify))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct DateShift {
        /// The column identifying the subject (patient); its original values are used.
        pub subject: String,
        /// Offsets are drawn in `[-max_days, +max_days]` (1 to 36,525).
        pub max_days: u32,
        /// How the subject identifier is normalised (default: the kind the subject
        /// column is pseudonymised with, else `raw`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "ts", tsify(type = "PseudonymKind"))]
        pub subject_kind: Option<Kind>,
        /// How to read `01/02/2024`.
        #[serde(default)]
        pub order: DateOrder,
    }
}

with_invalids! {
    /// Options of `age_at`, on a date-of-birth column: the age in whole years
    /// at the date `at` holds in the same row (an admission date, say),
    /// optionally in bands of `width` years or between `bounds`, with ages
    /// from `top` on as `top+`. The output column takes the place of the
    /// date-of-birth column under the header `name` (default `age`); the dates
    /// of birth never reach the output.
    ///
    /// The age is the number of birthdays reached on the `at` date: someone
    /// born on 29 February is a year older on 1 March in common years (and on
    /// 29 February in leap years). A cell is invalid (reason `date`,
    /// `at_date`, `missing_at` or `after_reference`) when its date of birth
    /// is unreadable, the `at` date is unreadable or empty, or the birth is
    /// after it; `on_invalid` is `redact` (default, `redact_with` default
    /// empty) or `error`, never `keep`, which would copy the date of birth out.
    /// Both dates are read with the one date parser ([`date::parse_date`]).
    #[cfg_attr(feature = "ts", derive(tsify::Tsify))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    pub struct AgeAt {
        /// The column holding the date the age is computed at, in the same row.
        pub at: String,
        /// The output column's header (default `age`).
        pub name: String,
        /// Band width in years (whole years when neither `width` nor `bounds` is given).
        #[serde(skip_serializing_if = "Option::is_none")]
        pub width: Option<u32>,
        /// Increasing band limits in years, instead of `width`.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub bounds: Option<Vec<u32>>,
        /// Ages from this on are written `top+` (e.g. 90 for HIPAA's `90+`).
        #[serde(skip_serializing_if = "Option::is_none")]
        pub top: Option<u32>,
        /// How to read `01/02/2024`, in both columns.
        pub order: DateOrder,
    }
}

impl Default for AgeAt {
    fn default() -> AgeAt {
        AgeAt {
            at: String::new(),
            name: AgeAt::DEFAULT_NAME.to_string(),
            width: None,
            bounds: None,
            top: None,
            order: DateOrder::default(),
            on_invalid: OnInvalidValue::Redact,
            redact_with: String::new(),
        }
    }
}

impl AgeAt {
    /// The output header when the policy names none.
    pub const DEFAULT_NAME: &'static str = "age";
}

/// What replaces the row's own values found in free text.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ScrubReplacement {
    /// Their tag: `[NOM]`, `[PRENOM]`, `[NIR]`, ...
    #[default]
    Tag,
    /// The pseudonym their column gets (the tag if the column is not pseudonymised).
    Pseudonym,
}

/// Options of `scrub`: what to look for (all on by default), where the row's
/// own values come from, and what replaces them.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Scrub {
    /// NIRs and NIAs (key checked).
    pub nir: bool,
    /// Phone numbers.
    pub phone: bool,
    /// E-mail addresses.
    pub email: bool,
    /// IBANs.
    pub iban: bool,
    /// Dates.
    pub dates: bool,
    /// The row's own values of the `sources` columns.
    pub names: bool,
    /// Also the parts of compound names (`Pierre` of `Jean-Pierre`).
    pub name_parts: bool,
    /// Also every surname and first name of the file, in every row (relatives
    /// named in a comment).
    pub everywhere: bool,
    /// Column -> what it holds (`surname`, `first_name`, `nir`, `phone`,
    /// `email`, `iban`, `date`, `identifier`). Default: the columns whose
    /// header names one of these (`nom`, `prénom`, `nir`, `tel`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "ts",
        tsify(
            type = "Record<string, \"nir\" | \"phone\" | \"email\" | \"iban\" | \"date\" | \"surname\" | \"first_name\" | \"identifier\">"
        )
    )]
    pub sources: Option<BTreeMap<String, crate::ident::scrub::Found>>,
    /// What replaces the row's own values (default `tag`).
    pub replace_with: ScrubReplacement,
}

impl Default for Scrub {
    fn default() -> Scrub {
        Scrub {
            nir: true,
            phone: true,
            email: true,
            iban: true,
            dates: true,
            names: true,
            name_parts: true,
            everywhere: true,
            sources: None,
            replace_with: ScrubReplacement::Tag,
        }
    }
}

impl Scrub {
    /// The scanner's options.
    pub fn options(&self) -> crate::ident::scrub::ScrubOptions {
        crate::ident::scrub::ScrubOptions {
            nir: self.nir,
            phone: self.phone,
            email: self.email,
            iban: self.iban,
            dates: self.dates,
            names: self.names,
            name_parts: self.name_parts,
        }
    }
}
