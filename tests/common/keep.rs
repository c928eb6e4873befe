//! Cell suppression, weights and microaggregation on Adult, shared by the
//! native tests (`tests/microaggregation.rs`) and the wasm ones
//! (`tests/wasm_keep.rs`): the SHA-256 of the written output and of the
//! result's `utility` JSON are pinned once, here, for both.
#![allow(dead_code)]

use masque::search::{anonymise, AnonymiseConfig, Unlimited};
use masque::table::{read_table, write_table, ReadOptions};
use sha2::{Digest, Sha256};

const ADULT: &[u8] = include_bytes!("../fixtures/adult/adult.csv");
const HIERARCHIES: [(&str, &str); 8] = [
    ("age", include_str!("../fixtures/adult/adult_hierarchy_age.csv")),
    ("sex", include_str!("../fixtures/adult/adult_hierarchy_sex.csv")),
    ("race", include_str!("../fixtures/adult/adult_hierarchy_race.csv")),
    ("marital-status", include_str!("../fixtures/adult/adult_hierarchy_marital-status.csv")),
    ("education", include_str!("../fixtures/adult/adult_hierarchy_education.csv")),
    ("native-country", include_str!("../fixtures/adult/adult_hierarchy_native-country.csv")),
    ("workclass", include_str!("../fixtures/adult/adult_hierarchy_workclass.csv")),
    ("occupation", include_str!("../fixtures/adult/adult_hierarchy_occupation.csv")),
];

/// Adult at k = 5: 4 % of rows failing get cells blanked (education most
/// important, weight 4), age microaggregated by MDAV medians.
pub fn config(recoding: &str) -> String {
    let qis: Vec<String> = HIERARCHIES
        .iter()
        .map(|(q, text)| {
            let spec = match *q {
                "age" => r#"{"microaggregation": {"function": "median", "mdav": true}}"#.to_string(),
                "education" => format!(r#"{{"hierarchy": {}, "weight": 4}}"#, serde_json::json!(text)),
                _ => format!(r#"{{"hierarchy": {}}}"#, serde_json::json!(text)),
            };
            format!("{}: {spec}", serde_json::json!(q))
        })
        .collect();
    let local = if recoding == "global" {
        r#", "suppression_limit": 0.04, "local": {"suppression": "cells", "importance": ["education", "sex"]}"#
    } else {
        ""
    };
    format!(r#"{{"quasi_identifiers": {{{}}}, "k": 5, "recoding": "{recoding}"{local}}}"#, qis.join(", "))
}

fn hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The digests of the output and of the utility JSON for `recoding`.
pub fn digests(recoding: &str) -> (String, String) {
    let read = read_table(ADULT, &ReadOptions::default()).unwrap();
    let config = AnonymiseConfig::from_json(&config(recoding)).unwrap();
    let done = anonymise(&read.table, &config, &mut Unlimited).unwrap();
    let bytes = write_table(&done.table, &read.dialect).unwrap();
    (hex(&bytes), hex(serde_json::to_string(&done.result.utility).unwrap().as_bytes()))
}

/// The pinned digests (output, utility), global then local.
pub const GLOBAL: (&str, &str) = (
    "eac32231ea2f5917a4c9ff8427b1bcdf9ed82d391be74dd58a4b24439adba3f4",
    "c200b239b418bacd8a4d923357dee486944f46e4a69896caff80c0f937a4a52e",
);
pub const LOCAL: (&str, &str) = (
    "e98edadf694c2a19cc6882a325d9a7670d12acc5ac4053ad6011e5b1dd9d76d7",
    "4b2a43fb4548802e7956e79e15cffca8ed1f2a8ed1d89bc9343b96be946cc0db",
);
