//! Envelope encryption of personal data: per-subject [`DataKey`]s, their [`WrappedKey`] form, and the
//! associated data ([`Aad`]) that binds every ciphertext to one record of one subject.
//!
//! Record ciphertext layout (version 1): `0x01 | nonce (12) | ciphertext | tag (16)`, AES-256-GCM, with the
//! associated data
//!
//! ```text
//! "mydata-crypto/record" | version | len64(subject_id) | subject_id | len64(record_id) | record_id
//! ```
//!
//! so a ciphertext copied to another record or another subject fails to open.

use std::fmt;

use zeroize::Zeroizing;

use crate::aead::{GcmKey, MIN_SEALED_LEN, OpenError, push_field};
use crate::{CryptoError, Result, random};

/// Format version of sealed records.
pub const RECORD_VERSION: u8 = 1;
/// Format version of wrapped data keys.
pub const WRAPPED_KEY_VERSION: u8 = 1;

const RECORD_AAD_LABEL: &[u8] = b"mydata-crypto/record";

/// Which record of which subject a ciphertext belongs to; authenticated but not encrypted.
///
/// Both ids are bound into the AES-GCM associated data. They are not stored in the ciphertext: the caller
/// supplies the same values when opening (typically the row's primary key and owner).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Aad<'a> {
    /// The data subject (person) whose key seals the record.
    pub subject_id: &'a str,
    /// The record's stable identifier, e.g. `"account:42"`; unique within the subject.
    pub record_id: &'a str,
}

impl<'a> Aad<'a> {
    /// Associated data for `record_id` of `subject_id`.
    pub fn new(subject_id: &'a str, record_id: &'a str) -> Self {
        Self { subject_id, record_id }
    }

    pub(crate) fn encode(&self, version: u8) -> Vec<u8> {
        let mut out = Vec::with_capacity(RECORD_AAD_LABEL.len() + 17 + self.subject_id.len() + self.record_id.len());
        out.extend_from_slice(RECORD_AAD_LABEL);
        out.push(version);
        push_field(&mut out, self.subject_id.as_bytes());
        push_field(&mut out, self.record_id.as_bytes());
        out
    }
}

/// A subject's 256-bit data-encryption key. Zeroized on drop; never printed.
///
/// Obtain one with [`DataKey::generate`] or [`MasterKey::unwrap_key`](crate::MasterKey::unwrap_key); persist
/// it only in wrapped form ([`MasterKey::wrap`](crate::MasterKey::wrap)).
pub struct DataKey {
    bytes: Zeroizing<[u8; 32]>,
    gcm: GcmKey,
}

impl DataKey {
    /// A fresh random key.
    #[must_use]
    pub fn generate() -> Self {
        let mut bytes = Zeroizing::new([0u8; 32]);
        random::fill(&mut bytes[..]);
        Self::from_secret(bytes)
    }

    pub(crate) fn from_secret(bytes: Zeroizing<[u8; 32]>) -> Self {
        let gcm = GcmKey::new(&bytes);
        Self { bytes, gcm }
    }

    pub(crate) fn expose(&self) -> &[u8; 32] {
        &self.bytes
    }

    /// Encrypts `plaintext` for the record named by `aad`, with a fresh random nonce.
    ///
    /// Returns `version | nonce | ciphertext | tag` (29 bytes longer than the plaintext).
    ///
    /// # Errors
    ///
    /// [`CryptoError::Encrypt`] only for a plaintext beyond AES-GCM's limit (about 64 GiB).
    pub fn seal(&self, aad: &Aad<'_>, plaintext: &[u8]) -> Result<Vec<u8>> {
        self.gcm.seal(RECORD_VERSION, &aad.encode(RECORD_VERSION), plaintext)
    }

    /// Decrypts and authenticates a ciphertext produced by [`DataKey::seal`] for the same `aad`.
    ///
    /// # Errors
    ///
    /// - [`CryptoError::MalformedCiphertext`] if the input is too short to be a ciphertext;
    /// - [`CryptoError::UnsupportedVersion`] for an unknown version byte;
    /// - [`CryptoError::Decrypt`] for another key, another record or subject, or any modification.
    pub fn open(&self, aad: &Aad<'_>, ciphertext: &[u8]) -> Result<Vec<u8>> {
        self.gcm.open(RECORD_VERSION, &aad.encode(RECORD_VERSION), ciphertext).map_err(|e| match e {
            OpenError::Truncated => CryptoError::MalformedCiphertext { reason: "shorter than header and tag" },
            OpenError::Version(version) => CryptoError::UnsupportedVersion { version },
            OpenError::Auth => CryptoError::Decrypt,
        })
    }
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey([redacted])")
    }
}

/// A [`DataKey`] encrypted under the master key, safe to store next to the data.
///
/// Layout (version 1, 61 bytes): `0x01 | nonce (12) | encrypted key (32) | tag (16)`. The wrapping binds the
/// subject id, so a wrapped key moved to another subject does not unwrap.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct WrappedKey(Vec<u8>);

impl WrappedKey {
    /// Length in bytes of a version-1 wrapped key.
    pub const LEN: usize = MIN_SEALED_LEN + 32;

    /// Parses stored bytes, checking length and version (authenticity is checked on unwrap).
    ///
    /// # Errors
    ///
    /// [`CryptoError::MalformedWrappedKey`] for a wrong length, [`CryptoError::UnsupportedVersion`] for an
    /// unknown version byte.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        match bytes.first() {
            None => Err(CryptoError::MalformedWrappedKey { reason: "empty" }),
            Some(&WRAPPED_KEY_VERSION) if bytes.len() == Self::LEN => Ok(Self(bytes.to_vec())),
            Some(&WRAPPED_KEY_VERSION) => Err(CryptoError::MalformedWrappedKey { reason: "wrong length" }),
            Some(&version) => Err(CryptoError::UnsupportedVersion { version }),
        }
    }

    pub(crate) fn from_sealed(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    /// The stored form.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The stored form, by value.
    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }
}

impl fmt::Debug for WrappedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WrappedKey").field("version", &self.0.first()).field("len", &self.0.len()).finish()
    }
}

#[cfg(test)]
mod tests;
