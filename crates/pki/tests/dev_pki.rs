//! The development PKI on disk: layout, idempotence, certificate contents, the CI binding, and loading errors.
#![expect(clippy::unwrap_used, reason = "test helpers panic on setup failure, like the tests themselves")]

mod common;

use common::{BANK_REGNO, KIM_CI, Pki, bank, kim, now};
use mydata_pki::dev::{DevCa, OrgSpec, SubjectSpec, Validity, init};
use mydata_pki::{CI_EXTENSION_OID, Identity, PeerIdentity, PkiError, subject_ci_from_der, verify_subject_certificate};
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivatePkcs8KeyDer};
use x509_parser::extensions::ParsedExtension;
use x509_parser::prelude::FromDer as _;

fn read_der(path: &std::path::Path) -> CertificateDer<'static> {
    CertificateDer::from_pem_file(path).unwrap()
}

/// Dotted form of DER OID content octets, with arcs up to 128 bits (asn1-rs only prints 64-bit arcs).
fn dotted(content: &[u8]) -> String {
    let mut arcs: Vec<u128> = Vec::new();
    let mut acc = 0u128;
    for b in content {
        acc = (acc << 7) | u128::from(b & 0x7f);
        if b & 0x80 == 0 {
            arcs.push(acc);
            acc = 0;
        }
    }
    let first = arcs.remove(0);
    let (a, b) = if first < 80 { (first / 40, first % 40) } else { (2, first - 80) };
    std::iter::once(a).chain(std::iter::once(b)).chain(arcs).map(|x| x.to_string()).collect::<Vec<_>>().join(".")
}

#[test]
fn init_writes_the_documented_layout_with_private_keys_0600() {
    let pki = Pki::new();
    let d = pki.dir.path();
    let org = pki.layout.org("BANK000001").unwrap();
    let subject = pki.layout.subject("kim").unwrap();
    assert_eq!(pki.layout.tls_ca_cert, d.join("tls-ca.pem"));
    assert_eq!(pki.layout.subject_ca_key, d.join("subject-ca.key"));
    assert_eq!(org.server_cert, d.join("orgs/BANK000001/server.pem"));
    assert_eq!(org.jws_key, d.join("orgs/BANK000001/jws.key"));
    assert_eq!(subject.cert, d.join("subjects/kim/cert.pem"));
    assert_eq!(subject.key, d.join("subjects/kim/key.pem"));
    assert_eq!(pki.layout.created.len(), 4 + 2 * 5 + 2);

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        for key in [
            &pki.layout.tls_ca_key,
            &pki.layout.subject_ca_key,
            &org.server_key,
            &org.client_key,
            &org.jws_key,
            &subject.key,
        ] {
            assert_eq!(mode(key), 0o600, "{}", key.display());
        }
    }
    for entry in std::fs::read_dir(d.join("orgs/BANK000001")).unwrap() {
        assert!(!entry.unwrap().file_name().to_string_lossy().ends_with(".tmp"));
    }
}

#[test]
fn init_twice_keeps_everything_and_adds_what_is_missing() {
    let pki = Pki::new();
    let d = pki.dir.path();
    let ca_before = std::fs::read(&pki.layout.tls_ca_cert).unwrap();
    let server_before = std::fs::read(&pki.layout.org("BANK000001").unwrap().server_cert).unwrap();

    let again = init(d, &[bank(), common::operator()], &[kim()], now()).unwrap();
    assert!(again.created.is_empty(), "{:?}", again.created);
    assert_eq!(std::fs::read(&again.tls_ca_cert).unwrap(), ca_before);
    assert_eq!(std::fs::read(&again.org("BANK000001").unwrap().server_cert).unwrap(), server_before);

    // A lost certificate is re-issued together with its key; the CA stays.
    let client_cert = again.org("BANK000001").unwrap().client_cert.clone();
    std::fs::remove_file(&client_cert).unwrap();
    let card = OrgSpec::new("Dev Card", "CARD000001", "222-33-44444");
    let third = init(d, &[bank(), card], &[kim()], now()).unwrap();
    assert!(third.created.contains(&client_cert));
    assert!(third.created.iter().any(|p| p.ends_with("orgs/CARD000001/server.pem")));
    assert_eq!(std::fs::read(&third.tls_ca_cert).unwrap(), ca_before);
    third.org("BANK000001").unwrap().client_identity().unwrap();
}

#[test]
fn half_a_ca_is_an_error_not_a_silent_replacement() {
    let pki = Pki::new();
    std::fs::remove_file(&pki.layout.tls_ca_key).unwrap();
    let err = init(pki.dir.path(), &[bank()], &[], now()).unwrap_err();
    assert!(matches!(&err, PkiError::InconsistentLayout { path, .. } if path.ends_with("tls-ca.key")), "{err}");
}

