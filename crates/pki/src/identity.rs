//! Loading an organisation's TLS identity (certificate chain + private key) and trust anchors from PEM.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use rustls::RootCertStore;
use rustls::sign::CertifiedKey;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use time::OffsetDateTime;

use crate::error::PkiError;
use crate::peer::PeerIdentity;
use crate::provider::crypto_provider;

/// A certificate chain and the private key of its leaf: what a server presents, or what a client presents for mutual
/// TLS.
///
/// Loading checks that the key matches the leaf certificate. Cheap to clone (the key material is shared); `Debug`
/// never prints the key.
#[derive(Clone)]
pub struct Identity {
    certified: Arc<CertifiedKey>,
    leaf: PeerIdentity,
}

impl Identity {
    /// Loads the chain (leaf first, then any intermediates) from `cert_path` and the private key (PKCS#8, SEC1 or
    /// PKCS#1) from `key_path`.
    ///
    /// Errors name the file and the problem: unreadable ([`PkiError::Io`]), no `CERTIFICATE` / `PRIVATE KEY` block
    /// ([`PkiError::InvalidPem`]), key not matching the certificate ([`PkiError::KeyMismatch`]).
    pub fn from_pem_files(cert_path: impl AsRef<Path>, key_path: impl AsRef<Path>) -> Result<Self, PkiError> {
        let (cert_path, key_path) = (cert_path.as_ref(), key_path.as_ref());
        let cert_pem = read(cert_path)?;
        let key_pem = zeroize::Zeroizing::new(read(key_path)?);
        Self::build(&cert_pem, Some(cert_path), &key_pem, Some(key_path))
    }

    /// Like [`from_pem_files`](Self::from_pem_files), from PEM text in memory.
    pub fn from_pem(cert_pem: impl AsRef<[u8]>, key_pem: impl AsRef<[u8]>) -> Result<Self, PkiError> {
        Self::build(cert_pem.as_ref(), None, key_pem.as_ref(), None)
    }

    /// Builds an identity from DER values (leaf first).
    pub fn from_der(chain: Vec<CertificateDer<'static>>, key: PrivateKeyDer<'static>) -> Result<Self, PkiError> {
        Self::from_parts(chain, key, None, None)
    }

    fn build(
        cert_pem: &[u8],
        cert_path: Option<&Path>,
        key_pem: &[u8],
        key_path: Option<&Path>,
    ) -> Result<Self, PkiError> {
        let chain = certificates_from_pem(cert_pem, cert_path)?;
        let key = PrivateKeyDer::from_pem_slice(key_pem).map_err(|e| {
            PkiError::pem(key_path, format!("no usable PRIVATE KEY block (PKCS#8, SEC1 or PKCS#1): {e}"))
        })?;
        Self::from_parts(chain, key, cert_path, key_path)
    }

    fn from_parts(
        chain: Vec<CertificateDer<'static>>,
        key: PrivateKeyDer<'static>,
        cert_path: Option<&Path>,
        key_path: Option<&Path>,
    ) -> Result<Self, PkiError> {
        let leaf_der = chain.first().ok_or_else(|| PkiError::pem(cert_path, "no CERTIFICATE block"))?;
        let leaf = PeerIdentity::from_der(leaf_der)?;
        let signing_key = crypto_provider()
            .key_provider
            .load_private_key(key)
            .map_err(|e| PkiError::pem(key_path, format!("unsupported private key: {e}")))?;
        let certified = CertifiedKey::new(chain, signing_key);
        match certified.keys_match() {
            Ok(()) => {}
            // The provider could not extract the public key; rustls will still catch a mismatch at handshake time.
            Err(rustls::Error::InconsistentKeys(rustls::InconsistentKeys::Unknown)) => {}
            Err(_) => return Err(PkiError::KeyMismatch { path: key_path.map(Path::to_path_buf) }),
        }
        Ok(Self { certified: Arc::new(certified), leaf })
    }

    /// The certificate chain, leaf first.
    pub fn chain(&self) -> &[CertificateDer<'static>] {
        &self.certified.cert
    }

    /// The identity of the leaf certificate (serialNumber, subject, thumbprint, validity).
    pub fn leaf(&self) -> &PeerIdentity {
        &self.leaf
    }

    /// Checks that the leaf certificate is valid at `now` (call at start-up, so an expired certificate is reported
    /// before the first peer refuses it).
    pub fn check_validity(&self, now: OffsetDateTime) -> Result<(), PkiError> {
        self.leaf.check_validity(now)
    }

