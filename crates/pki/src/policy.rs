//! Start-up assertions of the transport policy (DESIGN §4 "Transport", spec §1.1).
//!
//! rustls does not expose every setting of a finished configuration (the protocol versions and the client
//! verifier are private), so [`assert_server_policy`] checks what it can read directly and then *probes* the
//! configuration: it runs two handshakes in memory against it.
//!
//! 1. A TLS 1.2-only client must be refused.
//! 2. A client offering TLS 1.2 and 1.3 but presenting no certificate must get TLS 1.3 and then be refused with
//!    "no certificate presented".
//!
//! The probe client accepts any server certificate (it only observes the server's behaviour and sends no data); it
//! lives in this private module and is never handed out.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, aws_lc_rs};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    ClientConfig, ClientConnection, DigitallySignedStruct, KeyLog, ProtocolVersion, ServerConfig, ServerConnection,
    SignatureScheme, SupportedCipherSuite,
};

use crate::error::PkiError;

/// Checks a server configuration against the transport policy; fails with [`PkiError::Policy`] naming the check:
///
/// - `tls13_only`: only TLS 1.3 cipher suites, and a TLS 1.2 client is refused;
/// - `no_early_data`: `max_early_data_size == 0` and no half-RTT data;
/// - `no_key_log`: TLS secrets are not logged;
/// - `client_auth_required`: a client without a certificate is refused.
///
/// [`server_config`](crate::server_config) calls it before returning; call it again on any configuration that was
/// modified afterwards.
pub fn assert_server_policy(config: &ServerConfig) -> Result<(), PkiError> {
    check_server_fields(config)?;
    let config = Arc::new(config.clone());
    probe_refuses_tls12(&config)?;
    match probe(&config, both_versions_client()?)? {
        Outcome::ServerError { version, error } => {
            check_negotiated_tls13(version)?;
            if matches!(error, rustls::Error::NoCertificatesPresented) {
                Ok(())
            } else {
                Err(PkiError::policy("client_auth_required", format!("probe ended with an unexpected error: {error}")))
            }
        }
        Outcome::Completed { .. } => {
            Err(PkiError::policy("client_auth_required", "a client without a certificate completed the handshake"))
        }
        Outcome::ClientError(error) => {
            Err(PkiError::policy("client_auth_required", format!("probe failed on the client side: {error}")))
        }
    }
}

/// Like [`assert_server_policy`] but for a server that deliberately does not ask for client certificates
/// ([`crate::danger`]): every check except `client_auth_required`, and a certificate-less TLS 1.3 client must
/// complete the handshake.
pub(crate) fn assert_server_policy_without_client_auth(config: &ServerConfig) -> Result<(), PkiError> {
    check_server_fields(config)?;
    let config = Arc::new(config.clone());
    probe_refuses_tls12(&config)?;
    match probe(&config, both_versions_client()?)? {
        Outcome::Completed { version } => check_negotiated_tls13(version),
        Outcome::ServerError { error, .. } | Outcome::ClientError(error) => {
            Err(PkiError::policy("handshake", format!("probe handshake failed: {error}")))
        }
    }
}

/// Checks a client configuration: only TLS 1.3 cipher suites (`tls13_only`), early data off (`no_early_data`),
/// TLS secrets not logged (`no_key_log`).
pub fn assert_client_policy(config: &ClientConfig) -> Result<(), PkiError> {
    check_suites(config.crypto_provider())?;
    if config.enable_early_data {
        return Err(PkiError::policy("no_early_data", "enable_early_data is true"));
    }
    check_key_log(config.key_log.as_ref())
}

fn check_server_fields(config: &ServerConfig) -> Result<(), PkiError> {
    check_suites(config.crypto_provider())?;
    if config.max_early_data_size != 0 {
        return Err(PkiError::policy(
            "no_early_data",
            format!("max_early_data_size is {}, must be 0", config.max_early_data_size),
        ));
    }
    if config.send_half_rtt_data {
        return Err(PkiError::policy("no_early_data", "send_half_rtt_data is true"));
    }
    check_key_log(config.key_log.as_ref())
}

fn check_suites(provider: &CryptoProvider) -> Result<(), PkiError> {
    if provider.cipher_suites.is_empty() {
        return Err(PkiError::policy("tls13_only", "no cipher suite enabled"));
    }
    let not_tls13: Vec<String> = provider
        .cipher_suites
        .iter()
        .filter(|s| !matches!(s, SupportedCipherSuite::Tls13(_)))
        .map(|s| format!("{:?}", s.suite()))
        .collect();
    if not_tls13.is_empty() {
        Ok(())
    } else {
        Err(PkiError::policy("tls13_only", format!("non-TLS 1.3 cipher suites enabled: {}", not_tls13.join(", "))))
    }
}

