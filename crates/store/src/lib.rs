//! Database access for every role: connection pools for SQLite and PostgreSQL behind one type, schema
//! migrations, and the durable job queue.
//!
//! # One code path, two backends
//!
//! A role's database is an embedded SQLite file by default and a PostgreSQL database when the role runs on
//! several nodes (DESIGN §6). [`Db`] is an enum over the two pools. Queries are written **once**, checked
//! at run time (`sqlx::query` / `sqlx::query_as`, never the compile-time macros, which check against a
//! single engine), and run on either pool with [`with_db!`], which expands to a `match` whose arms
//! monomorphise the same body for each backend:
//!
//! ```no_run
//! # async fn demo(db: &mydata_store::Db) -> Result<(), mydata_store::StoreError> {
//! use mydata_store::with_db;
//!
//! let (n,): (i64,) = with_db!(db, pool => sqlx::query_as("SELECT COUNT(*) FROM mydata_jobs WHERE queue = $1")
//!     .bind("collect")
//!     .fetch_one(pool)
//!     .await)?;
//! # let _ = n; Ok(()) }
//! ```
//!
//! Transactions work the same way with [`Db::begin`], [`with_tx!`] and [`Tx::commit`]; inside `with_tx!`
//! the name is bound to `&mut <Backend>Connection`, so pass it as is for one statement, or re-borrow it as
//! `&mut *conn` to run several:
//!
//! ```no_run
//! # async fn demo(db: &mydata_store::Db) -> Result<(), mydata_store::StoreError> {
//! use mydata_store::with_tx;
//!
//! let mut tx = db.begin().await?;
//! with_tx!(&mut tx, conn => {
//!     let debit = "UPDATE accounts SET balance = balance - $2 WHERE id = $1";
//!     let credit = "UPDATE accounts SET balance = balance + $2 WHERE id = $1";
//!     sqlx::query(debit).bind(1_i64).bind(5_i64).execute(&mut *conn).await?;
//!     sqlx::query(credit).bind(2_i64).bind(5_i64).execute(&mut *conn).await.map(drop)
//! })?;
//! tx.commit().await?;
//! # Ok(()) }
//! ```
//!
//! Both arms of the generated `match` must have the same type. Decoded rows (`query_as` into tuples or
//! `#[derive(sqlx::FromRow)]` structs) already do; `execute` returns a backend-specific result, so map it
//! inside the body: `.execute(pool).await.map(|r| r.rows_affected())` (or `.map(drop)`).
//!
//! Errors convert with `?` into [`StoreError`], which classifies them: a unique violation is
//! [`StoreError::Conflict`], a missing row [`StoreError::NotFound`].
//!
//! # The portable SQL subset
//!
//! Write SQL that both engines accept and that decodes to the same Rust types:
//!
//! | Use | Column type | Rust type |
//! |---|---|---|
//! | integers, counters, times (Unix **milliseconds**) | `BIGINT` | `i64` |
//! | text, ids (UUIDs as hyphenated text), JSON documents | `TEXT` | `String` / `&str` |
//! | bytes (ciphertext, hashes) | `BLOB` (SQLite) / `BYTEA` (PostgreSQL) | `Vec<u8>` / `&[u8]` |
//! | flags | `BOOLEAN` | `bool` |
//!
//! - Placeholders are `$1, $2, …` on both engines (SQLite accepts `$N`, in any order and repeated).
//! - Do not use `INT`/`INTEGER` for values decoded as `i64`: on PostgreSQL that is a 4-byte type, and
//!   sqlx refuses to decode it as `i64`. Avoid `SERIAL`/`AUTOINCREMENT` keys: use UUID v7 text ids.
//! - Avoid engine-specific types (`TIMESTAMPTZ`, `JSONB`, `NUMERIC`, arrays) and functions (`now()`);
//!   time comes from the injected clock. Store decimal amounts as canonical decimal `TEXT`.
//! - Portable statements include `INSERT … ON CONFLICT (…) DO NOTHING / DO UPDATE`, `RETURNING`,
//!   `CASE`, `COALESCE`, `||`, partial indexes (`CREATE [UNIQUE] INDEX … WHERE …`), `CHECK` constraints
//!   and foreign keys (SQLite connections turn them on).
//! - Where the engines must differ, the migrations differ (`BLOB` vs `BYTEA`), or a statement is chosen
//!   by [`Db::backend`] (the job queue's `FOR UPDATE SKIP LOCKED`).
//!
//! # Migrations
//!
//! Each role owns its database and ships its SQL twice, in `migrations/sqlite/` and
//! `migrations/postgres/`, as a [`Migrations`] value; [`Db::migrate`] runs the store's own migrations
//! (versions `0001`–`0999`, reserved) and then the role's, which **must be numbered from 1000**
//! ([`FIRST_ROLE_VERSION`]). Changing an applied migration, or starting an older binary on a newer
//! database, stops start-up with a clear error.
//!
//! # Durability
//!
//! SQLite files run in WAL mode with `synchronous = FULL`: once a commit returns, the data survives a
//! crash of the process *and* of the machine (with `NORMAL`, the last commits could be lost on power
//! failure, which the "nothing lost" rule of DESIGN §4 forbids). Transactions on SQLite start with
//! `BEGIN IMMEDIATE`; writers wait for each other up to the busy timeout (5 s by default).
//!
//! # Job queue
//!
//! [`JobQueue`] is a durable, multi-node queue with leases, retries and dead letters; see [`jobs`].
//!
//! # Tests
//!
//! With the cargo feature `testing`, the `testing` module makes throwaway databases on both backends and
//! `both_backends!` runs one test body on each.