#[test]
fn org_certificates_carry_the_registration_number_and_the_right_usages() {
    let pki = Pki::new();
    let org = pki.layout.org("BANK000001").unwrap();
    let server_der = read_der(&org.server_cert);
    let client_der = read_der(&org.client_cert);

    for der in [&server_der, &client_der] {
        let peer = PeerIdentity::from_der(der).unwrap();
        assert_eq!(peer.serial_number(), Some(BANK_REGNO));
        assert_eq!(peer.common_name(), Some("Dev Bank"));
        assert!(peer.not_after() - peer.not_before() > time::Duration::days(700));
    }

    let eku = |der: &CertificateDer<'_>| {
        let (_, cert) = x509_parser::certificate::X509Certificate::from_der(der).unwrap();
        let eku = cert.extended_key_usage().unwrap().unwrap().value.clone();
        (eku.server_auth, eku.client_auth)
    };
    assert_eq!(eku(&server_der), (true, true));
    assert_eq!(eku(&client_der), (false, true));

    let (_, cert) = x509_parser::certificate::X509Certificate::from_der(&server_der).unwrap();
    let san = cert.subject_alternative_name().unwrap().unwrap();
    let names: Vec<String> = san.value.general_names.iter().map(|n| n.to_string()).collect();
    assert!(names.iter().any(|n| n.contains("localhost")), "{names:?}");
    assert!(
        san.value
            .general_names
            .iter()
            .any(|n| matches!(n, x509_parser::extensions::GeneralName::IPAddress(ip) if *ip == [127, 0, 0, 1])),
        "{names:?}"
    );
}

#[test]
fn jws_key_is_an_ecdsa_p256_pkcs8_key() {
    let pki = Pki::new();
    let pem = std::fs::read(&pki.layout.org("BANK000001").unwrap().jws_key).unwrap();
    let der = PrivatePkcs8KeyDer::from_pem_slice(&pem).unwrap();
    aws_lc_rs::signature::EcdsaKeyPair::from_pkcs8(
        &aws_lc_rs::signature::ECDSA_P256_SHA256_ASN1_SIGNING,
        der.secret_pkcs8_der(),
    )
    .unwrap();
}

#[test]
fn subject_certificate_binds_the_ci_and_verifies_against_the_subject_ca_only() {
    let pki = Pki::new();
    let files = pki.layout.subject("kim").unwrap();
    let der = read_der(&files.cert);

    assert_eq!(subject_ci_from_der(&der).unwrap().as_deref(), Some(KIM_CI));
    let peer = PeerIdentity::from_der(&der).unwrap();
    assert_eq!(peer.subject_ci(), Some(KIM_CI));
    assert_eq!(peer.common_name(), Some("Kim Demo"));
    assert_eq!(peer.serial_number(), None);
    assert!(!format!("{peer:?}").contains(KIM_CI), "Debug must not print the CI");

    // The extension is non-critical and carries the documented OID.
    let (_, cert) = x509_parser::certificate::X509Certificate::from_der(&der).unwrap();
    let ext = cert.extensions().iter().find(|e| dotted(e.oid.as_bytes()) == CI_EXTENSION_OID).unwrap();
    assert!(!ext.critical);
    assert!(matches!(ext.parsed_extension(), ParsedExtension::UnsupportedExtension { .. }));
    assert!(cert.extended_key_usage().unwrap().is_none());
    let ku = cert.key_usage().unwrap().unwrap().value;
    assert!(ku.digital_signature() && ku.non_repudiation());

    // The signature covers the patched OID: webpki accepts it under the subject CA ...
    let verified = verify_subject_certificate(std::slice::from_ref(&der), &pki.layout.subject_trust().unwrap(), now());
    assert_eq!(verified.unwrap().subject_ci(), Some(KIM_CI));
    // ... but not under the TLS CA, and not after it expired.
    let wrong_ca = verify_subject_certificate(std::slice::from_ref(&der), &pki.trust(), now());
    assert!(matches!(wrong_ca, Err(PkiError::UnknownIssuer)), "{wrong_ca:?}");
    let later = now() + time::Duration::days(3 * 365);
    let expired = verify_subject_certificate(std::slice::from_ref(&der), &pki.layout.subject_trust().unwrap(), later);
    assert!(matches!(expired, Err(PkiError::Expired { .. })), "{expired:?}");

    // A single flipped byte in the CI breaks the signature.
    let mut tampered = der.to_vec();
    let at = tampered.windows(KIM_CI.len()).position(|w| w == KIM_CI.as_bytes()).unwrap();
    tampered[at] ^= 0x01;
    let tampered = CertificateDer::from(tampered);
    let bad = verify_subject_certificate(std::slice::from_ref(&tampered), &pki.layout.subject_trust().unwrap(), now());
    assert!(matches!(bad, Err(PkiError::BadSignature)), "{bad:?}");

    // The subject's key matches its certificate.
    Identity::from_pem_files(&files.cert, &files.key).unwrap();
}

