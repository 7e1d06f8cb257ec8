//! Pools, placeholders, transactions, error classification and migrations, on both backends.
#![expect(clippy::unwrap_used, reason = "test bodies run through both_backends!, which clippy does not see as tests")]

use std::borrow::Cow;

use mydata_store::testing::TestDb;
use mydata_store::{Backend, ConnectOptions, Db, Migrations, StoreError, both_backends, with_db, with_tx};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{AssertSqlSafe, SqlSafeStr};

/// A role migration set built at run time: `(version, sqlite sql, postgres sql)`.
fn role(migrations: &[(i64, &str, &str)]) -> Migrations {
    let build = |pick: for<'a> fn(&'a (i64, &'a str, &'a str)) -> &'a str| {
        Migrator::with_migrations(
            migrations
                .iter()
                .map(|m| {
                    Migration::new(
                        m.0,
                        Cow::Owned(format!("test {}", m.0)),
                        MigrationType::Simple,
                        AssertSqlSafe(pick(m).to_owned()).into_sql_str(),
                        false,
                    )
                })
                .collect(),
        )
    };
    Migrations { sqlite: build(|m| m.1), postgres: build(|m| m.2) }
}

const NOTES: (i64, &str, &str) = (
    1000,
    "CREATE TABLE notes (id TEXT PRIMARY KEY, n BIGINT NOT NULL, body BLOB, flag BOOLEAN NOT NULL)",
    "CREATE TABLE notes (id TEXT PRIMARY KEY, n BIGINT NOT NULL, body BYTEA, flag BOOLEAN NOT NULL)",
);

async fn migrated(db: &TestDb) {
    db.migrate(&role(&[NOTES])).await.unwrap();
}

async fn note_count(db: &Db) -> i64 {
    let (n,): (i64,) =
        with_db!(db, pool => sqlx::query_as("SELECT COUNT(*) FROM notes").fetch_one(pool).await).unwrap();
    n
}

async fn connect_and_migrate_twice(db: TestDb) {
    db.ping().await.unwrap();
    db.migrate(&Migrations::empty()).await.unwrap();
    db.migrate(&Migrations::empty()).await.unwrap();
    migrated(&db).await;
    migrated(&db).await;
    // A restarted process (new pool) migrates again without change.
    let again = db.reopen(&ConnectOptions::default()).await;
    assert_eq!(again.backend(), db.backend());
    again.migrate(&role(&[NOTES])).await.unwrap();
    let (applied,): (i64,) =
        with_db!(&again, pool => sqlx::query_as("SELECT COUNT(*) FROM _sqlx_migrations").fetch_one(pool).await)
            .unwrap();
    assert_eq!(applied, 2, "store 0001 + role 1000");
    assert_eq!(note_count(&again).await, 0);
    again.close().await;
}

async fn dollar_placeholders_bind_by_number(db: TestDb) {
    migrated(&db).await;
    // Out of order, and `$1` used twice.
    with_db!(&db, pool => sqlx::query("INSERT INTO notes (id, n, body, flag) VALUES ($2, $1, $3, $4)")
        .bind(7_i64)
        .bind("a")
        .bind(vec![0_u8, 1, 255])
        .bind(true)
        .execute(pool)
        .await
        .map(drop))
    .unwrap();
    let row: (String, i64, Vec<u8>, bool) = with_db!(&db, pool => sqlx::query_as(
        "SELECT id, n, body, flag FROM notes WHERE n = $1 AND id = $2 AND n + $1 = 14")
        .bind(7_i64)
        .bind("a")
        .fetch_one(pool)
        .await)
    .unwrap();
    assert_eq!(row, ("a".to_owned(), 7, vec![0, 1, 255], true));
    let insert = "INSERT INTO notes (id, n, body, flag) VALUES ($1, 1, NULL, FALSE)";
    with_db!(&db, pool => sqlx::query(insert).bind("b").execute(pool).await.map(drop)).unwrap();
    let null: (Option<Vec<u8>>,) =
        with_db!(&db, pool => sqlx::query_as("SELECT body FROM notes WHERE id = $1").bind("b").fetch_one(pool).await)
            .unwrap();
    assert_eq!(null, (None,));
}

