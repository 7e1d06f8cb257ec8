use std::collections::HashMap;
use std::io::Write as _;

use proptest::prelude::*;

use super::*;
use crate::Aad;

/// Bytes 0..32 in standard base64.
const KEY_B64: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    move |k| map.get(k).cloned()
}

#[test]
fn base64_round_trip() {
    let key = MasterKey::from_base64(KEY_B64).unwrap();
    assert_eq!(&*key.to_base64(), KEY_B64);
    let fresh = MasterKey::generate();
    let again = MasterKey::from_base64(&fresh.to_base64()).unwrap();
    assert_eq!(fresh.fingerprint(), again.fingerprint());
    // Padding is optional, surrounding whitespace ignored.
    assert!(MasterKey::from_base64(KEY_B64.trim_end_matches('=')).is_ok());
    assert!(MasterKey::from_base64(&format!("  {KEY_B64}\n")).is_ok());
}

#[test]
fn bad_base64_is_rejected_without_echoing_it() {
    for bad in ["", "   ", "not base64 at all!", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8fHw==", "AAEC"] {
        let err = MasterKey::from_base64(bad).unwrap_err();
        assert!(matches!(err, CryptoError::InvalidMasterKey { .. }), "{bad:?}");
        if bad.len() > 4 {
            assert!(!err.to_string().contains(bad.trim()), "{err}");
        }
    }
    let err = MasterKey::from_base64("AAEC").unwrap_err().to_string();
    assert!(err.contains("expected 32 bytes, found 3"), "{err}");
}

#[test]
fn from_file_trims_and_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("master.key");
    let mut f = std::fs::File::create(&good).unwrap();
    writeln!(f, "\n  {KEY_B64}  \n").unwrap();
    drop(f);
    let key = MasterKey::from_file(&good).unwrap();
    assert_eq!(&*key.to_base64(), KEY_B64);

    let missing = dir.path().join("absent.key");
    let err = MasterKey::from_file(&missing).unwrap_err();
    assert!(matches!(&err, CryptoError::MasterKeyFile { path, .. } if path == &missing));
    assert!(err.to_string().contains("absent.key"), "{err}");

    let short = dir.path().join("short.key");
    std::fs::write(&short, "AAEC").unwrap();
    let err = MasterKey::from_file(&short).unwrap_err().to_string();
    assert!(err.contains("short.key") && err.contains("expected 32 bytes"), "{err}");
}

#[test]
fn load_prefers_file_then_env() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("master.key");
    let from_file = MasterKey::generate();
    std::fs::write(&path, from_file.to_base64().as_bytes()).unwrap();

    let env = env_of(&[(MASTER_KEY_ENV, KEY_B64)]);
    let key = MasterKey::load(Some(&path), &env).unwrap();
    assert_eq!(key.fingerprint(), from_file.fingerprint());

    let key = MasterKey::load(None, &env).unwrap();
    assert_eq!(&*key.to_base64(), KEY_B64);

    assert!(matches!(MasterKey::load(None, env_of(&[])), Err(CryptoError::MasterKeyMissing)));
    let err = MasterKey::load(None, env_of(&[(MASTER_KEY_ENV, "garbage!")])).unwrap_err();
    assert!(matches!(err, CryptoError::InvalidMasterKey { source_name: MASTER_KEY_ENV, .. }));
    assert!(err.to_string().contains(MASTER_KEY_ENV) && !err.to_string().contains("garbage"));
}

#[test]
fn wrap_unwrap_round_trip() {
    let master = MasterKey::generate();
    let dk = DataKey::generate();
    let wrapped = master.wrap(&dk, "subject-1");
    let back = master.unwrap_key(&wrapped, "subject-1").unwrap();
    assert_eq!(back.expose(), dk.expose());
    // A fresh nonce each time.
    assert_ne!(master.wrap(&dk, "subject-1"), wrapped);
}

#[test]
fn wrapped_key_is_bound_to_subject_and_master() {
    let master = MasterKey::generate();
    let wrapped = master.wrap(&DataKey::generate(), "subject-1");
    assert!(matches!(master.unwrap_key(&wrapped, "subject-2"), Err(CryptoError::KeyUnwrap)));
    assert!(matches!(MasterKey::generate().unwrap_key(&wrapped, "subject-1"), Err(CryptoError::KeyUnwrap)));
}

#[test]
fn wrap_aad_differs_from_record_aad() {
    // A record sealed under the KEK-derived key could never be confused with a wrapped key: labels differ.
    let record = Aad::new("s", "r").encode(1);
    assert_ne!(wrap_aad("s"), record);
    assert!(wrap_aad("s").starts_with(WRAP_AAD_LABEL));
}

#[test]
fn subkeys_are_independent_and_deterministic() {
    let master = MasterKey::from_base64(KEY_B64).unwrap();
    let a = master.derive_subkey("pseudonym");
    let b = master.derive_subkey("secret-hash");
    assert_ne!(a.expose_secret(), b.expose_secret());
    assert_eq!(a.expose_secret(), master.derive_subkey("pseudonym").expose_secret());
    assert_ne!(a.expose_secret(), &*master.bytes);
    assert_ne!(a.expose_secret(), MasterKey::generate().derive_subkey("pseudonym").expose_secret());
    // The key-encryption key is not any subkey.
    assert_ne!(*hkdf_expand(&master.bytes, &[INFO_KEK]), *master.derive_subkey("").expose_secret());
    assert_ne!(*hkdf_expand(&master.bytes, &[INFO_KEK]), *master.derive_subkey("kek").expose_secret());
}

#[test]
fn fingerprint_is_short_hex() {
    let master = MasterKey::from_base64(KEY_B64).unwrap();
    let fp = master.fingerprint();
    assert_eq!(fp.len(), 16);
    assert!(fp.bytes().all(|c| c.is_ascii_hexdigit()));
    assert_ne!(fp, MasterKey::generate().fingerprint());
}

#[test]
fn debug_does_not_print_key_bytes() {
    let master = MasterKey::from_base64(KEY_B64).unwrap();
    assert_eq!(format!("{master:?}"), "MasterKey([redacted])");
    assert_eq!(format!("{:?}", master.derive_subkey("x")), "SubKey([redacted])");
    assert!(!format!("{master:#?}").contains(KEY_B64));
}

proptest! {
    #[test]
    fn wrap_round_trips_for_any_subject(subject in ".{0,64}") {
        let master = MasterKey::generate();
        let dk = DataKey::generate();
        let wrapped = master.wrap(&dk, &subject);
        let back = master.unwrap_key(&wrapped, &subject).unwrap();
        prop_assert_eq!(back.expose(), dk.expose());
    }

    #[test]
    fn tampered_wrapped_key_fails(pos in 0usize..WrappedKey::LEN, bit in 0u8..8) {
        let master = MasterKey::generate();
        let mut bytes = master.wrap(&DataKey::generate(), "s").into_bytes();
        bytes[pos] ^= 1 << bit;
        let result = WrappedKey::from_bytes(&bytes).and_then(|w| master.unwrap_key(&w, "s"));
        prop_assert!(result.is_err());
    }

    #[test]
    fn arbitrary_key_text_never_panics(text in ".{0,80}") {
        let _ = MasterKey::from_base64(&text);
    }
}
