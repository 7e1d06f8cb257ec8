//! The crate's one error type.
//!
//! Every variant names the check that failed, so a log line or a test assertion says *what* went wrong
//! (`Expired`, `WrongSerialNumber`, ...) rather than only that something did.

use std::io;
use std::path::{Path, PathBuf};

use rustls_pki_types::UnixTime;
use time::OffsetDateTime;

use crate::handshake::HandshakeFailure;

/// Everything that can go wrong in `mydata-pki`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PkiError {
    /// A file could not be read, written or created.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory concerned.
        path: PathBuf,
        /// The operating-system error.
        #[source]
        source: io::Error,
    },

    /// PEM input was malformed or did not hold what was expected (no certificate, no private key, ...).
    #[error("invalid PEM in {}: {problem}", origin(path.as_deref()))]
    InvalidPem {
        /// The file the PEM came from; `None` for PEM passed in memory.
        path: Option<PathBuf>,
        /// What was wrong with it.
        problem: String,
    },

    /// A private key does not belong to the certificate it was loaded with.
    #[error("private key in {} does not match the certificate's public key", origin(path.as_deref()))]
    KeyMismatch {
        /// The key file; `None` for PEM passed in memory.
        path: Option<PathBuf>,
    },

    /// A certificate could not be parsed as X.509, or one of its fields is malformed.
    #[error("invalid certificate: {problem}")]
    InvalidCertificate {
        /// What was wrong with it.
        problem: String,
    },

    /// The certificate's validity period ended before `now`.
    #[error("certificate expired: not after {not_after}, now {now}")]
    Expired {
        /// The end of the validity period.
        not_after: OffsetDateTime,
        /// The time of the check.
        now: OffsetDateTime,
    },

    /// The certificate's validity period starts after `now`.
    #[error("certificate not yet valid: not before {not_before}, now {now}")]
    NotYetValid {
        /// The start of the validity period.
        not_before: OffsetDateTime,
        /// The time of the check.
        now: OffsetDateTime,
    },

    /// The certificate does not chain to any trusted root.
    #[error("certificate issued by an unknown (untrusted) certificate authority")]
    UnknownIssuer,

    /// A signature in the certificate chain did not verify.
    #[error("bad signature in the certificate chain")]
    BadSignature,

    /// The certificate was revoked.
    #[error("certificate revoked")]
    Revoked,

    /// The client did not present a certificate although mutual TLS requires one.
    #[error("no client certificate presented (mutual TLS required)")]
    NoClientCertificate,

    /// The peer does not speak TLS 1.3 (the only version this platform accepts).
    #[error("peer does not support TLS 1.3 (protocol version refused)")]
    UnsupportedProtocolVersion,

    /// The certificate's subject serialNumber (OID 2.5.4.5) is not the registered one.
    #[error("certificate serialNumber mismatch: expected {expected:?}, found {found:?}")]
    WrongSerialNumber {
        /// The value registered for the organisation.
        expected: String,
        /// The value in the certificate.
        found: String,
    },

    /// The certificate's subject has no serialNumber attribute (OID 2.5.4.5) at all.
    #[error("certificate has no subject serialNumber (expected {expected:?})")]
    MissingSerialNumber {
        /// The value registered for the organisation.
        expected: String,
    },

    /// A TLS handshake failed for a reason without a dedicated variant.
    #[error("TLS handshake failed ({failure}): {source}")]
    Handshake {
        /// The short name of the failure, for logs and metrics.
        failure: HandshakeFailure,
        /// The underlying rustls error.
        #[source]
        source: rustls::Error,
    },

    /// A TLS configuration violates the platform's transport policy (DESIGN §4 "Transport").
    #[error("TLS policy violated ({check}): {detail}")]
    Policy {
        /// The name of the check that failed, e.g. `tls13_only`, `no_early_data`, `client_auth_required`.
        check: &'static str,
        /// What was found.
        detail: String,
    },

    /// rustls refused to build a configuration.
    #[error("cannot build TLS configuration ({context}): {source}")]
    Tls {
        /// The step that failed.
        context: &'static str,
        /// The underlying rustls error.
        #[source]
        source: rustls::Error,
    },

    /// The client-certificate verifier could not be built (e.g. no usable trust anchor).
    #[error("cannot build the client-certificate verifier: {source}")]
    Verifier {
        /// The underlying rustls error.
        #[source]
        source: rustls::server::VerifierBuilderError,
    },

    /// Generating a key or certificate failed.
    #[error("cannot generate {what}: {source}")]
    Generate {
        /// What was being generated.
        what: String,
        /// The underlying rcgen error.
        #[source]
        source: rcgen::Error,
    },

    /// A name used in the development PKI (org code, username, CI, DNS name) is not acceptable.
    #[error("invalid {kind} {value:?}: {problem}")]
    InvalidName {
        /// Which kind of name.
        kind: &'static str,
        /// The rejected value.
        value: String,
        /// Why it was rejected.
        problem: &'static str,
    },

    /// The development PKI directory is in a state `init` will not repair on its own.
    #[error("inconsistent development PKI at {}: {problem}", path.display())]
    InconsistentLayout {
        /// The offending file.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
}

