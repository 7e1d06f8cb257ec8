//! The master key: root of the key hierarchy, loaded once at start-up.
//!
//! The master key is never used directly by a cipher. Every use goes through HKDF-SHA256 with a distinct
//! `info` string:
//!
//! | info                                | yields                                             |
//! |-------------------------------------|----------------------------------------------------|
//! | `mydata-crypto/v1/kek`              | the AES-256-GCM key-encryption key for data keys   |
//! | `mydata-crypto/v1/fingerprint`      | the public [`MasterKey::fingerprint`]              |
//! | `mydata-crypto/v1/subkey/` + label  | [`MasterKey::derive_subkey`] (pseudonyms, secrets) |

use std::fmt;
use std::path::Path;

use aws_lc_rs::hkdf;
use base64::Engine as _;
use base64::alphabet::STANDARD;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::{DecodePaddingMode, general_purpose};
use zeroize::Zeroizing;

use crate::aead::{GcmKey, OpenError, push_field};
use crate::envelope::WRAPPED_KEY_VERSION;
use crate::{CryptoError, DataKey, Result, WrappedKey, random};

/// Environment variable [`MasterKey::load`] reads when no key file is configured.
pub const MASTER_KEY_ENV: &str = "MYDATA_MASTER_KEY";

const HKDF_SALT: &[u8] = b"mydata-crypto/v1/hkdf-salt";
const INFO_KEK: &[u8] = b"mydata-crypto/v1/kek";
const INFO_FINGERPRINT: &[u8] = b"mydata-crypto/v1/fingerprint";
const INFO_SUBKEY: &[u8] = b"mydata-crypto/v1/subkey/";
const WRAP_AAD_LABEL: &[u8] = b"mydata-crypto/data-key-wrap";

/// Standard base64 that accepts the key with or without `=` padding.
const LENIENT_BASE64: GeneralPurpose = GeneralPurpose::new(
    &STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The 256-bit master key. Zeroized on drop; no `Display`, and `Debug` prints nothing secret.
///
/// It wraps the per-subject [`DataKey`]s and derives purpose-specific [`SubKey`]s. Losing it makes all
/// personal data unreadable; rotating it means unwrapping and re-wrapping every data key.
pub struct MasterKey {
    bytes: Zeroizing<[u8; 32]>,
    kek: GcmKey,
}

impl MasterKey {
    /// A fresh random master key (for `mydata init`-style dev set-up; write it out with [`MasterKey::to_base64`]).
    #[must_use]
    pub fn generate() -> Self {
        let mut bytes = Zeroizing::new([0u8; 32]);
        random::fill(&mut bytes[..]);
        Self::from_secret(bytes)
    }

    /// Parses 32 bytes of standard base64 (padding optional; surrounding whitespace ignored).
    ///
    /// # Errors
    ///
    /// [`CryptoError::InvalidMasterKey`] if the text is not base64 or not exactly 32 bytes.
    pub fn from_base64(text: &str) -> Result<Self> {
        decode_key(text).map_err(|reason| CryptoError::InvalidMasterKey { source_name: "base64 text", reason })
    }

    /// Reads a file holding the base64 key (as written by [`MasterKey::to_base64`]); whitespace is trimmed.
    ///
    /// # Errors
    ///
    /// [`CryptoError::MasterKeyFile`] naming the file and the reason (unreadable, not base64, wrong length).
    pub fn from_file(path: &Path) -> Result<Self> {
        let file_error = |reason: String| CryptoError::MasterKeyFile { path: path.to_path_buf(), reason };
        let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|e| file_error(e.to_string()))?);
        decode_key(&text).map_err(file_error)
    }

    /// Loads the key from `file` if given, else from `MYDATA_MASTER_KEY` as returned by `env`.
    ///
    /// `env` is a lookup function (use `|k| std::env::var(k).ok()` in production, a map in tests) so that tests
    /// never mutate the process environment.
    ///
    /// # Errors
    ///
    /// [`CryptoError::MasterKeyFile`] for a bad file, [`CryptoError::InvalidMasterKey`] for a bad variable,
    /// [`CryptoError::MasterKeyMissing`] when neither is present.
    pub fn load(file: Option<&Path>, env: impl Fn(&str) -> Option<String>) -> Result<Self> {
        if let Some(path) = file {
            return Self::from_file(path);
        }
        let value = Zeroizing::new(env(MASTER_KEY_ENV).ok_or(CryptoError::MasterKeyMissing)?);
        decode_key(&value).map_err(|reason| CryptoError::InvalidMasterKey { source_name: MASTER_KEY_ENV, reason })
    }

    /// The key as standard base64 with padding (44 characters), for writing the key file once.
    #[must_use]
    pub fn to_base64(&self) -> Zeroizing<String> {
        Zeroizing::new(general_purpose::STANDARD.encode(&self.bytes[..]))
    }

    /// A short public identifier of this key (16 hex digits, one-way derived), for start-up logs and for
    /// recording which master key wrapped a data key. Reveals nothing about the key.
    #[must_use]
    pub fn fingerprint(&self) -> String {
        let okm = self.hkdf(&[INFO_FINGERPRINT]);
        okm[..8].iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Derives an independent 256-bit key for one purpose (`label`, e.g. `"pseudonym"`), so a single master key
    /// can feed several uses without reusing key material. Same key and label give the same subkey.
    #[must_use]
    pub fn derive_subkey(&self, label: &str) -> SubKey {
        SubKey(self.hkdf(&[INFO_SUBKEY, label.as_bytes()]))
    }

    /// Encrypts `key` for storage, bound to `subject_id` (and a purpose label) through the associated data.
    #[must_use]
    pub fn wrap(&self, key: &DataKey, subject_id: &str) -> WrappedKey {
        // Sealing 32 bytes cannot hit the AES-GCM length limit, the only failure mode of `seal`.
        let sealed = self
            .kek
            .seal(WRAPPED_KEY_VERSION, &wrap_aad(subject_id), key.expose())
            .expect("sealing a 32-byte key cannot fail");
        WrappedKey::from_sealed(sealed)
    }

    /// Decrypts a wrapped data key of `subject_id`.
    ///
    /// # Errors
    ///
    /// [`CryptoError::KeyUnwrap`] if the key was wrapped for another subject or under another master key, or was
    /// modified; [`CryptoError::UnsupportedVersion`] for an unknown version byte.
    pub fn unwrap_key(&self, wrapped: &WrappedKey, subject_id: &str) -> Result<DataKey> {
        let plain =
            self.kek.open(WRAPPED_KEY_VERSION, &wrap_aad(subject_id), wrapped.as_bytes()).map(Zeroizing::new).map_err(
                |e| match e {
                    OpenError::Truncated => CryptoError::MalformedWrappedKey { reason: "too short" },
                    OpenError::Version(version) => CryptoError::UnsupportedVersion { version },
                    OpenError::Auth => CryptoError::KeyUnwrap,
                },
            )?;
        let mut bytes = Zeroizing::new([0u8; 32]);
        if plain.len() != bytes.len() {
            return Err(CryptoError::MalformedWrappedKey { reason: "wrong key length" });
        }
        bytes.copy_from_slice(&plain);
        Ok(DataKey::from_secret(bytes))
    }

    fn from_secret(bytes: Zeroizing<[u8; 32]>) -> Self {
        let kek = GcmKey::new(&hkdf_expand(&bytes, &[INFO_KEK]));
        Self { bytes, kek }
    }

    fn hkdf(&self, info: &[&[u8]]) -> Zeroizing<[u8; 32]> {
        hkdf_expand(&self.bytes, info)
    }
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey([redacted])")
    }
}

