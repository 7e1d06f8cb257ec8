//! Short, stable names for TLS handshake failures, for logs and metrics.
//!
//! The TLS listener logs `failure = %HandshakeFailure::from_io(&err)` for every refused connection, so operators
//! see *which* check refused a peer (`expired`, `unknown_issuer`, `no_client_certificate`, `protocol_version`, ...)
//! without reading rustls' debug output.
//!
//! On the server side the names describe the *client's* certificate. On the client side a fatal alert from the
//! server is mapped to the same names (an `unknown_ca` alert becomes `unknown_issuer`, `certificate_required`
//! becomes `no_client_certificate`, ...), so both ends of a refused connection log the same word.

use std::fmt;
use std::io;

use rustls::{AlertDescription, CertificateError, Error, PeerIncompatible};

/// Why a TLS handshake failed, as a short name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HandshakeFailure {
    /// The client presented no certificate, but mutual TLS requires one.
    NoClientCertificate,
    /// The certificate's validity period has ended.
    Expired,
    /// The certificate's validity period has not started yet.
    NotYetValid,
    /// The certificate does not chain to a trusted root.
    UnknownIssuer,
    /// A signature in the chain does not verify.
    BadSignature,
    /// The certificate is revoked.
    Revoked,
    /// Revocation status was required but could not be determined.
    RevocationStatusUnknown,
    /// The certificate's extended key usage does not allow this role (e.g. a server-only certificate used as a
    /// client certificate).
    WrongKeyUsage,
    /// The server certificate is not valid for the name the client connected to.
    NameMismatch,
    /// The certificate uses a signature algorithm that is not supported.
    UnsupportedSignatureAlgorithm,
    /// Some other problem with the certificate (bad encoding, unknown critical extension, ...).
    BadCertificate,
    /// The peer does not speak TLS 1.3.
    ProtocolVersion,
    /// No cipher suite in common (the peer offers no TLS 1.3 suite we allow).
    NoCommonCipherSuite,
    /// No application protocol (ALPN) in common.
    NoApplicationProtocol,
    /// Another incompatibility between the peers' TLS configurations.
    PeerIncompatible,
    /// The peer sent a fatal alert not covered by a more specific name.
    PeerAlert,
    /// Decryption or integrity check failed.
    DecryptError,
    /// The peer sent malformed or unexpected messages.
    ProtocolViolation,
    /// The transport failed (connection reset, timeout, end of file) before the handshake completed.
    Io,
    /// Anything else.
    Other,
}

impl HandshakeFailure {
    /// Maps a rustls error to its short name.
    pub fn from_rustls(err: &Error) -> Self {
        match err {
            Error::NoCertificatesPresented => Self::NoClientCertificate,
            Error::InvalidCertificate(cert) => Self::from_certificate_error(cert),
            Error::PeerIncompatible(p) => match p {
                PeerIncompatible::Tls12NotOffered
                | PeerIncompatible::Tls12NotOfferedOrEnabled
                | PeerIncompatible::SupportedVersionsExtensionRequired
                | PeerIncompatible::ServerDoesNotSupportTls12Or13
                | PeerIncompatible::ServerTlsVersionIsDisabledByOurConfig => Self::ProtocolVersion,
                PeerIncompatible::NoCipherSuitesInCommon => Self::NoCommonCipherSuite,
                _ => Self::PeerIncompatible,
            },
            Error::AlertReceived(alert) => Self::from_alert(*alert),
            Error::NoApplicationProtocol => Self::NoApplicationProtocol,
            Error::DecryptError => Self::DecryptError,
            Error::InappropriateMessage { .. }
            | Error::InappropriateHandshakeMessage { .. }
            | Error::InvalidMessage(_)
            | Error::PeerMisbehaved(_)
            | Error::PeerSentOversizedRecord => Self::ProtocolViolation,
            _ => Self::Other,
        }
    }

    /// Maps the `io::Error` returned by tokio-rustls' `accept`/`connect` to its short name: the wrapped rustls error
    /// if there is one, otherwise [`Io`](Self::Io).
    pub fn from_io(err: &io::Error) -> Self {
        match rustls_error(err) {
            Some(e) => Self::from_rustls(e),
            None => Self::Io,
        }
    }

    /// The short snake_case name, e.g. `"unknown_issuer"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NoClientCertificate => "no_client_certificate",
            Self::Expired => "expired",
            Self::NotYetValid => "not_yet_valid",
            Self::UnknownIssuer => "unknown_issuer",
            Self::BadSignature => "bad_signature",
            Self::Revoked => "revoked",
            Self::RevocationStatusUnknown => "revocation_status_unknown",
            Self::WrongKeyUsage => "wrong_key_usage",
            Self::NameMismatch => "name_mismatch",
            Self::UnsupportedSignatureAlgorithm => "unsupported_signature_algorithm",
            Self::BadCertificate => "bad_certificate",
            Self::ProtocolVersion => "protocol_version",
            Self::NoCommonCipherSuite => "no_common_cipher_suite",
            Self::NoApplicationProtocol => "no_application_protocol",
            Self::PeerIncompatible => "peer_incompatible",
            Self::PeerAlert => "peer_alert",
            Self::DecryptError => "decrypt_error",
            Self::ProtocolViolation => "protocol_violation",
            Self::Io => "io",
            Self::Other => "other",
        }
    }

    fn from_certificate_error(err: &CertificateError) -> Self {
        match err {
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => Self::Expired,
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => Self::NotYetValid,
            CertificateError::UnknownIssuer => Self::UnknownIssuer,
            CertificateError::BadSignature => Self::BadSignature,
            CertificateError::Revoked => Self::Revoked,
            CertificateError::UnknownRevocationStatus
            | CertificateError::ExpiredRevocationList
            | CertificateError::ExpiredRevocationListContext { .. } => Self::RevocationStatusUnknown,
            CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => Self::WrongKeyUsage,
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => Self::NameMismatch,
            CertificateError::UnsupportedSignatureAlgorithmContext { .. }
            | CertificateError::UnsupportedSignatureAlgorithmForPublicKeyContext { .. } => {
                Self::UnsupportedSignatureAlgorithm
            }
            _ => Self::BadCertificate,
        }
    }

    fn from_alert(alert: AlertDescription) -> Self {
        match alert {
            AlertDescription::CertificateRequired => Self::NoClientCertificate,
            AlertDescription::CertificateExpired => Self::Expired,
            AlertDescription::UnknownCA => Self::UnknownIssuer,
            AlertDescription::CertificateRevoked => Self::Revoked,
            AlertDescription::BadCertificate
            | AlertDescription::UnsupportedCertificate
            | AlertDescription::CertificateUnknown => Self::BadCertificate,
            AlertDescription::ProtocolVersion => Self::ProtocolVersion,
            AlertDescription::NoApplicationProtocol => Self::NoApplicationProtocol,
            AlertDescription::DecryptError => Self::DecryptError,
            _ => Self::PeerAlert,
        }
    }
}

impl fmt::Display for HandshakeFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&Error> for HandshakeFailure {
    fn from(err: &Error) -> Self {
        Self::from_rustls(err)
    }
}

/// The short name of a rustls handshake error, e.g. `"expired"` or `"no_client_certificate"`.
pub fn describe_handshake_error(err: &Error) -> &'static str {
    HandshakeFailure::from_rustls(err).as_str()
}

/// The rustls error inside an `io::Error` from tokio-rustls, if there is one.
pub fn rustls_error(err: &io::Error) -> Option<&Error> {
    err.get_ref().and_then(|inner| inner.downcast_ref::<Error>())
}
