//! The provider role (정보제공자): sector APIs of the standard and the provider's authorization server.
//!
//! The role is a library: [`Provider::open`] connects its own store and applies its migrations, and the value
//! implements [`RoleService`] so the `mydata` binary can run it alone (`mydata serve provider`) or beside the
//! other roles (`mydata demo`). [`router`] builds the mutual-TLS API.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use mydata_core::SharedClock;
use mydata_http::admin::Readiness;
use mydata_http::config::{ListenConfig, RoleService, Routers};
use mydata_http::{ObserveLayer, TranIdPolicy};
use mydata_store::{Db, Migrations, StoreConfig, StoreError};
use serde::{Deserialize, Serialize};

pub use mydata_core::OrgCode;

/// The role's configuration (`provider.toml`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Display name of the organisation.
    pub name: String,
    /// The organisation code assigned by the portal.
    pub org_code: OrgCode,
    /// The provider's industry.
    pub industry: mydata_core::Industry,

    /// Listeners and TLS files.
    pub listen: ListenConfig,
    /// The role's own database.
    pub store: StoreConfig,
}

/// Why the role could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The store could not be opened or migrated.
    #[error("store: {0}")]
    Store(#[from] StoreError),
}

/// Shared state of the role's handlers.
#[derive(Debug)]
pub struct State {
    /// The configuration.
    pub config: Config,
    /// The role's database.
    pub db: Db,
    /// The clock.
    pub clock: SharedClock,
}

/// The running role.
#[derive(Debug, Clone)]
pub struct Provider {
    state: Arc<State>,
    label: String,
}

/// The role's migrations (SQLite and PostgreSQL).
pub fn migrations() -> Migrations {
    Migrations { sqlite: sqlx::migrate!("migrations/sqlite"), postgres: sqlx::migrate!("migrations/postgres") }
}

impl Provider {
    /// Opens the store, applies migrations and prepares the state.
    pub async fn open(config: Config, clock: SharedClock) -> Result<Self, Error> {
        let db = Db::open_config(&config.store).await?;
        db.migrate(&migrations()).await?;
        let label = format!("provider/{}", config.industry);
        Ok(Self { state: Arc::new(State { config, db, clock }), label })
    }

    /// The shared state.
    pub fn state(&self) -> &Arc<State> {
        &self.state
    }
}

/// The mutual-TLS API router.
pub fn router(state: Arc<State>) -> Router {
    let timeout = Duration::from_millis(state.config.listen.request_timeout_ms);
    Router::new()
        .fallback(mydata_http::not_found)
        .layer(ObserveLayer::new(state.config.org_code.as_str(), TranIdPolicy::Optional, timeout))
        .with_state(state)
}

impl RoleService for Provider {
    fn name(&self) -> &str {
        &self.label
    }

    fn listen(&self) -> &ListenConfig {
        &self.state.config.listen
    }

    fn routers(&self) -> Routers {
        let db = self.state.db.clone();
        Routers {
            api: router(Arc::clone(&self.state)),
            web: None,
            readiness: Readiness::new().with_check("store", move || {
                let db = db.clone();
                async move { db.ping().await.map_err(|e| e.to_string()) }
            }),
        }
    }
}
