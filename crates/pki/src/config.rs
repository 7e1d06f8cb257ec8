//! The rustls configurations of the platform (DESIGN §4 "Transport").
//!
//! | property | server ([`server_config`]) | client ([`client_config`]) |
//! |---|---|---|
//! | protocol | TLS 1.3 only | TLS 1.3 only |
//! | cipher suites | the three TLS 1.3 suites ([`crate::provider`]) | same |
//! | client certificate | **required**, verified against `client_trust` | presented when an [`Identity`] is given |
//! | 0-RTT / early data | off (`max_early_data_size = 0`) | off (`enable_early_data = false`) |
//! | session resumption | off (no tickets, no session cache): every connection is a full handshake, so every connection re-verifies the client certificate (expiry, issuer) | - |
//! | ALPN | `h2`, `http/1.1` | `h2`, `http/1.1` |
//!
//! Both configurations are checked by [`assert_server_policy`] / [`assert_client_policy`] before they are returned.

use std::sync::Arc;

use rustls::server::{NoServerSessionStorage, WebPkiClientVerifier};
use rustls::sign::SingleCertAndKey;
use rustls::{ClientConfig, ServerConfig};

use crate::error::PkiError;
use crate::identity::{Identity, TrustAnchors};
use crate::policy::{assert_client_policy, assert_server_policy};
use crate::provider::crypto_provider;

/// The application protocols offered and accepted, in order of preference.
pub const ALPN_PROTOCOLS: [&[u8]; 2] = [b"h2", b"http/1.1"];

/// The only protocol version the platform speaks.
pub(crate) static TLS13_ONLY: &[&rustls::SupportedProtocolVersion] = &[&rustls::version::TLS13];

/// The server configuration for inter-organisation APIs: TLS 1.3 only, client certificate required (chaining to
/// `client_trust`), no 0-RTT, no resumption, ALPN `h2` + `http/1.1`.
///
/// The result has passed [`assert_server_policy`]. The listener reads the peer with
/// [`PeerIdentity::from_connection`](crate::PeerIdentity::from_connection) after the handshake and checks its
/// serialNumber against the registry.
pub fn server_config(identity: &Identity, client_trust: &TrustAnchors) -> Result<Arc<ServerConfig>, PkiError> {
    let provider = crypto_provider();
    let verifier = WebPkiClientVerifier::builder_with_provider(client_trust.root_store(), Arc::clone(&provider))
        .build()
        .map_err(|source| PkiError::Verifier { source })?;
    let config = ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(TLS13_ONLY)
        .map_err(|source| PkiError::Tls { context: "server protocol versions", source })?
        .with_client_cert_verifier(verifier)
        .with_cert_resolver(Arc::new(SingleCertAndKey::from(identity.certified_key())));
    let config = Arc::new(harden_server(config));
    assert_server_policy(&config)?;
    Ok(config)
}

/// Applies the settings shared by every server configuration of the crate.
pub(crate) fn harden_server(mut config: ServerConfig) -> ServerConfig {
    config.alpn_protocols = alpn();
    config.max_early_data_size = 0;
    config.send_half_rtt_data = false;
    config.send_tls13_tickets = 0;
    config.session_storage = Arc::new(NoServerSessionStorage {});
    config
}

/// The client configuration for calling other organisations: TLS 1.3 only, server verified against `trust`, the
/// organisation's certificate presented when `identity` is given, no early data, ALPN `h2` + `http/1.1`.
///
/// The result has passed [`assert_client_policy`].
pub fn client_config(identity: Option<&Identity>, trust: &TrustAnchors) -> Result<ClientConfig, PkiError> {
    let builder = ClientConfig::builder_with_provider(crypto_provider())
        .with_protocol_versions(TLS13_ONLY)
        .map_err(|source| PkiError::Tls { context: "client protocol versions", source })?
        .with_root_certificates(trust.root_store());
    let mut config = match identity {
        Some(identity) => builder.with_client_cert_resolver(Arc::new(SingleCertAndKey::from(identity.certified_key()))),
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = alpn();
    config.enable_early_data = false;
    assert_client_policy(&config)?;
    Ok(config)
}

/// A reqwest client builder that speaks the platform's TLS policy and presents `identity` (the organisation's
/// client certificate) to servers trusted through `trust`.
///
/// It uses [`client_config`] as reqwest's pre-configured rustls backend, so reqwest adds nothing of its own (no
/// platform verifier, no extra roots). `https_only` is on. Callers add timeouts, user agent, etc. and call
/// `build()`.
pub fn reqwest_client_builder(identity: &Identity, trust: &TrustAnchors) -> Result<reqwest::ClientBuilder, PkiError> {
    let tls = client_config(Some(identity), trust)?;
    Ok(reqwest::Client::builder().tls_backend_preconfigured(tls).https_only(true))
}

fn alpn() -> Vec<Vec<u8>> {
    ALPN_PROTOCOLS.iter().map(|p| p.to_vec()).collect()
}
