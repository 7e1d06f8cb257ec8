//! Random values from the AWS-LC CSPRNG: raw bytes, URL-safe tokens and alphanumeric identifiers.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use zeroize::Zeroizing;

/// The characters [`random_alnum`] draws from: `0-9`, `A-Z`, `a-z` (the standard's `aN` class).
const ALNUM: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Bytes at or above this value are rejected so that `byte % 62` is uniform (248 = 4 × 62).
const ALNUM_REJECT_FROM: u8 = 248;

/// Fills `dest` from the CSPRNG.
///
/// # Panics
///
/// Only if the operating system's entropy source fails. AWS-LC itself aborts the process in that case, so the
/// branch is unreachable in practice; continuing without randomness would be worse than stopping.
pub(crate) fn fill(dest: &mut [u8]) {
    aws_lc_rs::rand::fill(dest).expect("the system CSPRNG failed");
}

/// `N` random bytes.
///
/// # Panics
///
/// Only if the system CSPRNG fails (see the crate docs); AWS-LC aborts in that case anyway.
#[must_use]
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    fill(&mut out);
    out
}

/// A URL-safe random token: `bytes` random bytes encoded as base64url without padding.
///
/// Use at least 32 bytes for bearer secrets (access/refresh tokens, authorisation codes).
/// The result is `ceil(bytes * 4 / 3)` characters long.
#[must_use]
pub fn random_token(bytes: usize) -> String {
    let mut raw = Zeroizing::new(vec![0u8; bytes]);
    fill(&mut raw);
    URL_SAFE_NO_PAD.encode(&*raw)
}

/// A random string of `len` characters from `[0-9A-Za-z]`, uniformly distributed (rejection sampling).
///
/// Suitable for client ids and client secrets; each character carries log2(62) ≈ 5.95 bits, so a secret of
/// 43 characters holds about 256 bits.
#[must_use]
pub fn random_alnum(len: usize) -> String {
    let mut out = String::with_capacity(len);
    let mut buf = Zeroizing::new([0u8; 64]);
    while out.len() < len {
        fill(&mut buf[..]);
        for &b in buf.iter() {
            if out.len() == len {
                break;
            }
            if b < ALNUM_REJECT_FROM {
                out.push(char::from(ALNUM[usize::from(b % 62)]));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use proptest::prelude::*;

    use super::*;

    #[test]
    fn random_bytes_differ() {
        let a: [u8; 32] = random_bytes();
        let b: [u8; 32] = random_bytes();
        assert_ne!(a, b);
        let empty: [u8; 0] = random_bytes();
        assert!(empty.is_empty());
    }

    #[test]
    fn token_is_base64url_without_padding() {
        let t = random_token(32);
        assert_eq!(t.len(), 43);
        assert!(t.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
        assert_eq!(URL_SAFE_NO_PAD.decode(&t).unwrap().len(), 32);
        assert_eq!(random_token(0), "");
    }

    #[test]
    fn alnum_uses_the_whole_alphabet() {
        let s = random_alnum(10_000);
        let seen: HashSet<char> = s.chars().collect();
        assert_eq!(seen.len(), 62);
        assert_ne!(random_alnum(32), random_alnum(32));
    }

    proptest! {
        #[test]
        fn alnum_has_requested_length_and_charset(len in 0usize..300) {
            let s = random_alnum(len);
            prop_assert_eq!(s.len(), len);
            prop_assert!(s.bytes().all(|c| c.is_ascii_alphanumeric()));
        }

        #[test]
        fn token_decodes_to_requested_length(len in 0usize..200) {
            let t = random_token(len);
            prop_assert_eq!(URL_SAFE_NO_PAD.decode(&t).unwrap().len(), len);
        }
    }
}
