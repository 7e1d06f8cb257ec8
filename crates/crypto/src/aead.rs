//! AES-256-GCM framing shared by record encryption and key wrapping (crate-private).
//!
//! Layout: `version (1 byte) | nonce (12 bytes) | ciphertext | tag (16 bytes)`.
//! Nonces come from [`RandomizedNonceKey`], which draws a fresh 96-bit nonce from the AWS-LC CSPRNG for every
//! seal; there is no code path that accepts a caller-chosen nonce for sealing. The version byte is also part of
//! the associated data, so it cannot be swapped without failing authentication.

use aws_lc_rs::aead::{AES_256_GCM, Aad, NONCE_LEN, Nonce, RandomizedNonceKey};
use zeroize::Zeroize as _;

use crate::CryptoError;

/// Length of the AES-GCM tag.
pub(crate) const TAG_LEN: usize = 16;
/// Length of `version | nonce`.
pub(crate) const HEADER_LEN: usize = 1 + NONCE_LEN;
/// Shortest possible sealed message (empty plaintext).
pub(crate) const MIN_SEALED_LEN: usize = HEADER_LEN + TAG_LEN;

/// Why [`open`] failed; each caller maps it to its own [`CryptoError`](crate::CryptoError) variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OpenError {
    /// Shorter than [`MIN_SEALED_LEN`].
    Truncated,
    /// Leading byte is not the expected version.
    Version(u8),
    /// Tag check failed.
    Auth,
}

/// An AES-256-GCM key that only ever seals with random nonces.
pub(crate) struct GcmKey(RandomizedNonceKey);

impl GcmKey {
    /// Builds the key from 32 secret bytes (copied into AWS-LC's context; the caller keeps and zeroizes its copy).
    pub(crate) fn new(bytes: &[u8; 32]) -> Self {
        // Only fails for a key length other than 32 bytes, which the type rules out.
        Self(RandomizedNonceKey::new(&AES_256_GCM, bytes).expect("a 32-byte key is valid for AES-256-GCM"))
    }

    /// Seals `plaintext` as `version | nonce | ct | tag`. `aad` must already include the version byte.
    pub(crate) fn seal(&self, version: u8, aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let mut out = Vec::with_capacity(MIN_SEALED_LEN + plaintext.len());
        out.push(version);
        out.extend_from_slice(&[0u8; NONCE_LEN]);
        out.extend_from_slice(plaintext);
        let Ok((nonce, tag)) = self.0.seal_in_place_separate_tag(Aad::from(aad), &mut out[HEADER_LEN..]) else {
            out.zeroize();
            return Err(CryptoError::Encrypt);
        };
        out[1..HEADER_LEN].copy_from_slice(nonce.as_ref());
        out.extend_from_slice(tag.as_ref());
        Ok(out)
    }

    /// Opens a message produced by [`GcmKey::seal`]. `aad` must match the one used when sealing.
    ///
    /// On failure no partially decrypted bytes are returned; the scratch buffer is zeroized.
    pub(crate) fn open(&self, version: u8, aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, OpenError> {
        if sealed.len() < MIN_SEALED_LEN {
            return Err(OpenError::Truncated);
        }
        if sealed[0] != version {
            return Err(OpenError::Version(sealed[0]));
        }
        let mut nonce = [0u8; NONCE_LEN];
        nonce.copy_from_slice(&sealed[1..HEADER_LEN]);
        let nonce = Nonce::assume_unique_for_key(nonce);
        let mut buf = sealed[HEADER_LEN..].to_vec();
        match self.0.open_in_place(nonce, Aad::from(aad), &mut buf) {
            Ok(plain) => {
                let len = plain.len();
                buf.truncate(len);
                Ok(buf)
            }
            Err(_) => {
                buf.zeroize();
                Err(OpenError::Auth)
            }
        }
    }
}

/// Appends `field` to `out` with a big-endian u64 length prefix, so concatenated fields stay unambiguous.
pub(crate) fn push_field(out: &mut Vec<u8>, field: &[u8]) {
    out.extend_from_slice(&(field.len() as u64).to_be_bytes());
    out.extend_from_slice(field);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_open_and_layout() {
        let key = GcmKey::new(&[7u8; 32]);
        let sealed = key.seal(9, b"aad", b"hello").unwrap();
        assert_eq!(sealed.len(), MIN_SEALED_LEN + 5);
        assert_eq!(sealed[0], 9);
        assert_eq!(key.open(9, b"aad", &sealed).unwrap(), b"hello");
        assert_eq!(key.open(9, b"other", &sealed), Err(OpenError::Auth));
        assert_eq!(key.open(1, b"aad", &sealed), Err(OpenError::Version(9)));
        assert_eq!(key.open(9, b"aad", &sealed[..MIN_SEALED_LEN - 1]), Err(OpenError::Truncated));
    }

    #[test]
    fn nonces_are_fresh() {
        let key = GcmKey::new(&[7u8; 32]);
        let a = key.seal(1, b"", b"same").unwrap();
        let b = key.seal(1, b"", b"same").unwrap();
        assert_ne!(a[1..HEADER_LEN], b[1..HEADER_LEN]);
        assert_ne!(a, b);
    }

    #[test]
    fn length_prefix_separates_fields() {
        let mut ab_c = Vec::new();
        push_field(&mut ab_c, b"ab");
        push_field(&mut ab_c, b"c");
        let mut a_bc = Vec::new();
        push_field(&mut a_bc, b"a");
        push_field(&mut a_bc, b"bc");
        assert_ne!(ab_c, a_bc);
    }
}
