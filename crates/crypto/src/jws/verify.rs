//! ES256 JWT verification against a key set, with the current time passed in.

use std::collections::HashSet;
use std::fmt;

use jsonwebtoken::errors::{Error as JwtError, ErrorKind};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::{Jwk, Jwks};
use crate::{CryptoError, Result};

/// What [`Verifier::verify`] checks besides the signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyOptions {
    /// Required `iss`; `None` (the default) skips the issuer check.
    pub issuer: Option<String>,
    /// Required member of `aud`; `None` (the default) skips the audience check.
    pub audience: Option<String>,
    /// Clock-skew allowance for `exp` and `nbf`, in seconds. Default 30.
    pub leeway_secs: u64,
    /// Whether a token without `exp` is rejected. Default `true`.
    pub require_exp: bool,
}

impl VerifyOptions {
    /// Default leeway in seconds.
    pub const DEFAULT_LEEWAY_SECS: u64 = 30;

    /// The defaults: no issuer or audience check, 30 s leeway, `exp` required.
    pub fn new() -> Self {
        Self { issuer: None, audience: None, leeway_secs: Self::DEFAULT_LEEWAY_SECS, require_exp: true }
    }

    /// Requires `iss` to equal `issuer` (a token without `iss` is rejected).
    #[must_use]
    pub fn with_issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// Requires `aud` to contain `audience` (a token without `aud` is rejected).
    #[must_use]
    pub fn with_audience(mut self, audience: impl Into<String>) -> Self {
        self.audience = Some(audience.into());
        self
    }

    /// Sets the clock-skew allowance.
    #[must_use]
    pub fn with_leeway_secs(mut self, leeway_secs: u64) -> Self {
        self.leeway_secs = leeway_secs;
        self
    }

    /// Accepts tokens without `exp` (they never expire; use only for short-lived, otherwise bound tokens).
    #[must_use]
    pub fn allow_missing_exp(mut self) -> Self {
        self.require_exp = false;
        self
    }
}

impl Default for VerifyOptions {
    fn default() -> Self {
        Self::new()
    }
}

/// Verifies ES256 JWTs against a set of public keys, selected by the header's `kid`.
///
/// A token without `kid` is accepted only when the verifier holds exactly one key.
#[derive(Clone)]
pub struct Verifier {
    keys: Vec<(String, DecodingKey)>,
}

impl Verifier {
    pub(crate) fn from_parts(keys: Vec<(String, DecodingKey)>) -> Self {
        Self { keys }
    }

    /// A verifier for every key in `jwks`.
    ///
    /// # Errors
    ///
    /// [`CryptoError::InvalidVerifyingKey`] if a key is not a valid EC P-256 ES256 signing key, or two keys share
    /// a `kid`.
    pub fn from_jwks(jwks: &Jwks) -> Result<Self> {
        let mut keys = Vec::with_capacity(jwks.keys.len());
        for jwk in &jwks.keys {
            if keys.iter().any(|(kid, _)| kid == &jwk.kid) {
                return Err(CryptoError::InvalidVerifyingKey { reason: "duplicate kid in key set" });
            }
            keys.push((jwk.kid.clone(), jwk.decoding_key()?));
        }
        Ok(Self { keys })
    }

    /// A verifier for a single public key.
    ///
    /// # Errors
    ///
    /// [`CryptoError::InvalidVerifyingKey`] if the key is not a valid EC P-256 ES256 signing key.
    pub fn from_jwk(jwk: &Jwk) -> Result<Self> {
        Ok(Self { keys: vec![(jwk.kid.clone(), jwk.decoding_key()?)] })
    }

    /// The key ids this verifier accepts.
    pub fn kids(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(|(kid, _)| kid.as_str())
    }