fn check_key_log(key_log: &dyn KeyLog) -> Result<(), PkiError> {
    if key_log.will_log("CLIENT_HANDSHAKE_TRAFFIC_SECRET") {
        Err(PkiError::policy("no_key_log", "a key log is configured and active"))
    } else {
        Ok(())
    }
}

fn check_negotiated_tls13(version: Option<ProtocolVersion>) -> Result<(), PkiError> {
    match version {
        Some(ProtocolVersion::TLSv1_3) => Ok(()),
        other => Err(PkiError::policy("tls13_only", format!("probe negotiated {other:?} instead of TLS 1.3"))),
    }
}

fn probe_refuses_tls12(config: &Arc<ServerConfig>) -> Result<(), PkiError> {
    let client = probe_client(&[&rustls::version::TLS12])?;
    match probe(config, client)? {
        Outcome::Completed { version } => {
            Err(PkiError::policy("tls13_only", format!("a TLS 1.2-only client completed a handshake ({version:?})")))
        }
        Outcome::ServerError { .. } | Outcome::ClientError(_) => Ok(()),
    }
}

fn both_versions_client() -> Result<Arc<ClientConfig>, PkiError> {
    probe_client(&[&rustls::version::TLS13, &rustls::version::TLS12])
}

/// A client with aws-lc-rs' full default suite list (TLS 1.2 included), the given versions, no certificate.
fn probe_client(versions: &[&'static rustls::SupportedProtocolVersion]) -> Result<Arc<ClientConfig>, PkiError> {
    let provider = Arc::new(aws_lc_rs::default_provider());
    let config = ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_protocol_versions(versions)
        .map_err(|source| PkiError::Tls { context: "policy probe client", source })?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(ObserveOnly(provider)))
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// How an in-memory probe handshake ended.
enum Outcome {
    /// Both sides finished the handshake.
    Completed { version: Option<ProtocolVersion> },
    /// The server refused; `version` is what it had negotiated by then.
    ServerError { version: Option<ProtocolVersion>, error: rustls::Error },
    /// The client gave up first.
    ClientError(rustls::Error),
}

/// Runs one handshake between `client` and a fresh connection of `server`, entirely in memory.
fn probe(server: &Arc<ServerConfig>, client: Arc<ClientConfig>) -> Result<Outcome, PkiError> {
    let tls = |source| PkiError::Tls { context: "policy probe", source };
    let name = ServerName::try_from("policy-probe.invalid")
        .map_err(|e| PkiError::policy("probe", format!("probe server name: {e}")))?;
    let mut client = ClientConnection::new(client, name).map_err(tls)?;
    let mut server = ServerConnection::new(Arc::clone(server)).map_err(tls)?;
    for _ in 0..16 {
        if let Err(error) = pump(&mut *client, &mut *server)? {
            return Ok(Outcome::ServerError { version: server.protocol_version(), error });
        }
        if let Err(error) = pump(&mut *server, &mut *client)? {
            return Ok(Outcome::ClientError(error));
        }
        if !client.is_handshaking() && !server.is_handshaking() {
            return Ok(Outcome::Completed { version: server.protocol_version() });
        }
    }
    Err(PkiError::policy("probe", "the probe handshake did not finish"))
}

/// Moves every pending TLS record from `from` to `to`; the inner result is `to`'s processing error, if any.
fn pump<A, B>(
    from: &mut rustls::ConnectionCommon<A>,
    to: &mut rustls::ConnectionCommon<B>,
) -> Result<Result<(), rustls::Error>, PkiError> {
    let io = |e: std::io::Error| PkiError::policy("probe", format!("in-memory transfer failed: {e}"));
    let mut buf = Vec::new();
    while from.wants_write() {
        from.write_tls(&mut buf).map_err(io)?;
    }
    let mut rest = buf.as_slice();
    while !rest.is_empty() {
        if to.read_tls(&mut rest).map_err(io)? == 0 {
            return Err(PkiError::policy("probe", "peer stopped reading"));
        }
        if let Err(e) = to.process_new_packets() {
            return Ok(Err(e));
        }
    }
    Ok(Ok(()))
}

/// The probe client's verifier: accepts whatever the server presents. Only used against in-memory connections to
/// observe how a server configuration behaves; never part of a configuration that carries data.
#[derive(Debug)]
struct ObserveOnly(Arc<CryptoProvider>);

impl ServerCertVerifier for ObserveOnly {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }

    fn verify_tls13_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
