//! ES256 signing keys: PKCS#8 PEM in and out, JWT signing, public JWK export.

use std::fmt;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair as _};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header};
use serde::Serialize;
use zeroize::Zeroizing;

use super::{Jwk, Jwks, Verifier};
use crate::{CryptoError, Result};

const PEM_BEGIN: &str = "-----BEGIN PRIVATE KEY-----";
const PEM_END: &str = "-----END PRIVATE KEY-----";

/// A P-256 private key with its key id, for signing ES256 JWTs. The private key is zeroized on drop and never
/// printed.
pub struct SigningKey {
    kid: String,
    pkcs8: Zeroizing<Vec<u8>>,
    encoding: EncodingKey,
    decoding: DecodingKey,
    jwk: Jwk,
}

impl SigningKey {
    /// A fresh P-256 key named `kid`. Persist it with [`SigningKey::to_pkcs8_pem`].
    ///
    /// # Errors
    ///
    /// [`CryptoError::InvalidSigningKey`] if `kid` is empty or key generation fails.
    pub fn generate(kid: impl Into<String>) -> Result<Self> {
        let doc = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new())
            .map_err(|_| CryptoError::InvalidSigningKey { reason: "key generation failed" })?;
        Self::from_pkcs8_der(kid, doc.as_ref())
    }

    /// Loads a PEM `PRIVATE KEY` block (unencrypted PKCS#8) holding a P-256 key.
    ///
    /// # Errors
    ///
    /// [`CryptoError::InvalidSigningKey`] if the PEM is malformed, not PKCS#8, not P-256, or `kid` is empty.
    pub fn from_pkcs8_pem(kid: impl Into<String>, pem: &str) -> Result<Self> {
        let der = decode_pem(pem)?;
        Self::from_pkcs8_der(kid, &der)
    }

    /// Loads an unencrypted PKCS#8 DER document holding a P-256 key.
    ///
    /// # Errors
    ///
    /// [`CryptoError::InvalidSigningKey`] if the document is not a P-256 PKCS#8 key or `kid` is empty.
    pub fn from_pkcs8_der(kid: impl Into<String>, der: &[u8]) -> Result<Self> {
        let kid = kid.into();
        if kid.is_empty() {
            return Err(CryptoError::InvalidSigningKey { reason: "kid must not be empty" });
        }
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, der)
            .map_err(|_| CryptoError::InvalidSigningKey { reason: "not a PKCS#8 P-256 private key" })?;
        let jwk = Jwk::from_uncompressed_point(&kid, pair.public_key().as_ref())?;
        let decoding = jwk.decoding_key()?;
        Ok(Self { kid, pkcs8: Zeroizing::new(der.to_vec()), encoding: EncodingKey::from_ec_der(der), decoding, jwk })
    }

    /// The key id placed in the `kid` header of every token.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The private key as a PEM `PRIVATE KEY` (PKCS#8) block, for writing a key file once.
    #[must_use]
    pub fn to_pkcs8_pem(&self) -> Zeroizing<String> {
        let b64 = Zeroizing::new(STANDARD.encode(&self.pkcs8[..]));
        let mut pem = Zeroizing::new(String::with_capacity(b64.len() + b64.len() / 64 + 64));
        pem.push_str(PEM_BEGIN);
        pem.push('\n');
        for line in b64.as_bytes().chunks(64) {
            // Base64 output is ASCII, so every chunk is valid UTF-8.
            pem.push_str(std::str::from_utf8(line).unwrap_or_default());
            pem.push('\n');
        }
        pem.push_str(PEM_END);
        pem.push('\n');
        pem
    }

    /// The public half as a JWK (`kty` EC, `crv` P-256, `alg` ES256, `use` sig, with this key's `kid`).
    pub fn public_jwk(&self) -> Jwk {
        self.jwk.clone()
    }

    /// A [`Jwks`] holding only this key's public half.
    pub fn jwks(&self) -> Jwks {
        Jwks::new(vec![self.public_jwk()])
    }

    /// A verifier for tokens signed by this key.
    pub fn verifier(&self) -> Verifier {
        Verifier::from_parts(vec![(self.kid.clone(), self.decoding.clone())])
    }

    /// Signs `claims` as a compact JWS with the header `{"alg":"ES256","typ":"JWT","kid":<kid>}`.
    ///
    /// The claims are signed as given: set `iss`, `aud`, `exp` (and `iat`/`nbf`) yourself, from an injected
    /// clock.
    ///
    /// # Errors
    ///
    /// [`CryptoError::TokenSign`] if the claims do not serialise or signing fails.
    pub fn sign<T: Serialize>(&self, claims: &T) -> Result<String> {
        let mut header = Header::new(Algorithm::ES256);
        header.typ = Some("JWT".to_owned());
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding).map_err(|_| CryptoError::TokenSign)
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey").field("kid", &self.kid).field("key", &"[redacted]").finish()
    }
}

/// Extracts the DER bytes of the single `PRIVATE KEY` block in `pem`.
fn decode_pem(pem: &str) -> Result<Zeroizing<Vec<u8>>> {
    let malformed = |reason| CryptoError::InvalidSigningKey { reason };
    let start = pem.find(PEM_BEGIN).ok_or_else(|| malformed("no PEM 'BEGIN PRIVATE KEY' (PKCS#8) block"))?;
    let body_start = start + PEM_BEGIN.len();
    let body_len = pem[body_start..].find(PEM_END).ok_or_else(|| malformed("PEM block has no END line"))?;
    let body: Zeroizing<String> =
        Zeroizing::new(pem[body_start..body_start + body_len].chars().filter(|c| !c.is_ascii_whitespace()).collect());
    STANDARD.decode(body.as_bytes()).map(Zeroizing::new).map_err(|_| malformed("PEM body is not valid base64"))
}
