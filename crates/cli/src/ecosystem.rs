//! `ecosystem.json`: the manifest `mydata demo` writes for scripts and tests outside the code.
//!
//! This is a contract. Keys are only ever added, never renamed or removed, and `version` changes only
//! for an incompatible change (which we do not make).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The manifest format version.
pub const VERSION: u32 = 1;

/// The whole manifest.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Ecosystem {
    /// Format version (1).
    pub version: u32,
    /// The CA certificate that signs every TLS certificate.
    pub tls_ca: PathBuf,
    /// The certificate-authority root of subject certificates.
    pub subject_ca: PathBuf,
    /// Every running participant.
    pub participants: Vec<Participant>,
    /// The demo subjects.
    pub subjects: Vec<Subject>,
    /// The seed the synthetic data was generated from.
    pub seed: u64,
    /// The process id of the demo.
    pub pid: u32,
}

/// One organisation of the demo.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Participant {
    /// `hub`, `provider`, `operator` or `vault`.
    pub role: String,
    /// Display name.
    pub name: String,
    /// Organisation code.
    pub org_code: String,
    /// Industry of a provider (`bank`, `card`, …); `null` for other roles.
    pub industry: Option<String>,
    /// The mutual-TLS API base URL.
    pub api_url: String,
    /// The web-page base URL, if the participant serves pages.
    pub web_url: Option<String>,
    /// The admin (health/metrics) base URL.
    pub admin_url: Option<String>,
    /// The organisation's TLS certificate (usable as server and client identity).
    pub cert: PathBuf,
    /// Its private key.
    pub key: PathBuf,
    /// A client-only TLS certificate of the same organisation.
    pub client_cert: PathBuf,
    /// Its private key.
    pub client_key: PathBuf,
    /// The serialNumber in its certificates (the business registration number).
    pub serial_number: String,
    /// The directory holding its store.
    pub data_dir: PathBuf,
    /// Credentials for the hub's support APIs (지원-001).
    pub support: Option<Credentials>,
    /// An operator's registered services.
    pub services: Vec<Service>,
}

/// A client id and secret.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Credentials {
    /// Client id.
    pub client_id: String,
    /// Client secret.
    pub client_secret: String,
}

/// An operator service registered at the hub.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Service {
    /// Service name.
    pub name: String,
    /// Client id.
    pub client_id: String,
    /// Client secret.
    pub client_secret: String,
    /// Registered redirect URIs.
    pub redirect_uris: Vec<String>,
}

/// A demo subject.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Subject {
    /// Display name (synthetic).
    pub name: String,
    /// Base64 CI.
    pub ci: String,
    /// Login name used at every provider and at the operator.
    pub username: String,
    /// Password.
    pub password: String,
    /// TOTP secret (base32), or null.
    pub totp_secret: Option<String>,
    /// Subject certificate (PEM).
    pub cert: PathBuf,
    /// Its PKCS#8 private key (PEM).
    pub key: PathBuf,
}

impl Ecosystem {
    /// Writes the manifest atomically (temporary file + rename), so a reader never sees half of it.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let tmp = path.with_extension("json.tmp");
        let bytes = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(&tmp, path)
    }
}
