//! The development PKI: what `mydata pki init --dir D` writes, and what tests use.
//!
//! # Two roots
//!
//! - The **TLS CA** (`tls-ca.pem`) signs every TLS certificate. Organisations trust it for mutual TLS.
//! - The **subject CA** (`subject-ca.pem`) plays the integrated-authentication certificate authority: it signs the
//!   certificates with which subjects (people) sign consent documents. It is a separate root so that a subject
//!   certificate can never pass as an organisation's TLS certificate, and vice versa.
//!
//! # Organisation certificates
//!
//! Per organisation ([`OrgSpec`]): a TLS **server** certificate (EKU serverAuth *and* clientAuth, so one certificate
//! can serve both roles; SAN `localhost`, `127.0.0.1` and the given names), a separate TLS **client** certificate
//! (EKU clientAuth), both with subject `CN=<name>, O=<name>, OU=<org_code>, serialNumber=<regno>`: the business
//! registration number in the subject serialNumber (OID 2.5.4.5) is what servers compare with the registry on every
//! call (spec §1.1). Plus a JWS signing key (ECDSA P-256, PKCS#8 PEM). All keys are ECDSA P-256.
//!
//! # Subject certificates and the CI binding
//!
//! Per subject ([`SubjectSpec`]): a certificate from the subject CA and its PKCS#8 key. The certificate binds the
//! subject's CI (연계정보, 88 base64 characters) so that a provider receiving a signed consent can compare the CI in
//! the certificate with the CI in the request:
//!
//! - subject `CN=<name>`;
//! - a **non-critical extension** with OID [`CI_EXTENSION_OID`](crate::CI_EXTENSION_OID)
//!   (`2.25.<uuid>`, a UUID-based OID per X.667, so no registration is needed) whose value is a DER `UTF8String`
//!   holding the CI exactly as it travels on the wire. Read it back with
//!   [`subject_ci_from_der`](crate::subject_ci_from_der) or [`PeerIdentity::subject_ci`](crate::PeerIdentity::subject_ci);
//! - key usage digitalSignature + nonRepudiation, no extended key usage.
//!
//! Why not the subject serialNumber attribute, as for organisations? X.520 bounds serialNumber at 64 characters
//! (`ub-serial-number`), and a CI has 88; the attribute is also a PrintableString, whose alphabet lacks `+` (which
//! base64 uses). An extension has no such limits and keeps the CI out of the subject DN, which is copied into logs
//! more freely than extension values.
//!
//! rcgen can only write OID arcs of up to 64 bits, and a `2.25` arc is 128 bits. The extension is therefore written
//! under a placeholder OID of the same encoded length, and the CA's signature is computed over the to-be-signed
//! bytes with the placeholder already replaced by the real OID; the same replacement is then made in the output.
//! The certificate is thus correctly signed, which the tests check with webpki.
//!
//! # Files
//!
//! [`init`] creates (or completes) this layout and returns it as a [`DevPkiLayout`]:
//!
//! ```text
//! D/tls-ca.pem                 TLS CA certificate (trust anchor for mutual TLS)
//! D/tls-ca.key                 TLS CA key                                   (0600)
//! D/subject-ca.pem             subject-certificate CA certificate
//! D/subject-ca.key             subject-certificate CA key                   (0600)
//! D/orgs/<org_code>/server.pem TLS server certificate (serverAuth + clientAuth)
//! D/orgs/<org_code>/server.key its key                                      (0600)
//! D/orgs/<org_code>/client.pem TLS client certificate (clientAuth)
//! D/orgs/<org_code>/client.key its key                                      (0600)
//! D/orgs/<org_code>/jws.key    JWS signing key, ECDSA P-256 PKCS#8          (0600)
//! D/subjects/<username>/cert.pem subject certificate (binds the CI)
//! D/subjects/<username>/key.pem  its key, PKCS#8                            (0600)
//! ```
//!
//! Every file is written to `<name>.tmp` first and then renamed, so an interrupted run never leaves a truncated file
//! under its real name.
//!
//! # Validity
//!
//! CAs: 10 years; leaves: 2 years. Both start 5 minutes before `now` to tolerate clock skew between processes.

mod layout;
mod subject;

