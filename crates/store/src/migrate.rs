//! Schema migrations: the store's own tables plus each role's, in one `_sqlx_migrations` table.

use sqlx::Connection as _;
use sqlx::migrate::Migrator;

use crate::db::{Backend, Db};
use crate::error::StoreError;

/// The first version number a role migration may use. Versions below it (`0001`–`0999`) belong to
/// `mydata-store` itself (the job queue and future shared tables).
pub const FIRST_ROLE_VERSION: i64 = 1000;

/// One role's migrations, written once per backend.
///
/// A role crate keeps its SQL in `migrations/sqlite/` and `migrations/postgres/`, with file names starting
/// at version 1000 (`1000_init.sql`, `1001_add_consents.sql`, …), and builds this value with
/// `sqlx::migrate!`, which embeds the files at compile time:
///
/// ```ignore
/// pub static MIGRATIONS: mydata_store::Migrations = mydata_store::Migrations {
///     sqlite: sqlx::migrate!("migrations/sqlite"),
///     postgres: sqlx::migrate!("migrations/postgres"),
/// };
/// ```
///
/// Add a `build.rs` with `println!("cargo:rerun-if-changed=migrations");` so a new file triggers a rebuild.
/// Migrations move forward only: never edit a file once it shipped (start-up fails with
/// [`StoreError::MigrationChanged`]), add a new one instead.
#[derive(Debug)]
pub struct Migrations {
    /// The SQLite variant.
    pub sqlite: Migrator,
    /// The PostgreSQL variant.
    pub postgres: Migrator,
}

impl Migrations {
    /// A role with no tables of its own; [`Db::migrate`] then only creates the store's tables.
    pub fn empty() -> Self {
        Self { sqlite: Migrator::with_migrations(Vec::new()), postgres: Migrator::with_migrations(Vec::new()) }
    }

    /// The variant for `backend`.
    pub fn for_backend(&self, backend: Backend) -> &Migrator {
        match backend {
            Backend::Sqlite => &self.sqlite,
            Backend::Postgres => &self.postgres,
        }
    }
}

/// The store's own migrations (versions below [`FIRST_ROLE_VERSION`]).
static STORE: Migrations =
    Migrations { sqlite: sqlx::migrate!("migrations/sqlite"), postgres: sqlx::migrate!("migrations/postgres") };

impl Db {
    /// Brings the schema up to date: first the store's own migrations, then the role's.
    ///
    /// Both sets share the `_sqlx_migrations` table. They are run as one ordered migrator (the store's
    /// versions sort first), so one database lock covers the whole run (a PostgreSQL advisory lock: nodes
    /// starting together migrate one after the other) and every migration runs in its own transaction
    /// together with the row that records it.
    ///
    /// Start-up must stop when this fails:
    /// - [`StoreError::MigrationChanged`]: an applied migration's SQL was edited since;
    /// - [`StoreError::MigrationUnknown`]: the database has a version this binary does not know (a downgrade);
    /// - [`StoreError::MigrationVersionReserved`]: a role migration is numbered below [`FIRST_ROLE_VERSION`].
    ///
    /// Running it again on an up-to-date database changes nothing.
    pub async fn migrate(&self, role: &Migrations) -> Result<(), StoreError> {
        let backend = self.backend();
        let migrator = merged(STORE.for_backend(backend), role.for_backend(backend))?;
        // On PostgreSQL the migrator holds a session-level advisory lock, which it does not release when
        // a migration fails; so migrate on a connection of its own and close it on failure instead of
        // returning it, still locked, to the pool (a retry would wait for that lock forever).
        let result = crate::with_db!(self, pool => async {
            let mut conn = pool.acquire().await?;
            let result = migrator.run(&mut *conn).await;
            if result.is_err() {
                conn.detach().close().await.ok();
            }
            result
        }
        .await);
        result?;
        tracing::info!(%backend, migrations = migrator.iter().count(), "database schema is up to date");
        Ok(())
    }
}

fn merged(store: &Migrator, role: &Migrator) -> Result<Migrator, StoreError> {
    if let Some(bad) = role.iter().find(|m| m.version < FIRST_ROLE_VERSION) {
        return Err(StoreError::MigrationVersionReserved { version: bad.version });
    }
    debug_assert!(store.iter().all(|m| m.version < FIRST_ROLE_VERSION));
    Ok(Migrator::with_migrations(store.iter().chain(role.iter()).cloned().collect()))
}
