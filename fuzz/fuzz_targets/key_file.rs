//! Key files (JSON): parsed, written back to the same file, and unlocked
//! (with a passphrase only when the Argon2id parameters are small, since a key
//! file may ask for up to 2 GiB by design). Errors must not quote the file (the
//! seeds' strings hold the canary `~`), and `Debug` must not show the key.
#![no_main]

use libfuzzer_sys::fuzz_target;
use masque::pseudo::KeyFile;
use masque_fuzz::assert_no_canary;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let file = match KeyFile::from_json(text) {
        Ok(f) => f,
        Err(e) => {
            assert_no_canary("key file error", &e.to_string());
            assert_no_canary("key file error (Debug)", &format!("{e:?}"));
            return;
        }
    };
    // The key is the one secret (the fingerprint, salt and parameters are not).
    let debug = format!("{:?}", file.key);
    assert!(debug == "None" || debug == "Some([redacted])", "a key file's Debug shows its key: {debug}");
    match KeyFile::from_json(&file.to_json()) {
        Ok(again) => assert!(again == file, "a key file written then read differs"),
        Err(e) => panic!("a key file written then read: {e}"),
    }
    let small = file.kdf.as_ref().is_some_and(|k| k.memory_kib <= 256 && k.iterations <= 2 && k.parallelism <= 4);
    let tries: &[Option<&[u8]>] = if small { &[None, Some(b"une phrase de passe")] } else { &[None] };
    for passphrase in tries {
        match file.unlock(*passphrase) {
            Ok(key) => assert_eq!(key.fingerprint(), file.fingerprint),
            Err(e) => {
                assert_no_canary("unlock error", &e.to_string());
                assert_no_canary("unlock error (Debug)", &format!("{e:?}"));
            }
        }
    }
});