use std::fmt;
use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, DnValue, ExtendedKeyUsagePurpose, IsCa, Issuer,
    KeyPair, KeyUsagePurpose, PKCS_ECDSA_P256_SHA256, SanType,
};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use time::{Duration, OffsetDateTime};
use zeroize::Zeroizing;

pub use self::layout::{DevPkiLayout, OrgFiles, SubjectFiles, init};
use crate::error::PkiError;
use crate::identity::{Identity, TrustAnchors, read};

/// Lifetime of development CA certificates.
pub const CA_VALIDITY: Duration = Duration::days(3650);
/// Lifetime of development leaf certificates.
pub const LEAF_VALIDITY: Duration = Duration::days(730);
/// How far before `now` validity periods start (clock-skew tolerance).
pub const BACKDATE: Duration = Duration::minutes(5);

/// OID arcs of the X.520 serialNumber attribute (2.5.4.5).
const SERIAL_NUMBER_ARCS: [u64; 4] = [2, 5, 4, 5];

/// A certificate's validity period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Validity {
    /// Start of the period.
    pub not_before: OffsetDateTime,
    /// End of the period.
    pub not_after: OffsetDateTime,
}

impl Validity {
    /// The period of a development CA issued at `now`: [`BACKDATE`] before `now` to `now +` [`CA_VALIDITY`].
    pub fn ca(now: OffsetDateTime) -> Self {
        Self { not_before: now - BACKDATE, not_after: now + CA_VALIDITY }
    }

    /// The period of a development leaf issued at `now`: [`BACKDATE`] before `now` to `now +` [`LEAF_VALIDITY`].
    pub fn leaf(now: OffsetDateTime) -> Self {
        Self { not_before: now - BACKDATE, not_after: now + LEAF_VALIDITY }
    }
}

/// An organisation of the development PKI. Deserializable, so seeds and configuration files can list organisations.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OrgSpec {
    /// Display name; becomes the subject CN and O.
    pub name: String,
    /// The organisation code; names the directory `orgs/<org_code>/` and becomes the subject OU.
    pub org_code: String,
    /// Business registration number (사업자등록번호, e.g. `123-45-67890`); becomes the subject serialNumber.
    pub regno: String,
    /// DNS names added to the server certificate's SAN (besides `localhost`). Default: none.
    #[serde(default)]
    pub dns_names: Vec<String>,
    /// IP addresses added to the server certificate's SAN (besides `127.0.0.1`). Default: none.
    #[serde(default)]
    pub ips: Vec<IpAddr>,
}

impl OrgSpec {
    /// An organisation reachable only as `localhost` / `127.0.0.1`.
    pub fn new(name: impl Into<String>, org_code: impl Into<String>, regno: impl Into<String>) -> Self {
        Self { name: name.into(), org_code: org_code.into(), regno: regno.into(), dns_names: vec![], ips: vec![] }
    }
}

/// A demo subject (person) of the development PKI. `Debug` does not print the CI.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SubjectSpec {
    /// Display name; becomes the subject CN.
    pub name: String,
    /// The subject's CI (base64); bound by the [`CI_EXTENSION_OID`](crate::CI_EXTENSION_OID) extension.
    pub ci: String,
    /// Login name; names the directory `subjects/<username>/`.
    pub username: String,
}

impl fmt::Debug for SubjectSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SubjectSpec").field("username", &self.username).field("ci", &"<redacted>").finish()
    }
}

/// A freshly issued certificate and its private key.
pub struct IssuedCert {
    cert_der: CertificateDer<'static>,
    cert_pem: String,
    key_pem: Zeroizing<String>,
}

impl IssuedCert {
    /// The certificate, DER.
    pub fn cert_der(&self) -> &CertificateDer<'static> {
        &self.cert_der
    }

    /// The certificate, PEM.
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// The private key, PKCS#8 PEM.
    pub fn key_pem(&self) -> &str {
        &self.key_pem
    }

    /// The certificate and key as a TLS [`Identity`].
    pub fn identity(&self) -> Result<Identity, PkiError> {
        Identity::from_pem(&self.cert_pem, self.key_pem.as_bytes())
    }

    fn new(cert_der: CertificateDer<'static>, key: &KeyPair) -> Self {
        let cert_pem = crate::der::pem("CERTIFICATE", &cert_der);
        Self { cert_der, cert_pem, key_pem: Zeroizing::new(key.serialize_pem()) }
    }
}

