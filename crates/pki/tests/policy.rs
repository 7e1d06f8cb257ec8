//! The start-up policy assertions catch each weakened setting, by name.
#![expect(clippy::unwrap_used, reason = "test helpers panic on setup failure, like the tests themselves")]

mod common;

use std::sync::Arc;

use common::Pki;
use mydata_pki::{
    PkiError, assert_client_policy, assert_server_policy, client_config, crypto_provider, danger,
    install_default_provider, server_config,
};
use rustls::server::WebPkiClientVerifier;

fn failed_check(result: Result<(), PkiError>) -> &'static str {
    match result {
        Err(PkiError::Policy { check, .. }) => check,
        other => panic!("expected a policy violation, got {other:?}"),
    }
}

#[test]
fn provider_has_only_tls13_suites_and_installs_idempotently() {
    let provider = crypto_provider();
    assert_eq!(provider.cipher_suites.len(), 3);
    assert!(provider.cipher_suites.iter().all(|s| s.version() == &rustls::version::TLS13));
    install_default_provider();
    install_default_provider();
    let installed = rustls::crypto::CryptoProvider::get_default().unwrap();
    assert!(installed.cipher_suites.iter().all(|s| s.version() == &rustls::version::TLS13));
}

#[test]
fn server_config_passes_and_has_the_documented_settings() {
    let pki = Pki::new();
    let config = server_config(&pki.server_identity("BANK000001"), &pki.trust()).unwrap();
    assert_server_policy(&config).unwrap();
    assert_eq!(config.max_early_data_size, 0);
    assert_eq!(config.send_tls13_tickets, 0);
    assert_eq!(config.alpn_protocols, vec![b"h2".to_vec(), b"http/1.1".to_vec()]);
}

#[test]
fn early_data_is_caught() {
    let pki = Pki::new();
    let mut config = (*server_config(&pki.server_identity("BANK000001"), &pki.trust()).unwrap()).clone();
    config.max_early_data_size = 16_384;
    assert_eq!(failed_check(assert_server_policy(&config)), "no_early_data");
}

#[test]
fn tls12_suites_are_caught() {
    let pki = Pki::new();
    let identity = pki.server_identity("BANK000001");
    let verifier =
        WebPkiClientVerifier::builder_with_provider(pki.trust().root_store(), crypto_provider()).build().unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_client_cert_verifier(verifier)
        .with_single_cert(identity.chain().to_vec(), server_key(&pki))
        .unwrap();
    assert_eq!(failed_check(assert_server_policy(&config)), "tls13_only");
}

#[test]
fn optional_client_auth_is_caught() {
    let pki = Pki::new();
    let identity = pki.server_identity("BANK000001");
    let verifier = WebPkiClientVerifier::builder_with_provider(pki.trust().root_store(), crypto_provider())
        .allow_unauthenticated()
        .build()
        .unwrap();
    let config = rustls::ServerConfig::builder_with_provider(crypto_provider())
        .with_protocol_versions(&[&rustls::version::TLS13])
        .unwrap()
        .with_client_cert_verifier(verifier)
        .with_single_cert(identity.chain().to_vec(), server_key(&pki))
        .unwrap();
    assert_eq!(failed_check(assert_server_policy(&config)), "client_auth_required");
}

#[test]
fn danger_config_skips_client_auth_but_keeps_the_rest() {
    let pki = Pki::new();
    let config = danger::server_config_without_client_auth(&pki.server_identity("BANK000001")).unwrap();
    assert_eq!(config.max_early_data_size, 0);
    assert_eq!(failed_check(assert_server_policy(&config)), "client_auth_required");
}

#[test]
fn client_early_data_is_caught() {
    let pki = Pki::new();
    let mut config = client_config(None, &pki.trust()).unwrap();
    assert_client_policy(&config).unwrap();
    assert!(!config.enable_early_data);
    config.enable_early_data = true;
    assert_eq!(failed_check(assert_client_policy(&config)), "no_early_data");
}

fn server_key(pki: &Pki) -> rustls::pki_types::PrivateKeyDer<'static> {
    use rustls::pki_types::pem::PemObject as _;
    rustls::pki_types::PrivateKeyDer::from_pem_file(&pki.layout.org("BANK000001").unwrap().server_key).unwrap()
}
