//! Ready-made hierarchies for French data: age bands, and code postal ->
//! département -> région -> `*`.
//!
//! # Age bands
//! Ages in whole years (a decimal age is truncated: `34,9` is 34):
//! level 1 five-year bands `30-34`, level 2 ten-year bands `30-39`, level 3
//! twenty-year bands `20-39`, level 4 `*`. Ages of 90 and over are `90+` at
//! levels 1 and 2 and `80+` at level 3 (the top-coding of very old ages that
//! HIPAA Safe Harbor and INSEE practice apply: few people are that old).
//!
//! # Places
//! - The **département of a code postal** is its first two digits, three for
//!   the overseas départements (`971`-`976`) and collectivités (`975`,
//!   `977`, `978`, `98x`). This is the *postal* département: a few communes
//!   have a code postal of a neighbouring département, and Corsica's codes
//!   (`20xxx`) do not tell `2A` from `2B`, so Corsica is département `20`.
//!   The map is [`crate::ident::geo::departement_of_code_postal`], shared with
//!   the policy's `departement` generalisation.
//! - The **région** is the one of the 2016 map (13 in metropolitan France, 5
//!   overseas); the overseas collectivités are grouped as
//!   `Collectivités d'outre-mer`, and `980` (Monaco, which uses French codes
//!   postaux) as `Monaco`.
//!
//! Département codes are also accepted on their own (`75`, `2A`, `971`,
//! and `1` to `9` for `01` to `09`) by [`region_of_departement`].

use crate::ident::geo;

/// The région of a département code (`01`-`95`, `2A`, `2B`, `20`, `971`-`989`),
/// `None` if the code is not a département.
pub fn region_of_departement(code: &str) -> Option<&'static str> {
    let code = code.trim();
    if code.eq_ignore_ascii_case("2A") || code.eq_ignore_ascii_case("2B") || code == "20" {
        return Some("Corse");
    }
    if !code.bytes().all(|b| b.is_ascii_digit()) || code.is_empty() || code.len() > 3 {
        return None;
    }
    let n: u32 = code.parse().ok()?;
    if code.len() == 3 {
        return match n {
            971 => Some("Guadeloupe"),
            972 => Some("Martinique"),
            973 => Some("Guyane"),
            974 => Some("La Réunion"),
            976 => Some("Mayotte"),
            975 | 977 | 978 | 984 | 986 | 987 | 988 | 989 => Some("Collectivités d'outre-mer"),
            980 => Some("Monaco"),
            _ => None,
        };
    }
    Some(match n {
        1 | 3 | 7 | 15 | 26 | 38 | 42 | 43 | 63 | 69 | 73 | 74 => "Auvergne-Rhône-Alpes",
        21 | 25 | 39 | 58 | 70 | 71 | 89 | 90 => "Bourgogne-Franche-Comté",
        22 | 29 | 35 | 56 => "Bretagne",
        18 | 28 | 36 | 37 | 41 | 45 => "Centre-Val de Loire",
        8 | 10 | 51 | 52 | 54 | 55 | 57 | 67 | 68 | 88 => "Grand Est",
        2 | 59 | 60 | 62 | 80 => "Hauts-de-France",
        75 | 77 | 78 | 91 | 92 | 93 | 94 | 95 => "Île-de-France",
        14 | 27 | 50 | 61 | 76 => "Normandie",
        16 | 17 | 19 | 23 | 24 | 33 | 40 | 47 | 64 | 79 | 86 | 87 => "Nouvelle-Aquitaine",
        9 | 11 | 12 | 30 | 31 | 32 | 34 | 46 | 48 | 65 | 66 | 81 | 82 => "Occitanie",
        44 | 49 | 53 | 72 | 85 => "Pays de la Loire",
        4 | 5 | 6 | 13 | 83 | 84 => "Provence-Alpes-Côte d'Azur",
        _ => return None,
    })
}

/// The département written with two digits (`1` -> `01`) or as given
/// (`2A`, `971`), with its région; `None` if it is not a département.
pub fn departement(code: &str) -> Option<(String, &'static str)> {
    let code = code.trim();
    let region = region_of_departement(code)?;
    let normal = if code.len() == 1 { format!("0{code}") } else { code.to_ascii_uppercase() };
    Some((normal, region))
}

/// The postal département (see the module documentation) and région of a
/// code postal; `None` if it is not one, or if its département has no région
/// here. The département is [`geo::departement_of_code_postal`]'s (so `1000`,
/// a code postal whose leading 0 a spreadsheet dropped, is in `01`).
pub fn code_postal(code: &str) -> Option<(&'static str, &'static str)> {
    let dept = geo::departement_of_code_postal(code)?;
    Some((dept, region_of_departement(dept)?))
}

/// The labels of an age (whole years, at least 0) at levels 1 to 3.
pub fn age_labels(age: u32) -> [String; 3] {
    let band = |width: u32| {
        let lo = age / width * width;
        format!("{lo}-{}", lo + width - 1)
    };
    if age >= 90 {
        return ["90+".into(), "90+".into(), "80+".into()];
    }
    let twenty = if age >= 80 { "80+".to_string() } else { band(20) };
    [band(5), band(10), twenty]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_metropolitan_departement_has_a_region() {
        let mut metropolitan = 0;
        for n in 1..=95u32 {
            let code = format!("{n:02}");
            if n == 20 {
                continue;
            }
            assert!(region_of_departement(&code).is_some(), "{code}");
            metropolitan += 1;
        }
        // 94 numbered départements + 2A and 2B = 96.
        assert_eq!(metropolitan + 2, 96);
        assert_eq!(region_of_departement("2a"), Some("Corse"));
        assert_eq!(region_of_departement("96"), None);
        assert_eq!(region_of_departement("00"), None);
        assert_eq!(region_of_departement("974"), Some("La Réunion"));
        assert_eq!(region_of_departement("979"), None);
        assert_eq!(region_of_departement("x1"), None);
        assert_eq!(departement("1"), Some(("01".to_string(), "Auvergne-Rhône-Alpes")));
        assert_eq!(departement("2b"), Some(("2B".to_string(), "Corse")));
    }

    #[test]
    fn codes_postaux() {
        assert_eq!(code_postal("75011"), Some(("75", "Île-de-France")));
        assert_eq!(code_postal("13001"), Some(("13", "Provence-Alpes-Côte d'Azur")));
        assert_eq!(code_postal("20000"), Some(("20", "Corse")));
        assert_eq!(code_postal("97400"), Some(("974", "La Réunion")));
        assert_eq!(code_postal("98000"), Some(("980", "Monaco")));
        assert_eq!(code_postal(" 69003 "), Some(("69", "Auvergne-Rhône-Alpes")));
        assert_eq!(code_postal("1000"), Some(("01", "Auvergne-Rhône-Alpes")));
        for bad in ["96000", "0750", "750111", "7501A", "", "00100", "97900"] {
            assert_eq!(code_postal(bad), None, "{bad}");
        }
    }

    #[test]
    fn age_bands_nest() {
        assert_eq!(age_labels(0), ["0-4".to_string(), "0-9".into(), "0-19".into()]);
        assert_eq!(age_labels(34), ["30-34".to_string(), "30-39".into(), "20-39".into()]);
        assert_eq!(age_labels(85), ["85-89".to_string(), "80-89".into(), "80+".into()]);
        assert_eq!(age_labels(90), ["90+".to_string(), "90+".into(), "80+".into()]);
        assert_eq!(age_labels(104), ["90+".to_string(), "90+".into(), "80+".into()]);
    }
}
