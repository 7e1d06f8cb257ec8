//! The crate's one error type.
//!
//! Messages never contain key material, plaintext, tokens or passwords: they name what failed and why, so they
//! are safe to log. Where a value from outside is wrong, the message says which input it was (a file path, an
//! environment variable, a JWT claim name), never the value itself.

use std::error::Error as StdError;
use std::path::PathBuf;

/// Everything that can go wrong in `mydata-crypto`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CryptoError {
    /// No master key was configured: neither a key file nor `MYDATA_MASTER_KEY`.
    #[error("no master key configured: set MYDATA_MASTER_KEY or configure a master key file")]
    MasterKeyMissing,

    /// The master key given inline (base64 text, e.g. from `MYDATA_MASTER_KEY`) is unusable.
    #[error("invalid master key in {source_name}: {reason}")]
    InvalidMasterKey {
        /// Where the key came from (for example `MYDATA_MASTER_KEY`); never the key itself.
        source_name: &'static str,
        /// Why it was rejected.
        reason: String,
    },

    /// The master key file could not be read or does not hold a valid key.
    #[error("master key file {}: {reason}", path.display())]
    MasterKeyFile {
        /// The file that was read.
        path: PathBuf,
        /// Why it was rejected.
        reason: String,
    },

    /// A ciphertext is too short, or otherwise not in the `version | nonce | ciphertext+tag` layout.
    #[error("malformed ciphertext: {reason}")]
    MalformedCiphertext {
        /// What is wrong with the layout.
        reason: &'static str,
    },

    /// A wrapped data key does not have the expected length or layout.
    #[error("malformed wrapped key: {reason}")]
    MalformedWrappedKey {
        /// What is wrong with the layout.
        reason: &'static str,
    },

    /// The leading format-version byte is not one this build understands.
    #[error("unsupported format version {version}")]
    UnsupportedVersion {
        /// The version byte that was found.
        version: u8,
    },

    /// Authenticated decryption of a record failed: wrong data key, wrong associated data (another record or
    /// subject), or the ciphertext was modified.
    #[error("decryption failed: wrong key, wrong record or subject, or tampered ciphertext")]
    Decrypt,

    /// Encryption failed (only possible for inputs beyond the AES-GCM length limit).
    #[error("encryption failed")]
    Encrypt,

    /// A wrapped data key could not be unwrapped: it belongs to another subject, was wrapped under another
    /// master key, or was modified.
    #[error("data key unwrap failed: wrong master key, wrong subject, or tampered wrapped key")]
    KeyUnwrap,

    /// The subject has no data key, so nothing was ever sealed for it.
    #[error("no data key exists for this subject")]
    NoKey,

    /// The subject's data key was destroyed (crypto-shredded); its records can never be read again.
    #[error("the data key for this subject was destroyed")]
    KeyDestroyed,

    /// The storage behind a [`WrappedKeyStore`](crate::WrappedKeyStore) failed.
    #[error("wrapped-key store failed")]
    KeyStore(#[source] Box<dyn StdError + Send + Sync + 'static>),

    /// Argon2 parameters were out of range.
    #[error("invalid password-hash parameters: {reason}")]
    PasswordParams {
        /// Which limit was violated.
        reason: String,
    },

    /// Hashing a password failed (for example a password beyond argon2's length limit).
    #[error("password hashing failed: {reason}")]
    PasswordHash {
        /// Why hashing failed.
        reason: String,
    },

    /// A stored PHC string could not be parsed or names an unsupported algorithm or parameters.
    #[error("malformed password hash (PHC string)")]
    MalformedPasswordHash,

    /// A signing key (PEM / PKCS#8) could not be loaded or generated.
    #[error("invalid signing key: {reason}")]
    InvalidSigningKey {
        /// Why the key was rejected.
        reason: &'static str,
    },

    /// A public key (JWK) is unusable for ES256 verification.
    #[error("invalid verifying key: {reason}")]
    InvalidVerifyingKey {
        /// Why the key was rejected.
        reason: &'static str,
    },

    /// Signing a JWT failed.
    #[error("signing the token failed")]
    TokenSign,

    /// The token is not a well-formed ES256 JWS (bad encoding, bad JSON, wrong algorithm, claims of the wrong
    /// shape).
    #[error("malformed token: {reason}")]
    TokenMalformed {
        /// What is wrong with it.
        reason: &'static str,
    },

    /// The token's `kid` names no key known to the verifier.
    #[error("token signed with an unknown key id")]
    UnknownKeyId,

    /// The token's signature does not verify.
    #[error("token signature is invalid")]
    TokenSignature,

    /// The token's `exp` has passed (leeway included).
    #[error("token has expired")]
    TokenExpired,

    /// The token's `nbf` lies in the future (leeway included).
    #[error("token is not yet valid")]
    TokenNotYetValid,

    /// A registered claim is missing, malformed or not the expected value (issuer, audience, `exp`, `nbf`).
    #[error("token claim `{claim}` is missing or invalid")]
    TokenClaim {
        /// The claim's name, e.g. `iss`.
        claim: &'static str,
    },
}

impl CryptoError {
    /// Wraps a storage error for [`CryptoError::KeyStore`]; for implementers of
    /// [`WrappedKeyStore`](crate::WrappedKeyStore).
    pub fn key_store(err: impl Into<Box<dyn StdError + Send + Sync + 'static>>) -> Self {
        Self::KeyStore(err.into())
    }
}

/// `Result` with [`CryptoError`].
pub type Result<T, E = CryptoError> = std::result::Result<T, E>;
