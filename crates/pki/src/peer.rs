//! What a server learns about its peer from the verified leaf certificate.
//!
//! The TLS listener builds one [`PeerIdentity`] per connection (after rustls has verified the chain) and inserts it
//! into every request as an extension. Handlers then call [`PeerIdentity::check_serial`] against the organisation's
//! registered `serial_num` (spec §1.1: on **every** call), and token endpoints bind tokens to
//! [`PeerIdentity::thumbprint_b64url`] (RFC 8705 `cnf.x5t#S256`).

use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use rustls::server::WebPkiClientVerifier;
use rustls_pki_types::CertificateDer;
use time::OffsetDateTime;
use x509_parser::certificate::X509Certificate;
use x509_parser::oid_registry::{OID_X509_COMMON_NAME, OID_X509_SERIALNUMBER};
use x509_parser::prelude::FromDer;

use crate::der;
use crate::error::{PkiError, datetime_to_unix};
use crate::identity::TrustAnchors;
use crate::provider::crypto_provider;

/// The UUID whose `2.25` OID names the subject-CI certificate extension: `d94094a3-e9b0-4915-86e9-cb5b1a32af30`
/// (generated at random once for this project, per ITU-T X.667 / RFC 4122 §4.4).
pub const CI_EXTENSION_UUID: &str = "d94094a3-e9b0-4915-86e9-cb5b1a32af30";

/// The OID of the non-critical X.509 extension that binds a subject certificate to the subject's CI (연계정보):
/// `2.25.<CI_EXTENSION_UUID as a decimal integer>`.
///
/// The extension value is a DER `UTF8String` holding the CI exactly as it travels on the wire (88 base64
/// characters). See [`crate::dev`] for why the CI is not in the subject's serialNumber.
pub const CI_EXTENSION_OID: &str = "2.25.288777796867407927023143831429180469040";

/// [`CI_EXTENSION_UUID`] as an integer (the last arc of [`CI_EXTENSION_OID`]).
pub(crate) const CI_EXTENSION_ARC: u128 = 0xd940_94a3_e9b0_4915_86e9_cb5b_1a32_af30;

/// The DER content octets of [`CI_EXTENSION_OID`].
pub(crate) fn ci_oid_content() -> Vec<u8> {
    der::oid_content(&[2, 25, CI_EXTENSION_ARC])
}

/// The identity in a peer's leaf certificate. Cheap to clone (one reference count).
#[derive(Clone)]
pub struct PeerIdentity(Arc<Inner>);

struct Inner {
    serial_number: Option<Arc<str>>,
    common_name: Option<Arc<str>>,
    subject: Arc<str>,
    thumbprint_sha256: [u8; 32],
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
    subject_ci: Option<Arc<str>>,
}

impl PeerIdentity {
    /// Parses a DER X.509 certificate.
    pub fn from_der(der: &[u8]) -> Result<Self, PkiError> {
        let (_, cert) = X509Certificate::from_der(der).map_err(|e| PkiError::cert(format!("not X.509: {e}")))?;
        let subject = cert.subject();
        let first_str = |oid| -> Result<Option<Arc<str>>, PkiError> {
            match subject.iter_by_oid(oid).next() {
                None => Ok(None),
                Some(attr) => attr
                    .as_str()
                    .map(|s| Some(Arc::from(s)))
                    .map_err(|e| PkiError::cert(format!("subject attribute {oid} is not a string: {e}"))),
            }
        };
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, der);
        let mut thumbprint_sha256 = [0u8; 32];
        thumbprint_sha256.copy_from_slice(digest.as_ref());
        Ok(Self(Arc::new(Inner {
            serial_number: first_str(&OID_X509_SERIALNUMBER)?,
            common_name: first_str(&OID_X509_COMMON_NAME)?,
            subject: Arc::from(subject.to_string()),
            thumbprint_sha256,
            not_before: cert.validity().not_before.to_datetime(),
            not_after: cert.validity().not_after.to_datetime(),
            subject_ci: ci_from_cert(&cert)?.map(Arc::from),
        })))
    }

    /// The identity of the verified client certificate of a finished handshake
    /// (`tls_stream.get_ref().1` with tokio-rustls), or [`PkiError::NoClientCertificate`].
    pub fn from_connection(conn: &rustls::CommonState) -> Result<Self, PkiError> {
        let leaf: &CertificateDer<'_> =
            conn.peer_certificates().and_then(<[_]>::first).ok_or(PkiError::NoClientCertificate)?;
        Self::from_der(leaf)
    }

    /// The subject's serialNumber attribute (OID 2.5.4.5): for organisations, the business registration number
    /// registered at the portal.
    pub fn serial_number(&self) -> Option<&str> {
        self.0.serial_number.as_deref()
    }

    /// The subject's first commonName, if any.
    pub fn common_name(&self) -> Option<&str> {
        self.0.common_name.as_deref()
    }

    /// The subject distinguished name, RFC 4514 style (`CN=..., O=..., serialNumber=...`, in certificate order).
    pub fn subject(&self) -> &str {
        &self.0.subject
    }

    /// SHA-256 of the DER leaf certificate.
    pub fn thumbprint_sha256(&self) -> &[u8; 32] {
        &self.0.thumbprint_sha256
    }

    /// The thumbprint as unpadded base64url: the RFC 8705 `x5t#S256` confirmation value.
    pub fn thumbprint_b64url(&self) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(self.0.thumbprint_sha256)
    }

    /// Start of the validity period.
    pub fn not_before(&self) -> OffsetDateTime {
        self.0.not_before
    }

    /// End of the validity period.
    pub fn not_after(&self) -> OffsetDateTime {
        self.0.not_after
    }

    /// The CI bound to a subject certificate by the [`CI_EXTENSION_OID`] extension; `None` for organisations'
    /// certificates.
    pub fn subject_ci(&self) -> Option<&str> {
        self.0.subject_ci.as_deref()
    }

    /// Checks the subject serialNumber against the registered value (exact, case-sensitive comparison).
    ///
    /// Fails with [`PkiError::WrongSerialNumber`] naming both values, or [`PkiError::MissingSerialNumber`].
    pub fn check_serial(&self, expected: &str) -> Result<(), PkiError> {
        match self.serial_number() {
            Some(found) if found == expected => Ok(()),
            Some(found) => Err(PkiError::WrongSerialNumber { expected: expected.to_owned(), found: found.to_owned() }),
            None => Err(PkiError::MissingSerialNumber { expected: expected.to_owned() }),
        }
    }

    /// Checks that `now` lies in the validity period ([`PkiError::Expired`] / [`PkiError::NotYetValid`]).
    pub fn check_validity(&self, now: OffsetDateTime) -> Result<(), PkiError> {
        if now < self.0.not_before {
            Err(PkiError::NotYetValid { not_before: self.0.not_before, now })
        } else if now > self.0.not_after {
            Err(PkiError::Expired { not_after: self.0.not_after, now })
        } else {
            Ok(())
        }
    }
}

