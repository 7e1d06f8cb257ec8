//! `mydata serve <role> --config FILE`: one role, its listeners and its background work, until a signal.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context as _;
use mydata_core::SystemClock;
use mydata_http::config::{Bound, RoleService};
use tokio_util::sync::CancellationToken;

use crate::{Failure, RoleArg, config, shutdown};

/// Runs one role until a signal.
pub async fn run(role: RoleArg, file: &Path, env: &BTreeMap<String, String>) -> Result<(), Failure> {
    let clock = SystemClock::shared();
    let service: Box<dyn RoleService> = match role {
        RoleArg::Provider => {
            let cfg = config::load(file, env).map_err(|e| Failure::Usage(e.into()))?;
            Box::new(mydata_provider::Provider::open(cfg, clock).await.context("starting the provider")?)
        }
        RoleArg::Operator => {
            let cfg = config::load(file, env).map_err(|e| Failure::Usage(e.into()))?;
            Box::new(mydata_operator::Operator::open(cfg, clock).await.context("starting the operator")?)
        }
        RoleArg::Hub => {
            let cfg = config::load(file, env).map_err(|e| Failure::Usage(e.into()))?;
            Box::new(mydata_hub::Hub::open(cfg, clock).await.context("starting the hub")?)
        }
        RoleArg::Vault => {
            let cfg = config::load(file, env).map_err(|e| Failure::Usage(e.into()))?;
            Box::new(mydata_vault::Vault::open(cfg, clock).await.context("starting the vault")?)
        }
    };
    let token = shutdown::on_signal();
    let running = start(service.as_ref(), token.clone()).await?;
    running.wait().await
}

/// A started role: its listeners and background tasks.
pub struct Running {
    name: String,
    listeners: tokio::task::JoinHandle<std::io::Result<()>>,
    background: Vec<tokio::task::JoinHandle<()>>,
    /// Bound addresses.
    pub bound: BoundAddrs,
}

/// The addresses a role actually listens on.
#[derive(Debug, Clone, Copy)]
pub struct BoundAddrs {
    /// The API (mTLS) address.
    pub api: std::net::SocketAddr,
    /// The web-page address.
    pub web: Option<std::net::SocketAddr>,
    /// The admin address.
    pub admin: Option<std::net::SocketAddr>,
}

/// Binds a role's listeners and starts its background work.
pub async fn start(service: &dyn RoleService, token: CancellationToken) -> Result<Running, Failure> {
    let bound = Bound::bind(service.name(), service.listen(), service.routers())
        .await
        .with_context(|| format!("binding the listeners of {}", service.name()))
        .map_err(Failure::Usage)?;
    let addrs = BoundAddrs { api: bound.api_addr, web: bound.web_addr, admin: bound.admin_addr };
    let background = service.spawn_background(token.clone());
    let listeners = tokio::spawn(bound.run(token));
    Ok(Running { name: service.name().to_owned(), listeners, background, bound: addrs })
}

impl Running {
    /// Waits for the listeners to stop (after the token is cancelled) and for the background work to end.
    pub async fn wait(self) -> Result<(), Failure> {
        let listeners =
            self.listeners.await.map_err(|e| anyhow::anyhow!("{}: listener task failed: {e}", self.name))?;
        for task in self.background {
            let _ = task.await;
        }
        listeners.with_context(|| format!("{}: serving", self.name)).map_err(Failure::Runtime)
    }
}