/// A 256-bit key derived from the master key for one purpose. Zeroized on drop; never printed.
///
/// Feed it to [`KeyedHasher::new`](crate::KeyedHasher::new), or use [`SubKey::expose_secret`] for another
/// primitive.
pub struct SubKey(Zeroizing<[u8; 32]>);

impl SubKey {
    /// The raw key bytes. Do not log, store or copy them into non-zeroizing memory.
    pub fn expose_secret(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for SubKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SubKey([redacted])")
    }
}

fn wrap_aad(subject_id: &str) -> Vec<u8> {
    let mut aad = Vec::with_capacity(WRAP_AAD_LABEL.len() + 9 + subject_id.len());
    aad.extend_from_slice(WRAP_AAD_LABEL);
    aad.push(WRAPPED_KEY_VERSION);
    push_field(&mut aad, subject_id.as_bytes());
    aad
}

fn hkdf_expand(ikm: &[u8; 32], info: &[&[u8]]) -> Zeroizing<[u8; 32]> {
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, HKDF_SALT).extract(ikm);
    let mut out = Zeroizing::new([0u8; 32]);
    // 32 bytes is far below HKDF-SHA256's 8160-byte output limit, the only failure mode.
    prk.expand(info, hkdf::HKDF_SHA256)
        .and_then(|okm| okm.fill(&mut out[..]))
        .expect("HKDF-SHA256 can always produce 32 bytes");
    out
}

/// Decodes base64 key text into 32 bytes; the error text never contains key material.
fn decode_key(text: &str) -> Result<MasterKey, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err("empty".to_owned());
    }
    let decoded = Zeroizing::new(LENIENT_BASE64.decode(trimmed).map_err(|_| "not valid standard base64".to_owned())?);
    let mut bytes = Zeroizing::new([0u8; 32]);
    if decoded.len() != bytes.len() {
        return Err(format!("expected 32 bytes, found {}", decoded.len()));
    }
    bytes.copy_from_slice(&decoded);
    Ok(MasterKey::from_secret(bytes))
}

#[cfg(test)]
mod tests;