impl fmt::Debug for PeerIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The CI is personal data: never print it (DESIGN §4 "Personal data").
        f.debug_struct("PeerIdentity")
            .field("subject", &self.subject())
            .field("serial_number", &self.serial_number())
            .field("thumbprint_sha256", &hex::encode(self.thumbprint_sha256()))
            .field("not_before", &self.not_before())
            .field("not_after", &self.not_after())
            .field("subject_ci", &self.subject_ci().map(|_| "<redacted>"))
            .finish()
    }
}

/// Verifies a subject certificate chain (leaf first, then intermediates) against the subject-certificate CA at
/// `now`, and returns the leaf's identity; its [`PeerIdentity::subject_ci`] is the CI the certificate binds.
///
/// The checks are webpki's: chain to `subject_ca`, signatures, validity at `now`, basic constraints, and an extended
/// key usage that is absent or allows client authentication. Failures are named as for handshakes
/// ([`PkiError::Expired`], [`PkiError::UnknownIssuer`], [`PkiError::BadSignature`], ...).
pub fn verify_subject_certificate(
    chain: &[CertificateDer<'_>],
    subject_ca: &TrustAnchors,
    now: OffsetDateTime,
) -> Result<PeerIdentity, PkiError> {
    let (leaf, intermediates) = chain.split_first().ok_or_else(|| PkiError::cert("empty certificate chain"))?;
    let verifier = WebPkiClientVerifier::builder_with_provider(subject_ca.root_store(), crypto_provider())
        .build()
        .map_err(|source| PkiError::Verifier { source })?;
    verifier.verify_client_cert(leaf, intermediates, datetime_to_unix(now)).map_err(PkiError::from_handshake)?;
    PeerIdentity::from_der(leaf)
}

/// Reads the subject CI ([`CI_EXTENSION_OID`] extension) of a DER certificate; `Ok(None)` if it has none.
pub fn subject_ci_from_der(der: &[u8]) -> Result<Option<String>, PkiError> {
    let (_, cert) = X509Certificate::from_der(der).map_err(|e| PkiError::cert(format!("not X.509: {e}")))?;
    Ok(ci_from_cert(&cert)?.map(str::to_owned))
}

fn ci_from_cert<'a>(cert: &'a X509Certificate<'_>) -> Result<Option<&'a str>, PkiError> {
    let oid = ci_oid_content();
    let mut found = cert.extensions().iter().filter(|ext| ext.oid.as_bytes() == oid.as_slice());
    let Some(ext) = found.next() else { return Ok(None) };
    if found.next().is_some() {
        return Err(PkiError::cert("subject-CI extension present more than once"));
    }
    der::parse_utf8_string(ext.value)
        .map(Some)
        .ok_or_else(|| PkiError::cert("subject-CI extension value is not a DER UTF8String"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities_are_cheap_to_share_across_tasks() {
        fn shareable<T: Send + Sync + Clone + 'static>() {}
        shareable::<PeerIdentity>();
        shareable::<crate::Identity>();
        shareable::<TrustAnchors>();
    }

    #[test]
    fn ci_oid_constants_agree() {
        let from_uuid = u128::from_str_radix(&CI_EXTENSION_UUID.replace('-', ""), 16).unwrap();
        assert_eq!(from_uuid, CI_EXTENSION_ARC);
        assert_eq!(format!("2.25.{CI_EXTENSION_ARC}"), CI_EXTENSION_OID);
        // Version 4, RFC 4122 variant: a random UUID.
        assert_eq!(CI_EXTENSION_UUID.as_bytes()[14], b'4');
        assert!(matches!(CI_EXTENSION_UUID.as_bytes()[19], b'8' | b'9' | b'a' | b'b'));
        let content = ci_oid_content();
        assert_eq!(content[0], 0x69);
        assert_eq!(content.len(), 20);
    }
}