mod config;
mod db;
mod error;
pub mod jobs;
mod migrate;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use config::StoreConfig;
pub use db::{Backend, ConnectOptions, Db, Tx};
pub use error::{StoreError, redact_url};
pub use jobs::{Enqueued, Job, JobCounts, JobId, JobQueue, JobState, LeasedJob, NewJob};
pub use migrate::{FIRST_ROLE_VERSION, Migrations};
/// The sqlx version this crate is built with, for crates that write queries for [`with_db!`].
pub use sqlx;

/// Runs one query body on whichever pool a [`Db`] holds.
///
/// `with_db!(db, pool => body)`: `db` is an expression of type `&Db` (deref coercion applies, so
/// `&test_db` or `&self.db` work); `pool` is bound to `&SqlitePool` or `&PgPool`, which is `Copy` and can
/// be used several times. The body is compiled once per backend, so it must type-check on both and have
/// the same type on both (map `execute`'s backend-specific result with `.map(|r| r.rows_affected())`);
/// its value is the macro's value.
///
/// ```no_run
/// # async fn demo(db: mydata_store::Db) -> Result<(), mydata_store::StoreError> {
/// let expired = mydata_store::with_db!(&db, pool => sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
///     .bind(1_700_000_000_000_i64)
///     .execute(pool)
///     .await
///     .map(|r| r.rows_affected()))?;
/// println!("{expired} sessions expired");
/// # Ok(()) }
/// ```
#[macro_export]
macro_rules! with_db {
    ($db:expr, $pool:ident => $body:expr) => {
        match $crate::__private::db($db) {
            $crate::Db::Sqlite($pool) => $body,
            $crate::Db::Postgres($pool) => $body,
        }
    };
}

/// Runs one statement body inside a [`Tx`], on whichever backend it is.
///
/// `with_tx!(tx, conn => body)`: `tx` is an expression of type `&mut Tx` (a `tx: &mut Tx` parameter is
/// re-borrowed, not moved); `conn` is bound to `&mut SqliteConnection` or `&mut PgConnection`. Pass
/// `conn` to one executor call as is, or write `&mut *conn` for each of several calls.
///
/// ```no_run
/// # async fn demo(db: &mydata_store::Db) -> Result<(), mydata_store::StoreError> {
/// let mut tx = db.begin().await?;
/// let (id,): (String,) = mydata_store::with_tx!(&mut tx, conn => sqlx::query_as(
///     "INSERT INTO notes (id, body) VALUES ($1, $2) RETURNING id")
///     .bind("n1")
///     .bind("hello")
///     .fetch_one(conn)
///     .await)?;
/// tx.commit().await?;
/// # let _ = id; Ok(()) }
/// ```
#[macro_export]
macro_rules! with_tx {
    ($tx:expr, $conn:ident => $body:expr) => {
        match $crate::__private::tx($tx) {
            $crate::Tx::Sqlite(__mydata_store_tx) => {
                let $conn = &mut **__mydata_store_tx;
                $body
            }
            $crate::Tx::Postgres(__mydata_store_tx) => {
                let $conn = &mut **__mydata_store_tx;
                $body
            }
        }
    };
}

/// Support for the exported macros; not part of the API.
#[doc(hidden)]
pub mod __private {
    use crate::{Db, Tx};

    /// Coerces the macro argument to `&Db`.
    pub fn db(db: &Db) -> &Db {
        db
    }

    /// Coerces the macro argument to `&mut Tx`.
    pub fn tx(tx: &mut Tx) -> &mut Tx {
        tx
    }
}
