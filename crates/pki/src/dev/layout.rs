//! The on-disk layout of the development PKI (documented in [`crate::dev`]) and the idempotent [`init`].

use std::fs::{self, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use time::OffsetDateTime;

use super::{DevCa, OrgSpec, SubjectSpec, Validity, generate_jws_key};
use crate::error::PkiError;
use crate::identity::{Identity, TrustAnchors};

/// Paths of a development PKI directory (see the [layout](crate::dev#files)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DevPkiLayout {
    /// The root directory `D`.
    pub dir: PathBuf,
    /// `D/tls-ca.pem`.
    pub tls_ca_cert: PathBuf,
    /// `D/tls-ca.key`.
    pub tls_ca_key: PathBuf,
    /// `D/subject-ca.pem`.
    pub subject_ca_cert: PathBuf,
    /// `D/subject-ca.key`.
    pub subject_ca_key: PathBuf,
    /// One entry per organisation, in the order given to [`init`].
    pub orgs: Vec<OrgFiles>,
    /// One entry per subject, in the order given to [`init`].
    pub subjects: Vec<SubjectFiles>,
    /// Files the last [`init`] created (empty when everything already existed).
    pub created: Vec<PathBuf>,
}

impl DevPkiLayout {
    /// The CA paths of directory `dir`, with no organisations or subjects (nothing is read or written).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        let dir = dir.into();
        Self {
            tls_ca_cert: dir.join("tls-ca.pem"),
            tls_ca_key: dir.join("tls-ca.key"),
            subject_ca_cert: dir.join("subject-ca.pem"),
            subject_ca_key: dir.join("subject-ca.key"),
            dir,
            orgs: Vec::new(),
            subjects: Vec::new(),
            created: Vec::new(),
        }
    }

    /// The files of organisation `org_code`, if it was part of the [`init`].
    pub fn org(&self, org_code: &str) -> Option<&OrgFiles> {
        self.orgs.iter().find(|o| o.org_code == org_code)
    }

    /// The files of subject `username`, if it was part of the [`init`].
    pub fn subject(&self, username: &str) -> Option<&SubjectFiles> {
        self.subjects.iter().find(|s| s.username == username)
    }

    /// The TLS CA as trust anchors.
    pub fn tls_trust(&self) -> Result<TrustAnchors, PkiError> {
        TrustAnchors::from_pem_file(&self.tls_ca_cert)
    }

    /// The subject-certificate CA as trust anchors.
    pub fn subject_trust(&self) -> Result<TrustAnchors, PkiError> {
        TrustAnchors::from_pem_file(&self.subject_ca_cert)
    }
}

/// The files of one organisation: `D/orgs/<org_code>/...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgFiles {
    /// The organisation code.
    pub org_code: String,
    /// `D/orgs/<org_code>`.
    pub dir: PathBuf,
    /// `server.pem`.
    pub server_cert: PathBuf,
    /// `server.key`.
    pub server_key: PathBuf,
    /// `client.pem`.
    pub client_cert: PathBuf,
    /// `client.key`.
    pub client_key: PathBuf,
    /// `jws.key`.
    pub jws_key: PathBuf,
}

impl OrgFiles {
    /// The paths for `org_code` under PKI directory `pki_dir` (nothing is read or written).
    pub fn new(pki_dir: &Path, org_code: &str) -> Self {
        let dir = pki_dir.join("orgs").join(org_code);
        Self {
            org_code: org_code.to_owned(),
            server_cert: dir.join("server.pem"),
            server_key: dir.join("server.key"),
            client_cert: dir.join("client.pem"),
            client_key: dir.join("client.key"),
            jws_key: dir.join("jws.key"),
            dir,
        }
    }

    /// Loads the server certificate and key.
    pub fn server_identity(&self) -> Result<Identity, PkiError> {
        Identity::from_pem_files(&self.server_cert, &self.server_key)
    }

    /// Loads the client certificate and key.
    pub fn client_identity(&self) -> Result<Identity, PkiError> {
        Identity::from_pem_files(&self.client_cert, &self.client_key)
    }
}

/// The files of one subject: `D/subjects/<username>/...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectFiles {
    /// The username.
    pub username: String,
    /// `D/subjects/<username>`.
    pub dir: PathBuf,
    /// `cert.pem`.
    pub cert: PathBuf,
    /// `key.pem` (PKCS#8).
    pub key: PathBuf,
}

impl SubjectFiles {
    /// The paths for `username` under PKI directory `pki_dir` (nothing is read or written).
    pub fn new(pki_dir: &Path, username: &str) -> Self {
        let dir = pki_dir.join("subjects").join(username);
        Self { username: username.to_owned(), cert: dir.join("cert.pem"), key: dir.join("key.pem"), dir }
    }
}