impl PkiError {
    /// Maps a handshake error from rustls to the variant that names the failed check.
    ///
    /// Certificate problems become [`Expired`](Self::Expired), [`UnknownIssuer`](Self::UnknownIssuer), ...;
    /// a missing client certificate becomes [`NoClientCertificate`](Self::NoClientCertificate); a peer without
    /// TLS 1.3 becomes [`UnsupportedProtocolVersion`](Self::UnsupportedProtocolVersion). Anything else is kept in
    /// [`Handshake`](Self::Handshake) together with its [`HandshakeFailure`] name.
    pub fn from_handshake(err: rustls::Error) -> Self {
        use rustls::CertificateError as C;
        if let rustls::Error::InvalidCertificate(cert) = &err {
            match cert {
                C::ExpiredContext { time, not_after } => {
                    return Self::Expired { not_after: unix_to_datetime(*not_after), now: unix_to_datetime(*time) };
                }
                C::NotValidYetContext { time, not_before } => {
                    return Self::NotYetValid {
                        not_before: unix_to_datetime(*not_before),
                        now: unix_to_datetime(*time),
                    };
                }
                _ => {}
            }
        }
        match HandshakeFailure::from_rustls(&err) {
            HandshakeFailure::UnknownIssuer => Self::UnknownIssuer,
            HandshakeFailure::BadSignature => Self::BadSignature,
            HandshakeFailure::Revoked => Self::Revoked,
            HandshakeFailure::NoClientCertificate => Self::NoClientCertificate,
            HandshakeFailure::ProtocolVersion => Self::UnsupportedProtocolVersion,
            failure => Self::Handshake { failure, source: err },
        }
    }

    pub(crate) fn io(path: &Path, source: io::Error) -> Self {
        Self::Io { path: path.to_path_buf(), source }
    }

    pub(crate) fn pem(path: Option<&Path>, problem: impl Into<String>) -> Self {
        Self::InvalidPem { path: path.map(Path::to_path_buf), problem: problem.into() }
    }

    pub(crate) fn cert(problem: impl Into<String>) -> Self {
        Self::InvalidCertificate { problem: problem.into() }
    }

    pub(crate) fn generate(what: impl Into<String>, source: rcgen::Error) -> Self {
        Self::Generate { what: what.into(), source }
    }

    pub(crate) fn policy(check: &'static str, detail: impl Into<String>) -> Self {
        Self::Policy { check, detail: detail.into() }
    }
}

fn origin(path: Option<&Path>) -> String {
    match path {
        Some(p) => p.display().to_string(),
        None => "in-memory PEM".to_owned(),
    }
}

/// Converts a rustls/webpki time to an `OffsetDateTime` (saturating at the Unix epoch).
pub(crate) fn unix_to_datetime(t: UnixTime) -> OffsetDateTime {
    i64::try_from(t.as_secs())
        .ok()
        .and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok())
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// Converts an `OffsetDateTime` to the time type webpki uses (instants before 1970 clamp to the epoch).
pub(crate) fn datetime_to_unix(t: OffsetDateTime) -> UnixTime {
    UnixTime::since_unix_epoch(std::time::Duration::from_secs(u64::try_from(t.unix_timestamp()).unwrap_or(0)))
}
