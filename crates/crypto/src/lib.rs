//! Cryptography for the MyData platform: envelope encryption of personal data, password hashing, keyed
//! hashing (pseudonyms, secret hashes), ES256 JWS, and random identifiers.
//!
//! Everything runs on one provider, **AWS-LC** (`aws-lc-rs`); `jsonwebtoken` is used with its `aws_lc_rs`
//! backend and `argon2` for passwords. There is no `ring` and no OpenSSL.
//!
//! # Key hierarchy
//!
//! ```text
//! MasterKey (256 bit; key file or MYDATA_MASTER_KEY, base64)
//!  │  never used by a cipher directly, only as HKDF-SHA256 input:
//!  ├─ HKDF "kek" ─────────▶ key-encryption key (AES-256-GCM)
//!  │                          └─ wraps ─▶ DataKey, one per subject (stored as a WrappedKey, AAD = subject id)
//!  │                                       └─ seals ─▶ records (AES-256-GCM, AAD = subject id + record id)
//!  ├─ HKDF "subkey/pseudonym"   ─▶ KeyedHasher for pseudonyms of CIs, account numbers, …
//!  ├─ HKDF "subkey/secret-hash" ─▶ KeyedHasher for client secrets and other high-entropy secrets
//!  └─ HKDF "fingerprint"        ─▶ public fingerprint for logs
//!
//! SigningKey (P-256, own PKCS#8 PEM file) ─▶ ES256 JWS; public half published as Jwks, checked by Verifier
//! PasswordHasher (argon2id, per-hash random salt; no key)
//! ```
//!
//! - **Envelope encryption** (DESIGN §4 "Personal data"): each subject's records are sealed with that
//!   subject's [`DataKey`]; the data key is stored only wrapped by the [`MasterKey`]. All nonces are random
//!   96-bit values; ciphertexts are bound to their subject and record through the associated data ([`Aad`]).
//! - **Crypto-shredding**: [`KeyRing::destroy_subject`] destroys the subject's wrapped key; every record of
//!   that subject, in any copy, becomes unreadable.
//! - **Rotation**: a new master key means unwrapping and re-wrapping every [`WrappedKey`] (records stay as
//!   they are); [`MasterKey::fingerprint`] identifies which key is loaded.
//!
//! Secrets ([`MasterKey`], [`DataKey`], [`SubKey`], [`SigningKey`], [`KeyedHasher`]) have no `Display`, print
//! as `[redacted]` under `Debug`, and are zeroized on drop. Nothing here reads the system clock: token
//! verification takes "now" as a parameter.
//!
//! # Getting started
//!
//! ```
//! use mydata_crypto::{KeyRing, MasterKey, MemoryKeyStore, CryptoError};
//! use std::sync::Arc;
//!
//! let master = Arc::new(MasterKey::generate());
//! let ring = KeyRing::new(master, MemoryKeyStore::new());
//!
//! let sealed = ring.seal_for("subject-1", "account:42", b"110-123-456789")?;
//! assert_eq!(ring.open_for("subject-1", "account:42", &sealed)?, b"110-123-456789");
//!
//! // Another record id (or subject) cannot open it.
//! assert!(matches!(ring.open_for("subject-1", "account:43", &sealed), Err(CryptoError::Decrypt)));
//!
//! // Crypto-shredding.
//! ring.destroy_subject("subject-1")?;
//! assert!(matches!(ring.open_for("subject-1", "account:42", &sealed), Err(CryptoError::KeyDestroyed)));
//! # Ok::<(), CryptoError>(())
//! ```

mod aead;
mod envelope;
mod error;
pub mod jws;
mod keyed_hash;
mod keyring;
mod master_key;
mod password;
mod random;

pub use envelope::{Aad, DataKey, RECORD_VERSION, WRAPPED_KEY_VERSION, WrappedKey};
pub use error::{CryptoError, Result};
pub use jws::{Jwk, Jwks, SigningKey, Verifier, VerifyOptions};
pub use keyed_hash::{DIGEST_LEN, KeyedHasher, PSEUDONYM_KEY_LABEL, SECRET_HASH_KEY_LABEL};
pub use keyring::{KeyRing, KeyState, MemoryKeyStore, WrappedKeyStore};
pub use master_key::{MASTER_KEY_ENV, MasterKey, SubKey};
pub use password::PasswordHasher;
pub use random::{random_alnum, random_bytes, random_token};
