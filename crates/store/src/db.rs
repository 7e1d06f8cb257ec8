//! Connection pools for both backends ([`Db`]), transactions ([`Tx`]) and pool options.

use std::fmt;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Postgres, Sqlite, Transaction};

use crate::error::{StoreError, redact_url};

/// Which database engine a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// An embedded SQLite file (the default for a single machine).
    Sqlite,
    /// A PostgreSQL server (for several nodes per role).
    Postgres,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        })
    }
}

/// Pool settings shared by both backends. Deserializes from a role's `[database]` table; every field is
/// optional and has the default stated in its documentation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct ConnectOptions {
    /// Largest number of open connections in the pool. Default: 10. An in-memory SQLite database
    /// (`sqlite::memory:`) always uses exactly one connection, because each connection would otherwise see
    /// its own database.
    pub max_connections: u32,
    /// Connections kept open even when idle. Default: 0.
    pub min_connections: u32,
    /// How long a caller waits for a free connection before failing, in milliseconds. Default: 30 000.
    pub acquire_timeout_ms: u64,
    /// SQLite only: how long a writer waits for the database lock held by another connection before
    /// failing with `SQLITE_BUSY`, in milliseconds. Default: 5 000.
    pub busy_timeout_ms: u64,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        Self { max_connections: 10, min_connections: 0, acquire_timeout_ms: 30_000, busy_timeout_ms: 5_000 }
    }
}

impl ConnectOptions {
    /// Sets [`ConnectOptions::max_connections`].
    #[must_use]
    pub fn max_connections(mut self, n: u32) -> Self {
        self.max_connections = n;
        self
    }

    /// Sets [`ConnectOptions::min_connections`].
    #[must_use]
    pub fn min_connections(mut self, n: u32) -> Self {
        self.min_connections = n;
        self
    }

    /// Sets [`ConnectOptions::acquire_timeout_ms`].
    #[must_use]
    pub fn acquire_timeout(mut self, timeout: Duration) -> Self {
        self.acquire_timeout_ms = u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX);
        self
    }

    /// Sets [`ConnectOptions::busy_timeout_ms`].
    #[must_use]
    pub fn busy_timeout(mut self, timeout: Duration) -> Self {
        self.busy_timeout_ms = u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX);
        self
    }
}

/// A connection pool to one role's database, on either backend.
///
/// Cloning is cheap (the pools are reference-counted). Run queries with [`with_db!`](crate::with_db), which
/// monomorphises one query body for each backend.
#[derive(Debug, Clone)]
pub enum Db {
    /// A SQLite pool.
    Sqlite(SqlitePool),
    /// A PostgreSQL pool.
    Postgres(PgPool),
}

