//! The listener section shared by every role's configuration, and the code that binds and runs it.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use serde::{Deserialize, Serialize};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::admin::{self, Readiness};
use crate::listener::Server;

/// Where a role listens and with which certificate.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListenConfig {
    /// The API listener (TLS 1.3, mutual TLS). Example: `"0.0.0.0:8443"`.
    pub api: SocketAddr,
    /// The web-page listener (plain HTTP, loopback only; demo mode). Default: none.
    #[serde(default)]
    pub web: Option<SocketAddr>,
    /// The admin listener (`/healthz`, `/readyz`, `/metrics`; plain HTTP, loopback only). Default: none.
    #[serde(default)]
    pub admin: Option<SocketAddr>,
    /// The organisation's certificate and key, and the CA its clients must chain to.
    pub tls: TlsFiles,
    /// Deadline for one API request, in milliseconds. Default: 10 000.
    #[serde(default = "default_timeout_ms")]
    pub request_timeout_ms: u64,
    /// Largest accepted request body, in bytes. Default: 1 MiB.
    #[serde(default = "default_body_limit")]
    pub body_limit_bytes: usize,
}

fn default_timeout_ms() -> u64 {
    10_000
}

fn default_body_limit() -> usize {
    1 << 20
}

/// PEM files of a TLS identity.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsFiles {
    /// The certificate (chain) presented as server and as client.
    pub cert: PathBuf,
    /// Its PKCS#8 private key.
    pub key: PathBuf,
    /// The CA certificate(s) that client certificates must chain to.
    pub client_ca: PathBuf,
}

/// Errors binding a role's listeners.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ListenError {
    /// A certificate or key could not be loaded or the TLS policy check failed.
    #[error(transparent)]
    Pki(#[from] mydata_pki::PkiError),
    /// A socket could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
}

/// The bound listeners of one role.
#[derive(Debug)]
pub struct Bound {
    servers: Vec<Server>,
    /// The API address actually bound.
    pub api_addr: SocketAddr,
    /// The web address actually bound.
    pub web_addr: Option<SocketAddr>,
    /// The admin address actually bound.
    pub admin_addr: Option<SocketAddr>,
}

/// What a role serves.
#[derive(Debug, Default)]
pub struct Routers {
    /// The inter-organisation API (mutual TLS).
    pub api: Router,
    /// Human-facing pages, if the role has any.
    pub web: Option<Router>,
    /// Readiness checks for `/readyz`.
    pub readiness: Readiness,
}

async fn bind(addr: SocketAddr) -> Result<TcpListener, ListenError> {
    TcpListener::bind(addr).await.map_err(|source| ListenError::Bind { addr, source })
}

impl Bound {
    /// Binds the listeners of `cfg` for `name`. The API listener uses mutual TLS with the configured files.
    pub async fn bind(name: &str, cfg: &ListenConfig, routers: Routers) -> Result<Self, ListenError> {
        let identity = mydata_pki::Identity::from_pem_files(&cfg.tls.cert, &cfg.tls.key)?;
        let trust = mydata_pki::TrustAnchors::from_pem_file(&cfg.tls.client_ca)?;
        let tls = mydata_pki::server_config(&identity, &trust)?;
        Self::bind_with(name, cfg, tls, routers).await
    }

    /// Like [`Bound::bind`] with a ready TLS configuration.
    pub async fn bind_with(
        name: &str,
        cfg: &ListenConfig,
        tls: Arc<rustls::ServerConfig>,
        routers: Routers,
    ) -> Result<Self, ListenError> {
        let api = Server::tls(
            name,
            bind(cfg.api).await?,
            tls,
            routers.api.layer(DefaultBodyLimit::max(cfg.body_limit_bytes)),
        )?;
        let api_addr = api.local_addr().map_err(|source| ListenError::Bind { addr: cfg.api, source })?;
        let mut servers = vec![api];
        let mut web_addr = None;
        if let (Some(addr), Some(web)) = (cfg.web, routers.web) {
            let s = Server::plain_loopback(format!("{name}/web"), bind(addr).await?, web)
                .map_err(|source| ListenError::Bind { addr, source })?;
            web_addr = s.local_addr().ok();
            servers.push(s);
        }
        let mut admin_addr = None;
        if let Some(addr) = cfg.admin {
            let s =
                Server::plain_loopback(format!("{name}/admin"), bind(addr).await?, admin::router(routers.readiness))
                    .map_err(|source| ListenError::Bind { addr, source })?;
            admin_addr = s.local_addr().ok();
            servers.push(s);
        }
        Ok(Self { servers, api_addr, web_addr, admin_addr })
    }

    /// Runs every listener until `shutdown` is cancelled.
    pub async fn run(self, shutdown: CancellationToken) -> std::io::Result<()> {
        let tasks: Vec<_> = self
            .servers
            .into_iter()
            .map(|s| {
                let token = shutdown.clone();
                tokio::spawn(async move { s.run(token.cancelled_owned()).await })
            })
            .collect();
        let mut result = Ok(());
        for t in tasks {
            match t.await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => result = Err(e),
                Err(e) => result = Err(std::io::Error::other(e)),
            }
        }
        result
    }
}

/// What the binary needs from a role to run it, alone (`mydata serve`) or with others (`mydata demo`).
pub trait RoleService: Send + Sync {
    /// A short name for logs (`provider/bank`, `hub`, …).
    fn name(&self) -> &str;

    /// The listener configuration.
    fn listen(&self) -> &ListenConfig;

    /// The routers to serve.
    fn routers(&self) -> Routers;

    /// Starts the role's background work (schedulers, sweepers, sync loops); each task must end when
    /// `shutdown` is cancelled.
    fn spawn_background(&self, shutdown: CancellationToken) -> Vec<tokio::task::JoinHandle<()>> {
        let _ = shutdown;
        Vec::new()
    }
}