impl fmt::Debug for IssuedCert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuedCert").field("cert_len", &self.cert_der.len()).field("key", &"<redacted>").finish()
    }
}

/// A development certificate authority: a self-signed CA certificate and its key.
pub struct DevCa {
    cert_der: CertificateDer<'static>,
    cert_pem: String,
    key: KeyPair,
}

impl DevCa {
    /// Generates a CA named `name` (subject `CN=<name>, O=MyData development PKI`), valid for [`CA_VALIDITY`] from
    /// `now`, with a new ECDSA P-256 key. Its path length is 0: it signs leaves only.
    pub fn generate(name: &str, now: OffsetDateTime) -> Result<Self, PkiError> {
        let key = new_key(name)?;
        let mut params = CertificateParams::default();
        let validity = Validity::ca(now);
        params.not_before = validity.not_before;
        params.not_after = validity.not_after;
        params.distinguished_name = DistinguishedName::new();
        params.distinguished_name.push(DnType::CommonName, name);
        params.distinguished_name.push(DnType::OrganizationName, "MyData development PKI");
        params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        params.key_usages =
            vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
        let cert = params.self_signed(&key).map_err(|e| PkiError::generate(format!("CA certificate {name:?}"), e))?;
        Ok(Self { cert_der: cert.der().clone(), cert_pem: cert.pem(), key })
    }

    /// Writes the certificate (PEM, mode 0644) and the key (PKCS#8 PEM, mode 0600).
    pub fn save(&self, cert_path: &Path, key_path: &Path) -> Result<(), PkiError> {
        layout::write_private(key_path, self.key.serialize_pem().as_bytes())?;
        layout::write_public(cert_path, self.cert_pem.as_bytes())
    }

    /// Loads a CA written by [`save`](Self::save); checks that the key matches the certificate.
    pub fn load(cert_path: &Path, key_path: &Path) -> Result<Self, PkiError> {
        let cert_pem = read(cert_path)?;
        let cert_der = CertificateDer::from_pem_slice(&cert_pem)
            .map_err(|e| PkiError::pem(Some(cert_path), format!("no CERTIFICATE block: {e}")))?;
        let key_pem = Zeroizing::new(
            String::from_utf8(read(key_path)?).map_err(|_| PkiError::pem(Some(key_path), "not UTF-8 text"))?,
        );
        let key = KeyPair::from_pem(&key_pem)
            .map_err(|e| PkiError::pem(Some(key_path), format!("no usable PKCS#8 PRIVATE KEY block: {e}")))?;
        let (_, parsed) = x509_parser::parse_x509_certificate(&cert_der)
            .map_err(|e| PkiError::cert(format!("{}: not X.509: {e}", cert_path.display())))?;
        if parsed.public_key().subject_public_key.data.as_ref() != key.public_key_raw() {
            return Err(PkiError::KeyMismatch { path: Some(key_path.to_path_buf()) });
        }
        let cert_pem = crate::der::pem("CERTIFICATE", &cert_der);
        Ok(Self { cert_der, cert_pem, key })
    }

