//! The frozen pseudonymisation vectors, shared by the native tests
//! (tests/pseudo.rs) and the wasm tests (tests/wasm_pseudo.rs): one table, so
//! both builds are pinned to the same values.
#![allow(dead_code)] // each test file uses its own subset

use masque::pseudo::Key;

/// The key of the frozen vectors: bytes 0, 1, ..., 31.
pub fn test_key() -> Key {
    let mut bytes = [0u8; 32];
    for (i, b) in bytes.iter_mut().enumerate() {
        *b = i as u8;
    }
    Key::from_random(bytes)
}

pub const FINGERPRINT: &str = "047a-5a85-6f2e-532d";
/// (normalised value, base32/16, hex/20, base64url/22)
pub const PSEUDONYMS: &[(&str, &str, &str, &str)] = &[
    ("185057511542355", "24NW4YCQ5LVLKNYL", "d71b6e6050eaeab5370b", "1xtuYFDq6rU3C9SmPhlVa1"),
    ("185057511542357", "4BB5XHCNTNP2XNOG", "e043db9c4d9b5fabb5c6", "4EPbnE2bX6u1xoyfcr6h_b"),
    ("253072B07300470", "PVVIXR2SGZF5L4WB", "7d6a8bc752364bd5f2c1", "fWqLx1I2S9Xywemo8YWv8I"),
    ("helene", "GB2KHMQEB57Z4XIQ", "3074a3b2040f7f9e5d10", "MHSjsgQPf55dED1EVymhWI"),
    ("jean pierre", "H6YJRI46LQ4IRHGQ", "3fb098a39e5c38889cd0", "P7CYo55cOIic0FgFfaZu9E"),
    ("jean.dupont@orange.fr", "NGQRBTKFONGDQQBY", "69a110cd45734c384038", "aaEQzUVzTDhAOGyoRMCD-J"),
    ("+33612345678", "CRGR74QZXIJP57U7", "144d1ff219ba12fefe9f", "FE0f8hm6Ev7-nzKVvEX3ce"),
];
/// (normalised subject, offset with max_days = 365)
pub const OFFSETS: &[(&str, i32)] = &[("185057511542355", -278), ("185057511542357", 331)];
/// The same NIR under the key of 32 bytes 0xFF.
pub const OTHER_KEY_PSEUDONYM: &str = "XF6GVJTWRRR5DI2V";
/// Argon2id (m = 64 MiB, t = 3, p = 4) of this passphrase and salt.
pub const PASSPHRASE: &str = "correct horse battery staple";
pub const SALT: &[u8; 16] = b"masque-test-salt";
pub const DERIVED_KEY: &str = "808859710d8b7b3df2acca348a81fb695eccd4920ea3ee1d480f263282e39deb";
pub const DERIVED_FINGERPRINT: &str = "fb71-5fa3-9ba5-d309";
pub const DERIVED_PSEUDONYM: &str = "ZZCDSNB7GXCC2RDO";