    pub(crate) fn certified_key(&self) -> Arc<CertifiedKey> {
        Arc::clone(&self.certified)
    }
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Identity")
            .field("subject", &self.leaf.subject())
            .field("chain_len", &self.certified.cert.len())
            .field("key", &"<redacted>")
            .finish()
    }
}

/// The root certificates a peer's chain must lead to.
///
/// Organisations trust the TLS CA for mutual TLS; the subject-certificate CA is a *separate* set of anchors used only
/// to verify subjects' certificates (see [`crate::dev`]).
#[derive(Clone)]
pub struct TrustAnchors {
    certs: Arc<[CertificateDer<'static>]>,
    store: Arc<RootCertStore>,
}

impl TrustAnchors {
    /// Loads every `CERTIFICATE` block of one PEM file.
    pub fn from_pem_file(path: impl AsRef<Path>) -> Result<Self, PkiError> {
        Self::from_pem_files([path])
    }

    /// Loads every `CERTIFICATE` block of several PEM files (a bundle).
    pub fn from_pem_files<P: AsRef<Path>>(paths: impl IntoIterator<Item = P>) -> Result<Self, PkiError> {
        let mut certs = Vec::new();
        let mut store = RootCertStore::empty();
        let mut last = None;
        for path in paths {
            let path = path.as_ref();
            let pem = read(path)?;
            add_anchors(&mut store, &mut certs, certificates_from_pem(&pem, Some(path))?, Some(path))?;
            last = Some(path.to_path_buf());
        }
        if certs.is_empty() {
            return Err(PkiError::InvalidPem { path: last, problem: "no trust anchor given".to_owned() });
        }
        Ok(Self { certs: certs.into(), store: Arc::new(store) })
    }

    /// Loads every `CERTIFICATE` block of PEM text in memory.
    pub fn from_pem(pem: impl AsRef<[u8]>) -> Result<Self, PkiError> {
        Self::from_der(certificates_from_pem(pem.as_ref(), None)?)
    }

    /// Builds trust anchors from DER certificates.
    pub fn from_der(certs: Vec<CertificateDer<'static>>) -> Result<Self, PkiError> {
        if certs.is_empty() {
            return Err(PkiError::pem(None, "no trust anchor given"));
        }
        let mut store = RootCertStore::empty();
        let mut kept = Vec::new();
        add_anchors(&mut store, &mut kept, certs, None)?;
        Ok(Self { certs: kept.into(), store: Arc::new(store) })
    }

    /// The anchors as DER certificates.
    pub fn certificates(&self) -> &[CertificateDer<'static>] {
        &self.certs
    }

    /// The anchors as a rustls root store.
    pub fn root_store(&self) -> Arc<RootCertStore> {
        Arc::clone(&self.store)
    }
}

impl fmt::Debug for TrustAnchors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let subjects: Vec<String> = self
            .certs
            .iter()
            .map(|c| PeerIdentity::from_der(c).map_or_else(|_| "<unparsable>".to_owned(), |p| p.subject().to_owned()))
            .collect();
        f.debug_struct("TrustAnchors").field("subjects", &subjects).finish()
    }
}

fn add_anchors(
    store: &mut RootCertStore,
    kept: &mut Vec<CertificateDer<'static>>,
    certs: Vec<CertificateDer<'static>>,
    path: Option<&Path>,
) -> Result<(), PkiError> {
    for (i, cert) in certs.into_iter().enumerate() {
        store
            .add(cert.clone())
            .map_err(|e| PkiError::pem(path, format!("certificate #{} is not a usable trust anchor: {e}", i + 1)))?;
        kept.push(cert);
    }
    Ok(())
}

/// Reads a whole file, naming it in the error.
pub(crate) fn read(path: &Path) -> Result<Vec<u8>, PkiError> {
    std::fs::read(path).map_err(|e| PkiError::io(path, e))
}

/// Every `CERTIFICATE` block of `pem` (other block types are skipped); at least one is required.
pub(crate) fn certificates_from_pem(pem: &[u8], path: Option<&Path>) -> Result<Vec<CertificateDer<'static>>, PkiError> {
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| PkiError::pem(path, format!("malformed PEM: {e}")))?;
    if certs.is_empty() {
        return Err(PkiError::pem(path, "no CERTIFICATE block"));
    }
    Ok(certs)
}