/// Creates or completes the development PKI in `dir`.
///
/// Idempotent: existing CAs, certificates and keys are kept (and checked to load); missing ones are created with
/// validity starting at `now`. A certificate/key pair of which only one half exists is re-issued. A CA of which only
/// one half exists is an error ([`PkiError::InconsistentLayout`]): replacing a CA would invalidate every
/// certificate it issued, so that is left to a person.
pub fn init(
    dir: &Path,
    orgs: &[OrgSpec],
    subjects: &[SubjectSpec],
    now: OffsetDateTime,
) -> Result<DevPkiLayout, PkiError> {
    let mut layout = DevPkiLayout::new(dir);
    create_dir(dir)?;
    let tls_ca = ca(&layout.tls_ca_cert, &layout.tls_ca_key, "MyData Dev TLS CA", now, &mut layout.created)?;
    let subject_ca =
        ca(&layout.subject_ca_cert, &layout.subject_ca_key, "MyData Dev Subject CA", now, &mut layout.created)?;

    for org in orgs {
        check_path_component("org code", &org.org_code)?;
        let files = OrgFiles::new(dir, &org.org_code);
        create_dir(&files.dir)?;
        leaf_pair(&files.server_cert, &files.server_key, &mut layout.created, || {
            tls_ca.issue_tls_server(org, Validity::leaf(now))
        })?;
        leaf_pair(&files.client_cert, &files.client_key, &mut layout.created, || {
            tls_ca.issue_tls_client(org, Validity::leaf(now))
        })?;
        if !exists(&files.jws_key)? {
            write_private(&files.jws_key, generate_jws_key()?.as_bytes())?;
            layout.created.push(files.jws_key.clone());
        }
        layout.orgs.push(files);
    }

    for subject in subjects {
        check_path_component("username", &subject.username)?;
        let files = SubjectFiles::new(dir, &subject.username);
        create_dir(&files.dir)?;
        leaf_pair(&files.cert, &files.key, &mut layout.created, || {
            subject_ca.issue_subject(subject, Validity::leaf(now))
        })?;
        layout.subjects.push(files);
    }
    Ok(layout)
}

/// Loads the CA at `cert`/`key`, or generates and saves it if neither file exists.
fn ca(cert: &Path, key: &Path, name: &str, now: OffsetDateTime, created: &mut Vec<PathBuf>) -> Result<DevCa, PkiError> {
    match (exists(cert)?, exists(key)?) {
        (true, true) => DevCa::load(cert, key),
        (false, false) => {
            let ca = DevCa::generate(name, now)?;
            ca.save(cert, key)?;
            created.extend([cert.to_path_buf(), key.to_path_buf()]);
            Ok(ca)
        }
        (true, false) => Err(PkiError::InconsistentLayout {
            path: key.to_path_buf(),
            problem: "CA certificate exists but its key is missing; restore the key or remove the certificate"
                .to_owned(),
        }),
        (false, true) => Err(PkiError::InconsistentLayout {
            path: cert.to_path_buf(),
            problem: "CA key exists but its certificate is missing; restore the certificate or remove the key"
                .to_owned(),
        }),
    }
}

/// Keeps a complete, loadable pair; otherwise issues and writes a new one (key first, then certificate).
fn leaf_pair(
    cert: &Path,
    key: &Path,
    created: &mut Vec<PathBuf>,
    issue: impl FnOnce() -> Result<super::IssuedCert, PkiError>,
) -> Result<(), PkiError> {
    if exists(cert)? && exists(key)? {
        Identity::from_pem_files(cert, key)?;
        return Ok(());
    }
    let issued = issue()?;
    write_private(key, issued.key_pem().as_bytes())?;
    write_public(cert, issued.cert_pem().as_bytes())?;
    created.extend([key.to_path_buf(), cert.to_path_buf()]);
    Ok(())
}

/// Rejects names that would escape their directory or be awkward as file names.
pub(crate) fn check_path_component(kind: &'static str, value: &str) -> Result<(), PkiError> {
    let invalid = |problem| PkiError::InvalidName { kind, value: value.to_owned(), problem };
    if value.is_empty() || value.len() > 64 {
        return Err(invalid("must be 1 to 64 characters"));
    }
    if value.starts_with('.') {
        return Err(invalid("must not start with '.'"));
    }
    if !value.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')) {
        return Err(invalid("only ASCII letters, digits, '-', '_' and '.' are allowed"));
    }
    Ok(())
}

fn exists(path: &Path) -> Result<bool, PkiError> {
    path.try_exists().map_err(|e| PkiError::io(path, e))
}

fn create_dir(dir: &Path) -> Result<(), PkiError> {
    fs::create_dir_all(dir).map_err(|e| PkiError::io(dir, e))
}

/// Writes a private key: mode 0600 on Unix.
pub(crate) fn write_private(path: &Path, contents: &[u8]) -> Result<(), PkiError> {
    write_atomic(path, contents, true)
}

/// Writes a certificate: default mode (0644 under the usual umask).
pub(crate) fn write_public(path: &Path, contents: &[u8]) -> Result<(), PkiError> {
    write_atomic(path, contents, false)
}

fn write_atomic(path: &Path, contents: &[u8], private: bool) -> Result<(), PkiError> {
    let mut tmp_name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    tmp_name.push(".tmp");
    let tmp = path.with_file_name(tmp_name);
    match fs::remove_file(&tmp) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(PkiError::io(&tmp, e)),
        _ => {}
    }
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(if private { 0o600 } else { 0o644 });
    }
    #[cfg(not(unix))]
    let _ = private;
    let mut file = options.open(&tmp).map_err(|e| PkiError::io(&tmp, e))?;
    file.write_all(contents).and_then(|()| file.sync_all()).map_err(|e| PkiError::io(&tmp, e))?;
    drop(file);
    fs::rename(&tmp, path).map_err(|e| PkiError::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_components_are_checked() {
        assert!(check_path_component("org code", "A1234567890").is_ok());
        assert!(check_path_component("org code", "kim_01.demo").is_ok());
        for bad in ["", "..", ".hidden", "a/b", "a\\b", "한글"] {
            assert!(check_path_component("org code", bad).is_err(), "{bad:?} accepted");
        }
    }
}
