//! The `[store]` section of a role's configuration.

use serde::{Deserialize, Serialize};

use crate::{ConnectOptions, Db, StoreError};

/// Where a role keeps its data.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreConfig {
    /// `sqlite://<path>` (the embedded default; the file is created) or `postgres://user@host/db`. The
    /// password of a PostgreSQL URL is never logged.
    pub url: String,
    /// Pool settings; every field has a default.
    #[serde(default)]
    pub pool: ConnectOptions,
}

impl StoreConfig {
    /// An embedded SQLite store at `path`.
    pub fn sqlite(path: &std::path::Path) -> Self {
        Self { url: format!("sqlite://{}", path.display()), pool: ConnectOptions::default() }
    }
}

impl Db {
    /// Connects as configured.
    pub async fn open_config(cfg: &StoreConfig) -> Result<Self, StoreError> {
        Self::connect(&cfg.url, &cfg.pool).await
    }
}
