//! The one cryptographic provider of the platform: aws-lc-rs, TLS 1.3 cipher suites only.
//!
//! Every TLS configuration in the workspace is built from [`crypto_provider`]; [`install_default_provider`] is the
//! only place that installs a process-wide default (for libraries that build their own rustls configs, such as
//! sqlx). No other crate calls `CryptoProvider::install_default`.

use std::sync::{Arc, OnceLock};

use rustls::crypto::CryptoProvider;
use rustls::crypto::aws_lc_rs::{self, cipher_suite};

/// The cipher suites we allow, in order of preference: the three TLS 1.3 suites of RFC 8446.
///
/// TLS 1.2 suites are left out on purpose, so that even a configuration built without an explicit version list
/// cannot negotiate TLS 1.2 (the standard requires TLS 1.3; DESIGN §4 "Transport").
static TLS13_SUITES: &[rustls::SupportedCipherSuite] = &[
    cipher_suite::TLS13_AES_256_GCM_SHA384,
    cipher_suite::TLS13_AES_128_GCM_SHA256,
    cipher_suite::TLS13_CHACHA20_POLY1305_SHA256,
];

/// The platform's crypto provider: aws-lc-rs with only the TLS 1.3 cipher suites.
///
/// Key-exchange groups, signature algorithms and the random source are aws-lc-rs' defaults (X25519, P-256, P-384
/// and the X25519MLKEM768 hybrid). The value is built once and shared.
pub fn crypto_provider() -> Arc<CryptoProvider> {
    static PROVIDER: OnceLock<Arc<CryptoProvider>> = OnceLock::new();
    Arc::clone(PROVIDER.get_or_init(|| {
        Arc::new(CryptoProvider { cipher_suites: TLS13_SUITES.to_vec(), ..aws_lc_rs::default_provider() })
    }))
}

/// Installs [`crypto_provider`] as the process-wide default rustls provider.
///
/// Idempotent: if a default is already installed (by an earlier call), nothing happens. Call it once at start-up,
/// before anything builds a TLS configuration.
pub fn install_default_provider() {
    if CryptoProvider::get_default().is_none() {
        // A concurrent call may win the race; that one installed the same provider, so the error is ignored.
        let _already_installed = CryptoProvider::install_default((*crypto_provider()).clone());
    }
}
