//! Configurations that deliberately weaken the transport policy. Every use must be justified where it is called.
//!
//! The platform's rule (DESIGN §4 "Transport") is mutual TLS between organisations. Some listeners, however, are
//! reached by *people* with a browser, who have no organisation certificate: the provider's login and
//! asset-selection screens (individual authentication, spec `authorize`), the operator's subject portal and the
//! hub's signing page. Outside demo mode (where such pages may run on plain HTTP on loopback), they still need TLS,
//! and only this module offers it.
//!
//! What stays the same as [`server_config`](crate::server_config): TLS 1.3 only, no 0-RTT, no resumption, and ALPN
//! `h2` and `http/1.1`. What is dropped: the client certificate. Never serve an inter-organisation API (sector,
//! support, token endpoints called by operators) from such a listener: those handlers rely on
//! [`PeerIdentity`](crate::PeerIdentity) for the serialNumber check.

use std::sync::Arc;

use rustls::ServerConfig;
use rustls::sign::SingleCertAndKey;

use crate::config::{TLS13_ONLY, harden_server};
use crate::error::PkiError;
use crate::identity::Identity;
use crate::policy::assert_server_policy_without_client_auth;
use crate::provider::crypto_provider;

/// A server configuration for human-facing pages: TLS 1.3 only, no 0-RTT, **no client certificate**.
///
/// Checked at build time like [`server_config`](crate::server_config), except that a client without a certificate
/// must be able to connect.
pub fn server_config_without_client_auth(identity: &Identity) -> Result<Arc<ServerConfig>, PkiError> {
    let config = ServerConfig::builder_with_provider(crypto_provider())
        .with_protocol_versions(TLS13_ONLY)
        .map_err(|source| PkiError::Tls { context: "server protocol versions", source })?
        .with_no_client_auth()
        .with_cert_resolver(Arc::new(SingleCertAndKey::from(identity.certified_key())));
    let config = Arc::new(harden_server(config));
    assert_server_policy_without_client_auth(&config)?;
    Ok(config)
}
