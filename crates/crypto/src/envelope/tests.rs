use proptest::prelude::*;

use super::*;
use crate::aead::HEADER_LEN;

const SUBJECT: &str = "subject-1";
const RECORD: &str = "account:42";

fn aad() -> Aad<'static> {
    Aad::new(SUBJECT, RECORD)
}

#[test]
fn seal_open_round_trip() {
    let key = DataKey::generate();
    let sealed = key.seal(&aad(), b"personal data").unwrap();
    assert_eq!(sealed[0], RECORD_VERSION);
    assert_eq!(sealed.len(), MIN_SEALED_LEN + 13);
    assert_eq!(key.open(&aad(), &sealed).unwrap(), b"personal data");
}

#[test]
fn empty_plaintext_round_trips() {
    let key = DataKey::generate();
    let sealed = key.seal(&aad(), b"").unwrap();
    assert_eq!(sealed.len(), MIN_SEALED_LEN);
    assert_eq!(key.open(&aad(), &sealed).unwrap(), b"");
}

#[test]
fn same_plaintext_gives_different_ciphertexts() {
    let key = DataKey::generate();
    let a = key.seal(&aad(), b"same").unwrap();
    let b = key.seal(&aad(), b"same").unwrap();
    assert_ne!(a[1..HEADER_LEN], b[1..HEADER_LEN], "nonces must not repeat");
    assert_ne!(a, b);
}

#[test]
fn other_record_or_subject_fails() {
    let key = DataKey::generate();
    let sealed = key.seal(&aad(), b"x").unwrap();
    for wrong in [Aad::new(SUBJECT, "account:43"), Aad::new("subject-2", RECORD), Aad::new(RECORD, SUBJECT)] {
        assert!(matches!(key.open(&wrong, &sealed), Err(CryptoError::Decrypt)), "{wrong:?}");
    }
}

#[test]
fn aad_fields_do_not_run_together() {
    let key = DataKey::generate();
    let sealed = key.seal(&Aad::new("ab", "c"), b"x").unwrap();
    assert!(matches!(key.open(&Aad::new("a", "bc"), &sealed), Err(CryptoError::Decrypt)));
}

#[test]
fn other_key_fails() {
    let sealed = DataKey::generate().seal(&aad(), b"x").unwrap();
    assert!(matches!(DataKey::generate().open(&aad(), &sealed), Err(CryptoError::Decrypt)));
}

#[test]
fn truncated_and_versioned_inputs_are_typed_errors() {
    let key = DataKey::generate();
    let sealed = key.seal(&aad(), b"hello").unwrap();
    assert!(matches!(key.open(&aad(), &[]), Err(CryptoError::MalformedCiphertext { .. })));
    assert!(matches!(key.open(&aad(), &sealed[..MIN_SEALED_LEN - 1]), Err(CryptoError::MalformedCiphertext { .. })));
    // Cut into the ciphertext but still long enough for a tag: authentication fails.
    assert!(matches!(key.open(&aad(), &sealed[..sealed.len() - 1]), Err(CryptoError::Decrypt)));
    let mut v2 = sealed;
    v2[0] = 2;
    assert!(matches!(key.open(&aad(), &v2), Err(CryptoError::UnsupportedVersion { version: 2 })));
}

#[test]
fn wrapped_key_parsing() {
    let master = crate::MasterKey::generate();
    let wrapped = master.wrap(&DataKey::generate(), SUBJECT);
    assert_eq!(wrapped.as_bytes().len(), WrappedKey::LEN);
    assert_eq!(WrappedKey::from_bytes(wrapped.as_bytes()).unwrap(), wrapped);
    assert!(matches!(WrappedKey::from_bytes(&[]), Err(CryptoError::MalformedWrappedKey { .. })));
    assert!(matches!(WrappedKey::from_bytes(&wrapped.as_bytes()[..60]), Err(CryptoError::MalformedWrappedKey { .. })));
    let mut v9 = wrapped.clone().into_bytes();
    v9[0] = 9;
    assert!(matches!(WrappedKey::from_bytes(&v9), Err(CryptoError::UnsupportedVersion { version: 9 })));
    let dbg = format!("{wrapped:?}");
    assert_eq!(dbg, "WrappedKey { version: Some(1), len: 61 }");
}

#[test]
fn debug_does_not_print_key_bytes() {
    let key = DataKey::from_secret(Zeroizing::new([0xAB; 32]));
    let dbg = format!("{key:?} {key:#?}");
    assert_eq!(format!("{key:?}"), "DataKey([redacted])");
    assert!(!dbg.contains("171") && !dbg.to_lowercase().contains("ab, ") && !dbg.contains("abab"));
}

#[test]
fn keys_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<DataKey>();
    assert_send_sync::<WrappedKey>();
    assert_send_sync::<crate::MasterKey>();
}

proptest! {
    #[test]
    fn round_trip_any_input(pt in proptest::collection::vec(any::<u8>(), 0..2048), subject in ".{0,40}", record in ".{0,40}") {
        let key = DataKey::generate();
        let aad = Aad::new(&subject, &record);
        let sealed = key.seal(&aad, &pt).unwrap();
        prop_assert_eq!(key.open(&aad, &sealed).unwrap(), pt);
    }

    #[test]
    fn flipping_any_bit_fails(pt in proptest::collection::vec(any::<u8>(), 0..256), pos in any::<prop::sample::Index>(), bit in 0u8..8) {
        let key = DataKey::generate();
        let mut sealed = key.seal(&aad(), &pt).unwrap();
        let i = pos.index(sealed.len());
        sealed[i] ^= 1 << bit;
        prop_assert!(key.open(&aad(), &sealed).is_err());
    }

    #[test]
    fn every_truncation_fails(pt in proptest::collection::vec(any::<u8>(), 0..128), cut in any::<prop::sample::Index>()) {
        let key = DataKey::generate();
        let sealed = key.seal(&aad(), &pt).unwrap();
        let len = cut.index(sealed.len());
        prop_assert!(key.open(&aad(), &sealed[..len]).is_err());
    }

    #[test]
    fn arbitrary_bytes_never_panic(junk in proptest::collection::vec(any::<u8>(), 0..128)) {
        let key = DataKey::generate();
        prop_assert!(key.open(&aad(), &junk).is_err());
        let _ = WrappedKey::from_bytes(&junk);
    }
}
