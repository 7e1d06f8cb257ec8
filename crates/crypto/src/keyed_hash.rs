//! Keyed hashing (HMAC-SHA256): pseudonyms for identifiers, and keyed hashes of high-entropy secrets.
//!
//! Every input is domain-separated: the MAC covers `len64(domain) | domain | value`, so the same value hashed
//! for two purposes (say `"ci"` and `"account"`) gives unrelated results, and no `(domain, value)` pair can
//! collide with another by shifting bytes between the two.
//!
//! Use one key per purpose family, derived from the master key with [`KeyedHasher::from_master`] and the
//! labels below, never the same key for pseudonyms and for secret hashes.

use std::fmt;

use aws_lc_rs::{constant_time, hmac};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::{MasterKey, SubKey};

/// Subkey label for pseudonymising identifiers (CI, account numbers) in logs, metrics and lookup columns.
pub const PSEUDONYM_KEY_LABEL: &str = "pseudonym";
/// Subkey label for storing client secrets and similar high-entropy secrets as keyed hashes.
pub const SECRET_HASH_KEY_LABEL: &str = "secret-hash";

/// Length of a [`KeyedHasher::digest`].
pub const DIGEST_LEN: usize = 32;

/// HMAC-SHA256 under a 256-bit secret key, with domain separation.
///
/// Only suitable for high-entropy inputs when used to protect secrets (tokens, client secrets from
/// [`random_alnum`](crate::random_alnum)); passwords belong in [`PasswordHasher`](crate::PasswordHasher).
pub struct KeyedHasher {
    key: hmac::Key,
}

impl KeyedHasher {
    /// A hasher under `key`. The key bytes are copied into AWS-LC's HMAC context, which clears them when dropped.
    pub fn new(key: &SubKey) -> Self {
        Self { key: hmac::Key::new(hmac::HMAC_SHA256, key.expose_secret()) }
    }

    /// A hasher under the master key's subkey for `label` (see [`PSEUDONYM_KEY_LABEL`], [`SECRET_HASH_KEY_LABEL`]).
    pub fn from_master(master: &MasterKey, label: &str) -> Self {
        Self::new(&master.derive_subkey(label))
    }

    /// The 32-byte HMAC of `value` in `domain`.
    #[must_use]
    pub fn digest(&self, domain: &str, value: &[u8]) -> [u8; DIGEST_LEN] {
        let mut ctx = hmac::Context::with_key(&self.key);
        ctx.update(&(domain.len() as u64).to_be_bytes());
        ctx.update(domain.as_bytes());
        ctx.update(value);
        let mut out = [0u8; DIGEST_LEN];
        out.copy_from_slice(ctx.sign().as_ref());
        out
    }

    /// The digest as **base64url without padding** (43 characters, `[A-Za-z0-9_-]`): a stable pseudonym that
    /// can stand in for the identifier in logs, metrics and indexed columns.
    #[must_use]
    pub fn pseudonym(&self, domain: &str, value: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(self.digest(domain, value))
    }

    /// Whether `expected` is the digest of `value` in `domain`, compared in constant time.
    ///
    /// Use it to check a presented secret against the stored keyed hash. A wrong-length `expected` is `false`.
    #[must_use]
    pub fn verify(&self, domain: &str, value: &[u8], expected: &[u8]) -> bool {
        constant_time::verify_slices_are_equal(&self.digest(domain, value), expected).is_ok()
    }

    /// Like [`KeyedHasher::verify`], for a stored [`KeyedHasher::pseudonym`] string (constant-time comparison).
    #[must_use]
    pub fn verify_pseudonym(&self, domain: &str, value: &[u8], expected: &str) -> bool {
        constant_time::verify_slices_are_equal(self.pseudonym(domain, value).as_bytes(), expected.as_bytes()).is_ok()
    }
}

impl fmt::Debug for KeyedHasher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeyedHasher([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn hasher(label: &str) -> KeyedHasher {
        let master = MasterKey::from_base64("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=").unwrap();
        KeyedHasher::from_master(&master, label)
    }

    #[test]
    fn deterministic_and_key_dependent() {
        let h = hasher(PSEUDONYM_KEY_LABEL);
        assert_eq!(h.pseudonym("ci", b"abc"), h.pseudonym("ci", b"abc"));
        assert_eq!(h.pseudonym("ci", b"abc"), hasher(PSEUDONYM_KEY_LABEL).pseudonym("ci", b"abc"));
        assert_ne!(h.digest("ci", b"abc"), hasher(SECRET_HASH_KEY_LABEL).digest("ci", b"abc"));
        let other_master = KeyedHasher::from_master(&MasterKey::generate(), PSEUDONYM_KEY_LABEL);
        assert_ne!(h.digest("ci", b"abc"), other_master.digest("ci", b"abc"));
    }

    #[test]
    fn pseudonym_is_base64url_of_digest() {
        let h = hasher(PSEUDONYM_KEY_LABEL);
        let p = h.pseudonym("account", b"110-123-456789");
        assert_eq!(p.len(), 43);
        assert!(p.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
        assert_eq!(URL_SAFE_NO_PAD.decode(&p).unwrap(), h.digest("account", b"110-123-456789"));
    }

    #[test]
    fn matches_plain_hmac_over_framed_input() {
        let master = MasterKey::generate();
        let sub = master.derive_subkey("x");
        let h = KeyedHasher::new(&sub);
        let mut msg = 2u64.to_be_bytes().to_vec();
        msg.extend_from_slice(b"ciVALUE");
        let expected = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, sub.expose_secret()), &msg);
        assert_eq!(h.digest("ci", b"VALUE").as_slice(), expected.as_ref());
    }

    #[test]
    fn verify_secret() {
        let h = hasher(SECRET_HASH_KEY_LABEL);
        let stored = h.digest("client-secret", b"s3cr3t");
        assert!(h.verify("client-secret", b"s3cr3t", &stored));
        assert!(!h.verify("client-secret", b"s3cr3T", &stored));
        assert!(!h.verify("other", b"s3cr3t", &stored));
        assert!(!h.verify("client-secret", b"s3cr3t", &stored[..31]));
        assert!(!h.verify("client-secret", b"s3cr3t", b""));
        let stored = h.pseudonym("client-secret", b"s3cr3t");
        assert!(h.verify_pseudonym("client-secret", b"s3cr3t", &stored));
        assert!(!h.verify_pseudonym("client-secret", b"nope", &stored));
    }

    #[test]
    fn debug_is_redacted() {
        assert_eq!(format!("{:?}", hasher("a")), "KeyedHasher([redacted])");
    }

    proptest! {
        #[test]
        fn domains_separate(d1 in ".{0,12}", d2 in ".{0,12}", v1 in any::<Vec<u8>>(), v2 in any::<Vec<u8>>()) {
            prop_assume!(d1 != d2 || v1 != v2);
            let h = hasher(PSEUDONYM_KEY_LABEL);
            prop_assert_ne!(h.digest(&d1, &v1), h.digest(&d2, &v2));
        }

        #[test]
        fn shifting_bytes_between_domain_and_value_changes_digest(s in "[a-z]{2,16}", cut in 1usize..16) {
            let cut = cut.min(s.len() - 1);
            let h = hasher(PSEUDONYM_KEY_LABEL);
            let (a, b) = s.split_at(cut);
            prop_assert_ne!(h.digest(a, b.as_bytes()), h.digest(&s, b""));
            prop_assert_ne!(h.digest(a, b.as_bytes()), h.digest("", s.as_bytes()));
        }
    }
}