async fn transactions_commit_and_roll_back(db: TestDb) {
    migrated(&db).await;
    let insert = "INSERT INTO notes (id, n, flag) VALUES ($1, $2, TRUE)";

    let mut tx = db.begin().await.unwrap();
    assert_eq!(tx.backend(), db.backend());
    // Several statements in one body: re-borrow the connection.
    with_tx!(&mut tx, conn => async {
        sqlx::query(insert).bind("kept-1").bind(1_i64).execute(&mut *conn).await?;
        sqlx::query(insert).bind("kept-2").bind(2_i64).execute(&mut *conn).await.map(drop)
    }
    .await)
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(note_count(&db).await, 2);

    let mut tx = db.begin().await.unwrap();
    with_tx!(&mut tx, conn => sqlx::query(insert).bind("gone").bind(3_i64).execute(conn).await.map(drop)).unwrap();
    // Visible inside the transaction…
    let (inside,): (i64,) = with_tx!(&mut tx, conn => sqlx::query_as("SELECT COUNT(*) FROM notes")
        .fetch_one(conn)
        .await)
    .unwrap();
    assert_eq!(inside, 3);
    tx.rollback().await.unwrap();
    // …and gone after the rollback.
    assert_eq!(note_count(&db).await, 2);

    // Dropping a transaction rolls it back too.
    {
        let mut tx = db.begin().await.unwrap();
        with_tx!(&mut tx, conn => sqlx::query(insert).bind("dropped").bind(4_i64).execute(conn).await.map(drop))
            .unwrap();
    }
    assert_eq!(note_count(&db).await, 2);
}

/// A function taking `&mut Tx` can use it several times (the macro re-borrows).
async fn insert_two(tx: &mut mydata_store::Tx) -> Result<(), StoreError> {
    let insert = "INSERT INTO notes (id, n, flag) VALUES ($1, $2, FALSE)";
    with_tx!(tx, conn => sqlx::query(insert).bind("p").bind(1_i64).execute(conn).await.map(drop))?;
    with_tx!(tx, conn => sqlx::query(insert).bind("q").bind(2_i64).execute(conn).await.map(drop))?;
    Ok(())
}