#[test]
fn org_certificates_have_no_ci() {
    let pki = Pki::new();
    let der = read_der(&pki.layout.org("BANK000001").unwrap().client_cert);
    assert_eq!(subject_ci_from_der(&der).unwrap(), None);
}

#[test]
fn check_serial_names_both_values() {
    let pki = Pki::new();
    let peer = pki.client_identity("BANK000001").leaf().clone();
    peer.check_serial(BANK_REGNO).unwrap();
    let err = peer.check_serial("111-11-11111").unwrap_err();
    match &err {
        PkiError::WrongSerialNumber { expected, found } => {
            assert_eq!(expected, "111-11-11111");
            assert_eq!(found, BANK_REGNO);
        }
        other => panic!("expected WrongSerialNumber, got {other:?}"),
    }
    let message = err.to_string();
    assert!(message.contains("111-11-11111") && message.contains(BANK_REGNO), "{message}");

    let subject = PeerIdentity::from_der(&read_der(&pki.layout.subject("kim").unwrap().cert)).unwrap();
    assert!(matches!(subject.check_serial(BANK_REGNO), Err(PkiError::MissingSerialNumber { .. })));
}

#[test]
fn loading_errors_name_the_file_and_the_problem() {
    let pki = Pki::new();
    let bank = pki.layout.org("BANK000001").unwrap();
    let operator = pki.layout.org("OPER000001").unwrap();

    let missing = pki.dir.path().join("nope.pem");
    let err = Identity::from_pem_files(&missing, &bank.server_key).unwrap_err();
    assert!(matches!(&err, PkiError::Io { path, .. } if *path == missing), "{err}");

    let err = Identity::from_pem_files(&bank.server_cert, &bank.server_cert).unwrap_err();
    assert!(matches!(&err, PkiError::InvalidPem { path: Some(p), .. } if *p == bank.server_cert), "{err}");
    assert!(err.to_string().contains("server.pem") && err.to_string().contains("PRIVATE KEY"), "{err}");

    let err = Identity::from_pem_files(&bank.server_key, &bank.server_key).unwrap_err();
    assert!(err.to_string().contains("no CERTIFICATE block"), "{err}");

    let err = Identity::from_pem_files(&bank.server_cert, &operator.server_key).unwrap_err();
    assert!(matches!(&err, PkiError::KeyMismatch { path: Some(p) } if *p == operator.server_key), "{err}");

    let err = mydata_pki::TrustAnchors::from_pem_file(&bank.jws_key).unwrap_err();
    assert!(matches!(err, PkiError::InvalidPem { .. }), "{err}");
}

#[test]
fn bad_names_are_rejected_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let evil = OrgSpec::new("Evil", "../escape", "123-45-67890");
    let err = init(dir.path(), &[evil], &[], now()).unwrap_err();
    assert!(matches!(err, PkiError::InvalidName { kind: "org code", .. }), "{err}");

    let ca = DevCa::generate("CA", now()).unwrap();
    let bad_regno = OrgSpec::new("Bank", "B1", "123*45");
    assert!(matches!(ca.issue_tls_client(&bad_regno, Validity::leaf(now())), Err(PkiError::InvalidName { .. })));
    let bad_ci = SubjectSpec { name: "Lee".to_owned(), ci: "not base64!".to_owned(), username: "lee".to_owned() };
    let err = ca.issue_subject(&bad_ci, Validity::leaf(now())).unwrap_err();
    assert!(!err.to_string().contains("not base64!"), "the CI must not appear in errors: {err}");
}

#[test]
fn dev_ca_round_trips_through_save_and_load() {
    let dir = tempfile::tempdir().unwrap();
    let ca = DevCa::generate("Round Trip CA", now()).unwrap();
    let (cert, key) = (dir.path().join("ca.pem"), dir.path().join("ca.key"));
    ca.save(&cert, &key).unwrap();
    let loaded = DevCa::load(&cert, &key).unwrap();
    assert_eq!(loaded.cert_der(), ca.cert_der());

    // A CA loaded from disk issues certificates that chain to the saved certificate.
    let leaf = loaded.issue_subject(&kim(), Validity::leaf(now())).unwrap();
    verify_subject_certificate(std::slice::from_ref(leaf.cert_der()), &ca.trust_anchors().unwrap(), now()).unwrap();

    let other = DevCa::generate("Other", now()).unwrap();
    let other_key = dir.path().join("other.key");
    other.save(&dir.path().join("other.pem"), &other_key).unwrap();
    assert!(matches!(DevCa::load(&cert, &other_key), Err(PkiError::KeyMismatch { .. })));
}