    /// Verifies `token` and returns its claims.
    ///
    /// Checks, in order: the header parses and names `alg` ES256; `kid` selects a key; the signature; `iss` and
    /// `aud` per `options`; `exp` (expired when `now_unix ≥ exp + leeway`) and `nbf` (too early when
    /// `now_unix + leeway < nbf`); finally the claims deserialise into `T`. `now_unix` is the current time in
    /// Unix seconds, from the caller's clock.
    ///
    /// # Errors
    ///
    /// [`CryptoError::TokenMalformed`], [`CryptoError::UnknownKeyId`], [`CryptoError::TokenSignature`],
    /// [`CryptoError::TokenClaim`], [`CryptoError::TokenExpired`] or [`CryptoError::TokenNotYetValid`].
    pub fn verify<T: DeserializeOwned>(&self, token: &str, options: &VerifyOptions, now_unix: i64) -> Result<T> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| malformed("header is not a valid JWS header"))?;
        if header.alg != Algorithm::ES256 {
            return Err(malformed("alg is not ES256"));
        }
        let key = match (header.kid.as_deref(), self.keys.as_slice()) {
            (Some(kid), keys) => keys.iter().find(|(k, _)| k == kid).map(|(_, key)| key),
            (None, [(_, only)]) => Some(only),
            (None, _) => None,
        }
        .ok_or(CryptoError::UnknownKeyId)?;

        let data = jsonwebtoken::decode::<Value>(token, key, &validation(options)).map_err(map_jwt_error)?;
        let Value::Object(claims) = &data.claims else {
            return Err(malformed("claims are not a JSON object"));
        };
        check_times(claims, options, now_unix)?;
        serde_json::from_value(data.claims).map_err(|_| malformed("claims do not match the expected type"))
    }
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier").field("kids", &self.kids().collect::<Vec<_>>()).finish()
    }
}

fn malformed(reason: &'static str) -> CryptoError {
    CryptoError::TokenMalformed { reason }
}

/// `jsonwebtoken` validation for signature, alg, iss and aud only: its own `exp`/`nbf` checks read the system
/// clock, so they are switched off and done in [`check_times`].
fn validation(options: &VerifyOptions) -> Validation {
    let mut v = Validation::new(Algorithm::ES256);
    v.validate_exp = false;
    v.validate_nbf = false;
    v.leeway = 0;
    v.required_spec_claims = HashSet::new();
    if let Some(issuer) = &options.issuer {
        v.set_issuer(&[issuer]);
        v.required_spec_claims.insert("iss".to_owned());
    }
    match &options.audience {
        Some(audience) => {
            v.set_audience(&[audience]);
            v.required_spec_claims.insert("aud".to_owned());
        }
        None => v.validate_aud = false,
    }
    v
}

fn map_jwt_error(err: JwtError) -> CryptoError {
    match err.kind() {
        ErrorKind::InvalidSignature => CryptoError::TokenSignature,
        ErrorKind::InvalidIssuer => CryptoError::TokenClaim { claim: "iss" },
        ErrorKind::InvalidAudience => CryptoError::TokenClaim { claim: "aud" },
        // Only `iss` and `aud` are ever put in `required_spec_claims` (see `validation`).
        ErrorKind::MissingRequiredClaim(claim) if claim == "aud" => CryptoError::TokenClaim { claim: "aud" },
        ErrorKind::MissingRequiredClaim(_) => CryptoError::TokenClaim { claim: "iss" },
        ErrorKind::InvalidAlgorithm => malformed("alg is not ES256"),
        _ => malformed("not a well-formed compact JWS"),
    }
}

/// Reads a NumericDate claim (integer or fractional seconds, fractions truncated towards the past).
fn numeric_date(claims: &Map<String, Value>, claim: &'static str) -> Result<Option<i64>> {
    match claims.get(claim) {
        None => Ok(None),
        Some(Value::Number(n)) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.is_finite()).map(|f| f.floor() as i64))
            .map(Some)
            .ok_or(CryptoError::TokenClaim { claim }),
        Some(_) => Err(CryptoError::TokenClaim { claim }),
    }
}

fn check_times(claims: &Map<String, Value>, options: &VerifyOptions, now_unix: i64) -> Result<()> {
    let leeway = i64::try_from(options.leeway_secs).unwrap_or(i64::MAX);
    match numeric_date(claims, "exp")? {
        Some(exp) if now_unix >= exp.saturating_add(leeway) => return Err(CryptoError::TokenExpired),
        None if options.require_exp => return Err(CryptoError::TokenClaim { claim: "exp" }),
        _ => {}
    }
    if let Some(nbf) = numeric_date(claims, "nbf")?
        && now_unix.saturating_add(leeway) < nbf
    {
        return Err(CryptoError::TokenNotYetValid);
    }
    Ok(())
}
