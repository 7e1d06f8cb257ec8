//! Throwaway databases for tests (cargo feature `testing`).
//!
//! - [`sqlite()`]: a fresh SQLite file in a temporary directory.
//! - [`postgres()`]: a fresh database `t_<uuid>` on the PostgreSQL server named by
//!   `MYDATA_TEST_DATABASE_URL` (or else `DATABASE_URL`), an *admin* URL such as
//!   `postgres://postgres@127.0.0.1:5432/postgres`. Without one it **panics**: PostgreSQL tests never skip
//!   silently. `./scripts/test` starts a throwaway cluster and sets the variable.
//!
//! Both return an unmigrated [`TestDb`], which derefs to [`Db`] and deletes its database when dropped
//! (best effort for PostgreSQL). Write each test once as `async fn name(db: TestDb)` and generate one test
//! per backend with [`both_backends!`](crate::both_backends).

use std::ops::Deref;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::PgConnectOptions;
use sqlx::{AssertSqlSafe, ConnectOptions as _, Connection as _};
use tempfile::TempDir;

use crate::db::{Backend, ConnectOptions, Db};

/// The environment variables read, in order, for the PostgreSQL admin URL.
pub const POSTGRES_URL_VARS: [&str; 2] = ["MYDATA_TEST_DATABASE_URL", "DATABASE_URL"];

/// A database that exists for one test. Derefs to [`Db`].
#[derive(Debug)]
pub struct TestDb {
    db: Db,
    target: Target,
}

#[derive(Debug)]
enum Target {
    Sqlite { path: PathBuf, _dir: TempDir },
    Postgres(Box<PgDropGuard>),
}

impl TestDb {
    /// The pool.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Opens a second, independent pool to the same database, as a restarted process (or a second node)
    /// would.
    pub async fn reopen(&self, opts: &ConnectOptions) -> Db {
        match &self.target {
            Target::Sqlite { path, .. } => Db::open_sqlite(path, opts).await,
            Target::Postgres(guard) => Db::connect_postgres(guard.options(), opts).await,
        }
        .unwrap_or_else(|e| panic!("cannot reopen the test database: {e}"))
    }
}

impl Deref for TestDb {
    type Target = Db;

    fn deref(&self) -> &Db {
        &self.db
    }
}

impl AsRef<Db> for TestDb {
    fn as_ref(&self) -> &Db {
        &self.db
    }
}

/// A fresh database on `backend` with default pool options.
pub async fn fresh(backend: Backend) -> TestDb {
    fresh_with(backend, &ConnectOptions::default()).await
}

/// A fresh database on `backend` with the given pool options.
pub async fn fresh_with(backend: Backend, opts: &ConnectOptions) -> TestDb {
    match backend {
        Backend::Sqlite => sqlite_with(opts).await,
        Backend::Postgres => postgres_with(opts).await,
    }
}

/// A fresh SQLite database file in a temporary directory that lives as long as the [`TestDb`].
pub async fn sqlite() -> TestDb {
    sqlite_with(&ConnectOptions::default()).await
}

/// [`sqlite()`] with the given pool options.
pub async fn sqlite_with(opts: &ConnectOptions) -> TestDb {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("cannot create a temporary directory: {e}"));
    let path = dir.path().join("test.db");
    let db = Db::open_sqlite(&path, opts).await.unwrap_or_else(|e| panic!("cannot open the test database: {e}"));
    TestDb { db, target: Target::Sqlite { path, _dir: dir } }
}

/// A fresh, empty PostgreSQL database; see the [module docs](self).
///
/// # Panics
///
/// When neither variable of [`POSTGRES_URL_VARS`] holds a `postgres://` URL, or the server refuses.
pub async fn postgres() -> TestDb {
    postgres_with(&ConnectOptions::default()).await
}

/// [`postgres()`] with the given pool options.
///
/// # Panics
///
/// As [`postgres()`].
pub async fn postgres_with(opts: &ConnectOptions) -> TestDb {
    let admin_url = admin_url();
    let admin = PgConnectOptions::from_str(&admin_url)
        .unwrap_or_else(|e| panic!("bad PostgreSQL test URL {}: {e}", crate::redact_url(&admin_url)));
    let name = format!("t_{}", uuid::Uuid::new_v4().simple());
    let mut conn = admin.connect().await.unwrap_or_else(|e| {
        panic!("cannot connect to the PostgreSQL test server {}: {e}", crate::redact_url(&admin_url))
    });
    // `name` is generated above from hex digits only.
    sqlx::query(AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
        .execute(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("cannot create test database {name}: {e}"));
    conn.close().await.ok();
    let guard = PgDropGuard { admin, name };
    let db = Db::connect_postgres(guard.options(), opts)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to test database {}: {e}", guard.name));
    TestDb { db, target: Target::Postgres(Box::new(guard)) }
}

fn admin_url() -> String {
    for var in POSTGRES_URL_VARS {
        if let Ok(url) = std::env::var(var)
            && (url.starts_with("postgres://") || url.starts_with("postgresql://"))
        {
            return url;
        }
    }
    panic!(
        "PostgreSQL tests need a server: run ./scripts/test (it starts a throwaway cluster), or set \
         MYDATA_TEST_DATABASE_URL (or DATABASE_URL) to an admin URL such as \
         postgres://postgres@127.0.0.1:5432/postgres. PostgreSQL tests never skip silently."
    )
}

/// Drops the test database when the [`TestDb`] goes away.
#[derive(Debug)]
struct PgDropGuard {
    admin: PgConnectOptions,
    name: String,
}

impl PgDropGuard {
    fn options(&self) -> PgConnectOptions {
        self.admin.clone().database(&self.name)
    }
}

impl Drop for PgDropGuard {
    fn drop(&mut self) {
        // Drop cannot await, and the test's runtime may be shutting down: use a short-lived runtime on
        // its own thread. `WITH (FORCE)` ends the pool's connections that are still open.
        let admin = self.admin.clone();
        let sql = format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name);
        let work = move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
            rt.block_on(async move {
                let drop_db = async {
                    let mut conn = admin.connect().await?;
                    sqlx::query(AssertSqlSafe(sql)).execute(&mut conn).await?;
                    conn.close().await
                };
                if let Ok(Err(e)) = tokio::time::timeout(Duration::from_secs(10), drop_db).await {
                    tracing::warn!(error = %e, "cannot drop the test database; the throwaway cluster will");
                }
            });
        };
        if let Ok(handle) = std::thread::Builder::new().name("drop-test-db".to_owned()).spawn(work) {
            handle.join().ok();
        }
    }
}

/// Generates, for each named `async fn name(db: TestDb)`, a module `name` with two tests, `name::sqlite`
/// and `name::postgres`, each running the function on a fresh database of that backend (on a
/// multi-threaded tokio runtime, so concurrency tests are real). The calling crate needs `tokio` with the
/// `macros` and `rt-multi-thread` features.
///
/// ```ignore
/// use mydata_store::testing::TestDb;
///
/// async fn ping_answers(db: TestDb) {
///     db.ping().await.unwrap();
/// }
///
/// mydata_store::both_backends!(ping_answers);
/// ```
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[::tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                super::$name($crate::testing::sqlite().await).await
            }

            #[::tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                super::$name($crate::testing::postgres().await).await
            }
        }
    )+};
}