impl Db {
    /// Opens a pool for `url`.
    ///
    /// - `sqlite:path`, `sqlite://relative/path`, `sqlite:///absolute/path` or `sqlite::memory:`: the file is
    ///   created if missing and opened with WAL journaling, `synchronous = FULL` (an acknowledged commit
    ///   survives power loss, not only a process crash: DESIGN §4 "Nothing lost"), foreign keys on and
    ///   the busy timeout of `opts`.
    /// - `postgres://…` or `postgresql://…`: any libpq-style URL that sqlx accepts.
    ///
    /// Errors name the URL with its password masked.
    pub async fn connect(url: &str, opts: &ConnectOptions) -> Result<Self, StoreError> {
        let url_redacted = redact_url(url);
        let wrap = |source| StoreError::Connect { url_redacted: url_redacted.clone(), source };
        if url.starts_with("sqlite:") {
            let in_memory = url.contains(":memory:") || url.contains("mode=memory");
            let options = SqliteConnectOptions::from_str(url).map_err(wrap)?;
            connect_sqlite(options, opts, in_memory).await.map(Self::Sqlite).map_err(wrap)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url).map_err(wrap)?;
            Self::connect_postgres(options, opts).await.map_err(|e| match e {
                StoreError::Connect { source, .. } => wrap(source),
                other => other,
            })
        } else {
            Err(StoreError::UnsupportedUrl { url_redacted })
        }
    }

    /// Opens (creating if missing) the SQLite file at `path`, with the settings described at
    /// [`Db::connect`]. Unlike a URL, the path needs no percent-encoding.
    pub async fn open_sqlite(path: &Path, opts: &ConnectOptions) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::new().filename(path);
        connect_sqlite(options, opts, false)
            .await
            .map(Self::Sqlite)
            .map_err(|source| StoreError::Connect { url_redacted: format!("sqlite://{}", path.display()), source })
    }

    /// Opens a PostgreSQL pool from already-parsed options.
    pub async fn connect_postgres(options: PgConnectOptions, opts: &ConnectOptions) -> Result<Self, StoreError> {
        let url_redacted = format!(
            "postgres://{}:{}/{}",
            options.get_host(),
            options.get_port(),
            options.get_database().unwrap_or_default()
        );
        PgPoolOptions::new()
            .max_connections(opts.max_connections.max(1))
            .min_connections(opts.min_connections)
            .acquire_timeout(Duration::from_millis(opts.acquire_timeout_ms))
            .connect_with(options)
            .await
            .map(Self::Postgres)
            .map_err(|source| StoreError::Connect { url_redacted, source })
    }

    /// The engine behind this pool.
    pub fn backend(&self) -> Backend {
        match self {
            Self::Sqlite(_) => Backend::Sqlite,
            Self::Postgres(_) => Backend::Postgres,
        }
    }

    /// The SQLite pool, if this is one.
    pub fn as_sqlite(&self) -> Option<&SqlitePool> {
        match self {
            Self::Sqlite(pool) => Some(pool),
            Self::Postgres(_) => None,
        }
    }

    /// The PostgreSQL pool, if this is one.
    pub fn as_postgres(&self) -> Option<&PgPool> {
        match self {
            Self::Postgres(pool) => Some(pool),
            Self::Sqlite(_) => None,
        }
    }

    /// Checks that the database answers (`SELECT 1`); for readiness probes.
    pub async fn ping(&self) -> Result<(), StoreError> {
        crate::with_db!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(drop))?;
        Ok(())
    }

    /// Starts a transaction.
    ///
    /// On SQLite this is `BEGIN IMMEDIATE`: the transaction takes the database's write lock at once (waiting
    /// up to the busy timeout for it), so it can never fail half-way with `SQLITE_BUSY` when it upgrades
    /// from reading to writing. SQLite runs one writer at a time anyway; keep transactions short.
    /// On PostgreSQL it is a plain `BEGIN` (READ COMMITTED).
    ///
    /// Dropping a [`Tx`] without [`Tx::commit`] rolls it back.
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        Ok(match self {
            Self::Sqlite(pool) => Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Self::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// Closes the pool: waits for checked-out connections to come back, then closes every connection.
    pub async fn close(&self) {
        crate::with_db!(self, pool => pool.close().await);
    }
}

impl From<SqlitePool> for Db {
    fn from(pool: SqlitePool) -> Self {
        Self::Sqlite(pool)
    }
}

impl From<PgPool> for Db {
    fn from(pool: PgPool) -> Self {
        Self::Postgres(pool)
    }
}

async fn connect_sqlite(
    options: SqliteConnectOptions,
    opts: &ConnectOptions,
    in_memory: bool,
) -> Result<SqlitePool, sqlx::Error> {
    let options = options
        .create_if_missing(true)
        .journal_mode(if in_memory { SqliteJournalMode::Memory } else { SqliteJournalMode::Wal })
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_millis(opts.busy_timeout_ms));
    let pool = SqlitePoolOptions::new().acquire_timeout(Duration::from_millis(opts.acquire_timeout_ms));
    let pool = if in_memory {
        // The database lives as long as its one connection does.
        pool.max_connections(1).min_connections(1).idle_timeout(None).max_lifetime(None)
    } else {
        pool.max_connections(opts.max_connections.max(1)).min_connections(opts.min_connections)
    };
    pool.connect_with(options).await
}

/// An open transaction on either backend. Run statements in it with [`with_tx!`](crate::with_tx).
///
/// Dropping it without [`Tx::commit`] rolls it back.
pub enum Tx {
    /// A SQLite transaction (started with `BEGIN IMMEDIATE`).
    Sqlite(Transaction<'static, Sqlite>),
    /// A PostgreSQL transaction.
    Postgres(Transaction<'static, Postgres>),
}

impl fmt::Debug for Tx {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Tx").field(&self.backend()).finish()
    }
}

impl Tx {
    /// The engine this transaction runs on.
    pub fn backend(&self) -> Backend {
        match self {
            Self::Sqlite(_) => Backend::Sqlite,
            Self::Postgres(_) => Backend::Postgres,
        }
    }

    /// Commits the transaction.
    pub async fn commit(self) -> Result<(), StoreError> {
        match self {
            Self::Sqlite(tx) => tx.commit().await?,
            Self::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }

    /// Rolls the transaction back.
    pub async fn rollback(self) -> Result<(), StoreError> {
        match self {
            Self::Sqlite(tx) => tx.rollback().await?,
            Self::Postgres(tx) => tx.rollback().await?,
        }
        Ok(())
    }
}
