//! Password hashing with argon2id, stored as PHC strings (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`).
//!
//! The defaults follow the OWASP recommendation for argon2id (19 MiB, 2 passes, 1 lane). Salts are 16 random
//! bytes from the AWS-LC CSPRNG. Verification takes the parameters from the stored string, so hashes made with
//! older parameters keep verifying; [`PasswordHasher::needs_rehash`] tells when to upgrade one at next login.

use std::fmt;

use argon2::password_hash::Error as PhError;
use argon2::{Algorithm, Argon2, CustomizedPasswordHasher as _, Params, PasswordHash, PasswordVerifier as _, Version};

use crate::{CryptoError, Result, random};

/// Salt length in bytes.
const SALT_LEN: usize = 16;

/// Hashes and verifies passwords (argon2id, PHC string format).
#[derive(Clone)]
pub struct PasswordHasher {
    params: Params,
}

impl PasswordHasher {
    /// Default memory cost in KiB (19 MiB).
    pub const DEFAULT_M_COST_KIB: u32 = 19_456;
    /// Default number of passes.
    pub const DEFAULT_T_COST: u32 = 2;
    /// Default parallelism (lanes).
    pub const DEFAULT_P_COST: u32 = 1;

    /// A hasher with the default parameters (m = 19456 KiB, t = 2, p = 1).
    pub fn new() -> Self {
        Self { params: Params::DEFAULT }
    }

    /// A hasher with custom parameters (for example small ones in tests, larger ones on strong hardware).
    ///
    /// # Errors
    ///
    /// [`CryptoError::PasswordParams`] when outside argon2's limits (`m_cost_kib ≥ 8 × p_cost`, `t_cost ≥ 1`,
    /// `1 ≤ p_cost < 2^24`).
    pub fn with_params(m_cost_kib: u32, t_cost: u32, p_cost: u32) -> Result<Self> {
        let params = Params::new(m_cost_kib, t_cost, p_cost, None)
            .map_err(|e| CryptoError::PasswordParams { reason: e.to_string() })?;
        Ok(Self { params })
    }

    /// Hashes `password` with a fresh random salt and returns the PHC string to store.
    ///
    /// # Errors
    ///
    /// [`CryptoError::PasswordHash`] if argon2 rejects the input (for example a password over 4 GiB).
    pub fn hash(&self, password: &str) -> Result<String> {
        let salt: [u8; SALT_LEN] = random::random_bytes();
        self.argon2()
            .hash_password_with_params(password.as_bytes(), &salt, self.params.clone())
            .map(|phc| phc.to_string())
            .map_err(|e| CryptoError::PasswordHash { reason: e.to_string() })
    }

    /// Checks `password` against a stored PHC string: `Ok(true)` on match, `Ok(false)` on mismatch.
    ///
    /// # Errors
    ///
    /// [`CryptoError::MalformedPasswordHash`] only if `phc` cannot be parsed or names an unsupported algorithm,
    /// version or parameters.
    pub fn verify(&self, password: &str, phc: &str) -> Result<bool> {
        let parsed = PasswordHash::new(phc).map_err(|_| CryptoError::MalformedPasswordHash)?;
        match Argon2::default().verify_password(password.as_bytes(), &parsed) {
            Ok(()) => Ok(true),
            Err(PhError::PasswordInvalid) => Ok(false),
            Err(_) => Err(CryptoError::MalformedPasswordHash),
        }
    }

    /// Whether a stored hash was made with another algorithm or with parameters other than this hasher's, and
    /// should be replaced after the next successful [`verify`](PasswordHasher::verify).
    ///
    /// # Errors
    ///
    /// [`CryptoError::MalformedPasswordHash`] if `phc` cannot be parsed.
    pub fn needs_rehash(&self, phc: &str) -> Result<bool> {
        let parsed = PasswordHash::new(phc).map_err(|_| CryptoError::MalformedPasswordHash)?;
        if parsed.algorithm != argon2::ARGON2ID_IDENT || parsed.version != Some(Version::V0x13.into()) {
            return Ok(true);
        }
        let Ok(stored) = Params::try_from(&parsed) else {
            return Ok(true);
        };
        Ok((stored.m_cost(), stored.t_cost(), stored.p_cost())
            != (self.params.m_cost(), self.params.t_cost(), self.params.p_cost()))
    }

    fn argon2(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }
}

impl Default for PasswordHasher {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for PasswordHasher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordHasher")
            .field("m_cost_kib", &self.params.m_cost())
            .field("t_cost", &self.params.t_cost())
            .field("p_cost", &self.params.p_cost())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fast() -> PasswordHasher {
        PasswordHasher::with_params(64, 1, 1).unwrap()
    }

    #[test]
    fn hash_and_verify() {
        let h = fast();
        let phc = h.hash("correct horse battery staple").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=64,t=1,p=1$"), "{phc}");
        assert!(h.verify("correct horse battery staple", &phc).unwrap());
        assert!(!h.verify("correct horse battery stapl", &phc).unwrap());
        assert!(!h.verify("", &phc).unwrap());
        // Verification reads the parameters from the PHC string, not from the hasher.
        assert!(PasswordHasher::new().verify("correct horse battery staple", &phc).unwrap());
    }

    #[test]
    fn salts_differ() {
        let h = fast();
        assert_ne!(h.hash("pw").unwrap(), h.hash("pw").unwrap());
    }

    #[test]
    fn default_params_are_owasp() {
        let dbg = format!("{:?}", PasswordHasher::default());
        assert_eq!(dbg, "PasswordHasher { m_cost_kib: 19456, t_cost: 2, p_cost: 1 }");
    }

    #[test]
    fn malformed_phc_is_an_error() {
        let h = fast();
        for bad in ["", "not a hash", "$argon2id$", "$argon2id$v=19$m=64,t=1,p=1$!!!$???", "$pbkdf2$i=1$c2FsdA$aGFzaA"]
        {
            assert!(matches!(h.verify("pw", bad), Err(CryptoError::MalformedPasswordHash)), "{bad:?}");
        }
    }

    #[test]
    fn bad_params_rejected() {
        assert!(matches!(PasswordHasher::with_params(1, 1, 1), Err(CryptoError::PasswordParams { .. })));
        assert!(matches!(PasswordHasher::with_params(64, 0, 1), Err(CryptoError::PasswordParams { .. })));
        assert!(matches!(PasswordHasher::with_params(64, 1, 0), Err(CryptoError::PasswordParams { .. })));
    }

    #[test]
    fn rehash_when_params_change() {
        let h = fast();
        let phc = h.hash("pw").unwrap();
        assert!(!h.needs_rehash(&phc).unwrap());
        assert!(PasswordHasher::with_params(128, 1, 1).unwrap().needs_rehash(&phc).unwrap());
        assert!(matches!(h.needs_rehash("junk"), Err(CryptoError::MalformedPasswordHash)));
    }
}