    /// The CA certificate, DER.
    pub fn cert_der(&self) -> &CertificateDer<'static> {
        &self.cert_der
    }

    /// The CA certificate, PEM.
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// This CA as the only trust anchor.
    pub fn trust_anchors(&self) -> Result<TrustAnchors, PkiError> {
        TrustAnchors::from_der(vec![self.cert_der.clone()])
    }

    /// Issues an organisation's TLS server certificate (EKU serverAuth + clientAuth; SAN `localhost`, `127.0.0.1`,
    /// `org.dns_names`, `org.ips`).
    pub fn issue_tls_server(&self, org: &OrgSpec, validity: Validity) -> Result<IssuedCert, PkiError> {
        let mut sans = vec![SanType::DnsName(ia5("localhost")?), SanType::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST))];
        for name in &org.dns_names {
            let san = SanType::DnsName(ia5(name)?);
            if !sans.contains(&san) {
                sans.push(san);
            }
        }
        for ip in &org.ips {
            let san = SanType::IpAddress(*ip);
            if !sans.contains(&san) {
                sans.push(san);
            }
        }
        let mut params = org_params(org, validity)?;
        params.subject_alt_names = sans;
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth, ExtendedKeyUsagePurpose::ClientAuth];
        self.issue(&params, &format!("TLS server certificate of {}", org.org_code))
    }

    /// Issues an organisation's TLS client certificate (EKU clientAuth).
    pub fn issue_tls_client(&self, org: &OrgSpec, validity: Validity) -> Result<IssuedCert, PkiError> {
        let mut params = org_params(org, validity)?;
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        self.issue(&params, &format!("TLS client certificate of {}", org.org_code))
    }

    /// Issues a subject certificate binding `subject.ci` (see the [module docs](self)). Use the subject CA.
    pub fn issue_subject(&self, subject: &SubjectSpec, validity: Validity) -> Result<IssuedCert, PkiError> {
        subject::issue(self, subject, validity)
    }

    fn issue(&self, params: &CertificateParams, what: &str) -> Result<IssuedCert, PkiError> {
        let key = new_key(what)?;
        let issuer = self.issuer(&self.key)?;
        let cert = params.signed_by(&key, &issuer).map_err(|e| PkiError::generate(what, e))?;
        Ok(IssuedCert::new(cert.der().clone(), &key))
    }

    fn issuer<S: rcgen::SigningKey>(&self, signer: S) -> Result<Issuer<'static, S>, PkiError> {
        Issuer::from_ca_cert_der(&self.cert_der, signer)
            .map_err(|e| PkiError::generate("issuer from CA certificate", e))
    }
}

impl fmt::Debug for DevCa {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let subject = crate::PeerIdentity::from_der(&self.cert_der).map(|p| p.subject().to_owned()).unwrap_or_default();
        f.debug_struct("DevCa").field("subject", &subject).field("key", &"<redacted>").finish()
    }
}

/// Generates a JWS signing key: ECDSA P-256, PKCS#8 PEM.
pub fn generate_jws_key() -> Result<Zeroizing<String>, PkiError> {
    Ok(Zeroizing::new(new_key("JWS signing key")?.serialize_pem()))
}

fn new_key(what: &str) -> Result<KeyPair, PkiError> {
    KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).map_err(|e| PkiError::generate(format!("key for {what}"), e))
}

fn ia5(name: &str) -> Result<rcgen::string::Ia5String, PkiError> {
    rcgen::string::Ia5String::try_from(name).map_err(|_| PkiError::InvalidName {
        kind: "DNS name",
        value: name.to_owned(),
        problem: "not an IA5 (ASCII) string",
    })
}

/// Leaf parameters with an organisation's subject DN.
fn org_params(org: &OrgSpec, validity: Validity) -> Result<CertificateParams, PkiError> {
    layout::check_path_component("org code", &org.org_code)?;
    if org.name.trim().is_empty() {
        return Err(PkiError::InvalidName { kind: "organisation name", value: org.name.clone(), problem: "empty" });
    }
    let regno = check_regno(&org.regno)?;
    let mut params = leaf_params(validity);
    params.distinguished_name.push(DnType::CommonName, org.name.as_str());
    params.distinguished_name.push(DnType::OrganizationName, org.name.as_str());
    params.distinguished_name.push(DnType::OrganizationalUnitName, org.org_code.as_str());
    params.distinguished_name.push(DnType::CustomDnType(SERIAL_NUMBER_ARCS.to_vec()), DnValue::PrintableString(regno));
    Ok(params)
}

/// The business registration number as an X.520 serialNumber (PrintableString, at most 64 characters).
fn check_regno(regno: &str) -> Result<rcgen::string::PrintableString, PkiError> {
    let invalid =
        |problem| PkiError::InvalidName { kind: "business registration number", value: regno.to_owned(), problem };
    if regno.is_empty() || regno.len() > 64 {
        return Err(invalid("must be 1 to 64 characters (X.520 ub-serial-number)"));
    }
    rcgen::string::PrintableString::try_from(regno)
        .map_err(|_| invalid("not a PrintableString (use letters, digits, '-')"))
}

/// Parameters shared by every leaf: validity, empty DN, authority key identifier, digitalSignature.
fn leaf_params(validity: Validity) -> CertificateParams {
    let mut params = CertificateParams::default();
    params.not_before = validity.not_before;
    params.not_after = validity.not_after;
    params.distinguished_name = DistinguishedName::new();
    params.is_ca = IsCa::ExplicitNoCa;
    params.use_authority_key_identifier_extension = true;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params
}