async fn tx_can_be_passed_by_reference(db: TestDb) {
    migrated(&db).await;
    let mut tx = db.begin().await.unwrap();
    insert_two(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(note_count(&db).await, 2);
}

async fn unique_violation_is_conflict(db: TestDb) {
    migrated(&db).await;
    let insert = || async {
        let r: Result<_, StoreError> = with_db!(&db, pool => sqlx::query(
            "INSERT INTO notes (id, n, flag) VALUES ($1, 1, TRUE)")
            .bind("same")
            .execute(pool)
            .await
            .map(drop))
        .map_err(StoreError::from);
        r
    };
    insert().await.unwrap();
    let err = insert().await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");
    if db.backend() == Backend::Postgres {
        assert!(matches!(&err, StoreError::Conflict { constraint: Some(c) } if c == "notes_pkey"), "{err:?}");
    }
    // A missing row is NotFound.
    let missing: Result<(i64,), StoreError> = with_db!(&db, pool => sqlx::query_as(
        "SELECT n FROM notes WHERE id = $1")
        .bind("nope")
        .fetch_one(pool)
        .await)
    .map_err(StoreError::from);
    assert!(matches!(missing, Err(StoreError::NotFound)), "{missing:?}");
}

async fn changed_migration_stops_start_up(db: TestDb) {
    migrated(&db).await;
    let edited = (NOTES.0, "CREATE TABLE notes (id TEXT PRIMARY KEY)", "CREATE TABLE notes (id TEXT PRIMARY KEY)");
    let err = db.migrate(&role(&[edited])).await.unwrap_err();
    assert!(matches!(err, StoreError::MigrationChanged { version: 1000 }), "{err:?}");
    assert!(err.to_string().contains("checksum"), "{err}");
}

async fn unknown_applied_migration_stops_start_up(db: TestDb) {
    let extra = (1001, "CREATE TABLE extra (id TEXT)", "CREATE TABLE extra (id TEXT)");
    db.migrate(&role(&[NOTES, extra])).await.unwrap();
    // An older binary that only knows 1000.
    let err = db.migrate(&role(&[NOTES])).await.unwrap_err();
    assert!(matches!(err, StoreError::MigrationUnknown { version: 1001 }), "{err:?}");
}

async fn role_migrations_below_1000_are_refused(db: TestDb) {
    let err = db.migrate(&role(&[(5, "SELECT 1", "SELECT 1")])).await.unwrap_err();
    assert!(matches!(err, StoreError::MigrationVersionReserved { version: 5 }), "{err:?}");
}

async fn failed_migration_is_not_recorded(db: TestDb) {
    let broken = (1000, "CREATE TABLE t (id TEXT); THIS IS NOT SQL", "CREATE TABLE t (id TEXT); THIS IS NOT SQL");
    let err = db.migrate(&role(&[broken])).await.unwrap_err();
    assert!(matches!(err, StoreError::Migrate { .. }), "{err:?}");
    // The migration's transaction rolled back: fixing the file lets start-up proceed.
    db.migrate(&role(&[(1000, "CREATE TABLE t (id TEXT)", "CREATE TABLE t (id TEXT)")])).await.unwrap();
}

both_backends!(
    connect_and_migrate_twice,
    dollar_placeholders_bind_by_number,
    transactions_commit_and_roll_back,
    tx_can_be_passed_by_reference,
    unique_violation_is_conflict,
    changed_migration_stops_start_up,
    unknown_applied_migration_stops_start_up,
    role_migrations_below_1000_are_refused,
    failed_migration_is_not_recorded,
);

#[tokio::test]
async fn connect_errors_never_show_the_password() {
    let err = Db::connect(
        "postgres://app:hunter2@127.0.0.1:1/x",
        &ConnectOptions::default().acquire_timeout(std::time::Duration::from_secs(2)),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, StoreError::Connect { .. }), "{err:?}");
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("app:***@127.0.0.1:1"), "{shown}");

    let err = Db::connect("mysql://u:pw@h/db", &ConnectOptions::default()).await.unwrap_err();
    assert!(matches!(err, StoreError::UnsupportedUrl { .. }), "{err:?}");
    assert!(!err.to_string().contains("pw@"), "{err}");
}

#[tokio::test]
async fn sqlite_urls_and_memory_databases_work() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/by-url.db", dir.path().display());
    let db = Db::connect(&url, &ConnectOptions::default()).await.unwrap();
    db.migrate(&Migrations::empty()).await.unwrap();
    let (mode,): (String,) =
        with_db!(&db, pool => sqlx::query_as("PRAGMA journal_mode").fetch_one(pool).await).unwrap();
    assert_eq!(mode, "wal");
    let (sync,): (i64,) = with_db!(&db, pool => sqlx::query_as("PRAGMA synchronous").fetch_one(pool).await).unwrap();
    assert_eq!(sync, 2, "FULL");
    let (fk,): (i64,) = with_db!(&db, pool => sqlx::query_as("PRAGMA foreign_keys").fetch_one(pool).await).unwrap();
    assert_eq!(fk, 1);
    db.close().await;

    let mem = Db::connect("sqlite::memory:", &ConnectOptions::default()).await.unwrap();
    mem.migrate(&Migrations::empty()).await.unwrap();
    mem.ping().await.unwrap();
}
