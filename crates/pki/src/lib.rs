//! Certificates and TLS policy of the MyData platform.
//!
//! This crate alone decides how the platform speaks TLS (DESIGN §4 "Transport", spec §1.1):
//!
//! - one crypto provider, aws-lc-rs with TLS 1.3 suites only ([`crypto_provider`], [`install_default_provider`]);
//! - [`server_config`]: TLS 1.3 only, client certificate **required**, no 0-RTT, checked by
//!   [`assert_server_policy`] before it is returned;
//! - [`client_config`] and [`reqwest_client_builder`]: TLS 1.3 only, no early data, presenting the organisation's
//!   certificate;
//! - [`PeerIdentity`]: the serialNumber, subject, thumbprint (RFC 8705 `x5t#S256`) and subject CI of a peer's
//!   certificate, with [`PeerIdentity::check_serial`];
//! - [`HandshakeFailure`]: short names for refused handshakes (`expired`, `unknown_issuer`, ...);
//! - [`dev`]: the development PKI (two CAs, organisation and subject certificates) behind `mydata pki init`.
//!
//! Anything that weakens the policy lives in [`danger`].
//!
//! # Example
//!
//! ```
//! use mydata_pki::dev::{DevCa, OrgSpec, Validity};
//! use mydata_pki::{PeerIdentity, client_config, server_config};
//! # fn main() -> Result<(), mydata_pki::PkiError> {
//! # let now = time::macros::datetime!(2026-01-01 00:00 UTC); // callers use mydata_core::Clock
//! let ca = DevCa::generate("Example TLS CA", now)?;
//! let bank = OrgSpec::new("Example Bank", "A100000001", "123-45-67890");
//! let server = ca.issue_tls_server(&bank, Validity::leaf(now))?.identity()?;
//! let client = ca.issue_tls_client(&bank, Validity::leaf(now))?.identity()?;
//!
//! let trust = ca.trust_anchors()?;
//! let _server_config = server_config(&server, &trust)?; // mTLS, TLS 1.3 only, asserted
//! let _client_config = client_config(Some(&client), &trust)?;
//!
//! let peer = PeerIdentity::from_der(&client.chain()[0])?;
//! peer.check_serial("123-45-67890")?;
//! assert!(peer.check_serial("999-99-99999").is_err());
//! # Ok(())
//! # }
//! ```

mod config;
pub mod danger;
mod der;
pub mod dev;
mod error;
mod handshake;
mod identity;
mod peer;
mod policy;
mod provider;

pub use crate::config::{ALPN_PROTOCOLS, client_config, reqwest_client_builder, server_config};
pub use crate::error::PkiError;
pub use crate::handshake::{HandshakeFailure, describe_handshake_error, rustls_error};
pub use crate::identity::{Identity, TrustAnchors};
pub use crate::peer::{
    CI_EXTENSION_OID, CI_EXTENSION_UUID, PeerIdentity, subject_ci_from_der, verify_subject_certificate,
};
pub use crate::policy::{assert_client_policy, assert_server_policy};
pub use crate::provider::{crypto_provider, install_default_provider};
