//! Public keys as JSON Web Keys (RFC 7517/7518), EC P-256 only.

use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED, ParsedPublicKey};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::DecodingKey;
use serde::{Deserialize, Serialize};

use crate::{CryptoError, Result};

/// Length of one P-256 coordinate.
const COORD_LEN: usize = 32;

/// An EC P-256 public key for ES256 signatures, as served in a [`Jwks`].
///
/// Serialises as `{"kty":"EC","crv":"P-256","x":…,"y":…,"kid":…,"alg":"ES256","use":"sig"}` with `x` and `y`
/// the base64url (unpadded) big-endian coordinates. `alg` and `use` are optional when reading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jwk {
    /// Key type; always `"EC"` for keys this crate can use.
    pub kty: String,
    /// Curve; always `"P-256"` for keys this crate can use.
    pub crv: String,
    /// X coordinate, base64url without padding.
    pub x: String,
    /// Y coordinate, base64url without padding.
    pub y: String,
    /// Key id, matched against the token header's `kid`.
    pub kid: String,
    /// Intended algorithm (`"ES256"`), if stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alg: Option<String>,
    /// Intended use (`"sig"`), if stated.
    #[serde(rename = "use", default, skip_serializing_if = "Option::is_none")]
    pub key_use: Option<String>,
}

impl Jwk {
    /// The JWK for an uncompressed SEC1 point (`0x04 | x | y`).
    pub(crate) fn from_uncompressed_point(kid: &str, point: &[u8]) -> Result<Self> {
        if point.len() != 1 + 2 * COORD_LEN || point[0] != 0x04 {
            return Err(CryptoError::InvalidSigningKey { reason: "public key is not an uncompressed P-256 point" });
        }
        Ok(Self {
            kty: "EC".to_owned(),
            crv: "P-256".to_owned(),
            x: URL_SAFE_NO_PAD.encode(&point[1..=COORD_LEN]),
            y: URL_SAFE_NO_PAD.encode(&point[1 + COORD_LEN..]),
            kid: kid.to_owned(),
            alg: Some("ES256".to_owned()),
            key_use: Some("sig".to_owned()),
        })
    }

    /// Checks that the key is a valid P-256 signing key for ES256 and converts it for `jsonwebtoken`.
    pub(crate) fn decoding_key(&self) -> Result<DecodingKey> {
        let invalid = |reason| CryptoError::InvalidVerifyingKey { reason };
        if self.kty != "EC" || self.crv != "P-256" {
            return Err(invalid("not an EC P-256 key"));
        }
        if self.alg.as_deref().is_some_and(|alg| alg != "ES256") {
            return Err(invalid("alg is not ES256"));
        }
        if self.key_use.as_deref().is_some_and(|u| u != "sig") {
            return Err(invalid("use is not sig"));
        }
        let coord = |c: &str| match URL_SAFE_NO_PAD.decode(c) {
            Ok(bytes) if bytes.len() == COORD_LEN => Ok(bytes),
            _ => Err(invalid("coordinate is not 32 bytes of base64url")),
        };
        let mut point = Vec::with_capacity(1 + 2 * COORD_LEN);
        point.push(0x04);
        point.extend_from_slice(&coord(&self.x)?);
        point.extend_from_slice(&coord(&self.y)?);
        ParsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, &point).map_err(|_| invalid("point is not on P-256"))?;
        Ok(DecodingKey::from_ec_der(&point))
    }
}

/// A JSON Web Key Set: `{"keys":[…]}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jwks {
    /// The keys, in publication order (current key first, then keys still valid for verification).
    pub keys: Vec<Jwk>,
}

impl Jwks {
    /// A set holding `keys`.
    pub fn new(keys: Vec<Jwk>) -> Self {
        Self { keys }
    }

    /// The key with id `kid`, if present.
    pub fn find(&self, kid: &str) -> Option<&Jwk> {
        self.keys.iter().find(|k| k.kid == kid)
    }
}
