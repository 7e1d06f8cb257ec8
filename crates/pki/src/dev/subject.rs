//! Subject certificates: the CI extension under a 128-bit `2.25` OID arc, which rcgen cannot write directly.
//!
//! rcgen encodes OID arcs as `u64`. The certificate is built with a *placeholder* OID whose DER encoding has the
//! same length as [`CI_EXTENSION_OID`](crate::CI_EXTENSION_OID)'s, and signed by [`CiOidPatcher`], which signs the
//! to-be-signed bytes with the placeholder replaced by the real OID. Making the same replacement in rcgen's output
//! yields a certificate whose signature covers exactly its own to-be-signed bytes.

use rcgen::{CustomExtension, DnType, KeyPair, KeyUsagePurpose, PublicKeyData, SignatureAlgorithm, SigningKey};
use rustls_pki_types::CertificateDer;

use super::{DevCa, IssuedCert, SubjectSpec, Validity, layout::check_path_component, leaf_params, new_key};
use crate::der::{self, TAG_OID};
use crate::error::PkiError;
use crate::peer::ci_oid_content;

/// Placeholder arcs: `2.25.A.B` with A encoded in 9 bytes and B in 10, i.e. the 19 bytes of the UUID arc.
const PLACEHOLDER_ARCS: [u64; 4] = [2, 25, 0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210];

/// Longest CI accepted (the standard's `x-user-ci` is B64(100)).
const MAX_CI_LEN: usize = 100;

pub(super) fn issue(ca: &DevCa, subject: &SubjectSpec, validity: Validity) -> Result<IssuedCert, PkiError> {
    check_path_component("username", &subject.username)?;
    check_ci(&subject.ci)?;
    if subject.name.trim().is_empty() {
        return Err(PkiError::InvalidName { kind: "subject name", value: subject.name.clone(), problem: "empty" });
    }
    let what = format!("subject certificate of {}", subject.username);
    let (placeholder, real) = oid_tlvs()?;

    let mut params = leaf_params(validity);
    params.distinguished_name.push(DnType::CommonName, subject.name.as_str());
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::ContentCommitment];
    params.custom_extensions =
        vec![CustomExtension::from_oid_content(&PLACEHOLDER_ARCS, der::utf8_string(&subject.ci))];

    let key = new_key(&what)?;
    let issuer = ca.issuer(CiOidPatcher { inner: &ca.key, placeholder: &placeholder, real: &real })?;
    let cert = params.signed_by(&key, &issuer).map_err(|e| PkiError::generate(what.as_str(), e))?;
    let patched = replace_once(cert.der(), &placeholder, &real)
        .ok_or_else(|| PkiError::cert(format!("{what}: placeholder OID not found exactly once")))?;
    Ok(IssuedCert::new(CertificateDer::from(patched), &key))
}

/// The CI must look like what travels in `x-user-ci`: 1 to 100 base64 characters.
fn check_ci(ci: &str) -> Result<(), PkiError> {
    let invalid = |problem| PkiError::InvalidName { kind: "CI", value: "<redacted>".to_owned(), problem };
    if ci.is_empty() || ci.len() > MAX_CI_LEN {
        return Err(invalid("must be 1 to 100 base64 characters"));
    }
    if !ci.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=')) {
        return Err(invalid("not base64"));
    }
    Ok(())
}

/// The full OID TLVs (tag, length, content) of the placeholder and the real CI OID.
fn oid_tlvs() -> Result<(Vec<u8>, Vec<u8>), PkiError> {
    let arcs: Vec<u128> = PLACEHOLDER_ARCS.iter().map(|a| u128::from(*a)).collect();
    let placeholder = der::tlv(TAG_OID, &der::oid_content(&arcs));
    let real = der::tlv(TAG_OID, &ci_oid_content());
    if placeholder.len() != real.len() {
        return Err(PkiError::cert("placeholder and CI OIDs differ in encoded length"));
    }
    Ok((placeholder, real))
}

/// `haystack` with the single occurrence of `from` replaced by `to`; `None` unless `from` occurs exactly once.
fn replace_once(haystack: &[u8], from: &[u8], to: &[u8]) -> Option<Vec<u8>> {
    let mut hits = haystack.windows(from.len()).enumerate().filter(|(_, w)| *w == from).map(|(i, _)| i);
    let at = hits.next()?;
    if hits.next().is_some() {
        return None;
    }
    let mut out = Vec::with_capacity(haystack.len() - from.len() + to.len());
    out.extend_from_slice(&haystack[..at]);
    out.extend_from_slice(to);
    out.extend_from_slice(&haystack[at + from.len()..]);
    Some(out)
}

/// Signs with the CA key, over the to-be-signed bytes with the placeholder OID replaced by the real one.
struct CiOidPatcher<'a> {
    inner: &'a KeyPair,
    placeholder: &'a [u8],
    real: &'a [u8],
}

impl PublicKeyData for CiOidPatcher<'_> {
    fn der_bytes(&self) -> &[u8] {
        self.inner.der_bytes()
    }

    fn algorithm(&self) -> &'static SignatureAlgorithm {
        PublicKeyData::algorithm(self.inner)
    }
}

impl SigningKey for CiOidPatcher<'_> {
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, rcgen::Error> {
        // `RemoteKeyError` is rcgen's "the signer failed" error; `issue` reports the real cause.
        let patched = replace_once(msg, self.placeholder, self.real).ok_or(rcgen::Error::RemoteKeyError)?;
        self.inner.sign(&patched)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholder_has_the_length_of_the_real_oid() {
        let (placeholder, real) = oid_tlvs().unwrap();
        assert_eq!(placeholder.len(), real.len());
        assert_eq!(real.len(), 22, "06 14 + 0x69 + 19 base-128 bytes of a 128-bit arc");
    }

    #[test]
    fn replace_once_requires_a_single_hit() {
        assert_eq!(replace_once(b"abcabc", b"bc", b"XY"), None);
        assert_eq!(replace_once(b"abcdef", b"cd", b"XY").as_deref(), Some(&b"abXYef"[..]));
        assert_eq!(replace_once(b"abcdef", b"zz", b"XY"), None);
    }

    #[test]
    fn ci_format_is_checked() {
        assert!(check_ci(&"A".repeat(88)).is_ok());
        assert!(check_ci("").is_err());
        assert!(check_ci("not base64!").is_err());
        assert!(check_ci(&"A".repeat(101)).is_err());
    }
}
