//! JWS compact tokens (JWT) signed with ES256 (ECDSA P-256 / SHA-256), via `jsonwebtoken` on AWS-LC.
//!
//! - [`SigningKey`]: a P-256 private key with a `kid`, loaded from PKCS#8 PEM or generated; signs claims with
//!   the header `{"alg":"ES256","typ":"JWT","kid":…}` and exports its public half as a [`Jwk`].
//! - [`Jwks`]: the public key set served at a `jwks_uri`: `{"keys":[{"kty":"EC","crv":"P-256",…}]}`.
//! - [`Verifier`]: checks signature, algorithm, `kid`, issuer, audience, `exp` and `nbf`. The current time is a
//!   parameter ([`Verifier::verify`]'s `now_unix`), never read from the system clock, so tests control it.
//!
//! Only ES256 is accepted on verification; a token naming any other `alg` is rejected before key selection.

mod jwk;
mod signing;
mod verify;

pub use self::jwk::{Jwk, Jwks};
pub use self::signing::SigningKey;
pub use self::verify::{Verifier, VerifyOptions};

#[cfg(test)]
mod tests;
