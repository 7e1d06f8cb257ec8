//! The job queue's SQL, written once with `$N` placeholders for both backends.

/// The columns of [`super::Job`], in [`super::JobRow`] order.
macro_rules! job_columns {
    () => {
        "id, queue, kind, payload, dedupe_key, state, priority, attempts, max_attempts, run_at, \
         lease_owner, lease_until, last_error, created_at, updated_at"
    };
}

/// `$1` id, `$2` queue, `$3` kind, `$4` payload, `$5` dedupe key, `$6` priority, `$7` max attempts,
/// `$8` run at, `$9` now. A live job with the same (queue, dedupe key) makes this a no-op that returns no row.
pub(super) const INSERT: &str = "INSERT INTO mydata_jobs \
     (id, queue, kind, payload, dedupe_key, state, priority, attempts, max_attempts, run_at, created_at, updated_at) \
     VALUES ($1, $2, $3, $4, $5, 'ready', $6, 0, $7, $8, $9, $9) \
     ON CONFLICT DO NOTHING RETURNING id";

/// `$1` queue, `$2` dedupe key.
pub(super) const FIND_LIVE_BY_KEY: &str =
    "SELECT id FROM mydata_jobs WHERE queue = $1 AND dedupe_key = $2 AND state IN ('ready', 'leased')";

/// `$1` queue, `$2` now. Jobs whose last allowed attempt's lease expired are dead: the worker died on them.
pub(super) const REAP_EXPIRED_LAST_ATTEMPT: &str = "UPDATE mydata_jobs SET state = 'dead', \
     last_error = 'lease of ' || COALESCE(lease_owner, '?') || ' expired on the last attempt', \
     lease_owner = NULL, lease_token = NULL, lease_until = NULL, updated_at = $2 \
     WHERE queue = $1 AND state = 'leased' AND lease_until < $2 AND attempts >= max_attempts";

/// The lease statement; `$lock` is the row-locking clause of the candidate subquery.
/// `$1` queue, `$2` worker, `$3` token, `$4` lease until, `$5` now, `$6` limit.
macro_rules! lease_sql {
    ($lock:literal) => {
        concat!(
            "UPDATE mydata_jobs SET state = 'leased', attempts = attempts + 1, ",
            "last_error = CASE WHEN state = 'leased' ",
            "THEN 'lease of ' || COALESCE(lease_owner, '?') || ' expired' ELSE last_error END, ",
            "lease_owner = $2, lease_token = $3, lease_until = $4, updated_at = $5 ",
            "WHERE id IN (SELECT id FROM mydata_jobs WHERE queue = $1 AND (",
            "(state = 'ready' AND run_at <= $5) OR ",
            "(state = 'leased' AND lease_until < $5 AND attempts < max_attempts)) ",
            "ORDER BY priority DESC, run_at, id LIMIT $6",
            $lock,
            ") RETURNING ",
            job_columns!()
        )
    };
}

/// SQLite runs one writer at a time, so the single UPDATE statement is atomic on its own.
pub(super) const LEASE_SQLITE: &str = lease_sql!("");

/// PostgreSQL: concurrent leasers skip each other's candidate rows instead of waiting or double-leasing.
pub(super) const LEASE_POSTGRES: &str = lease_sql!(" FOR UPDATE SKIP LOCKED");

/// `$1` id, `$2` token, `$3` now.
pub(super) const COMPLETE: &str = "UPDATE mydata_jobs SET state = 'done', \
     lease_owner = NULL, lease_token = NULL, lease_until = NULL, updated_at = $3 \
     WHERE id = $1 AND lease_token = $2 AND state = 'leased'";

/// `$1` id, `$2` token, `$3` now, `$4` error, `$5` retry at.
pub(super) const FAIL: &str = "UPDATE mydata_jobs SET \
     state = CASE WHEN attempts < max_attempts THEN 'ready' ELSE 'dead' END, \
     run_at = CASE WHEN attempts < max_attempts THEN $5 ELSE run_at END, \
     last_error = $4, lease_owner = NULL, lease_token = NULL, lease_until = NULL, updated_at = $3 \
     WHERE id = $1 AND lease_token = $2 AND state = 'leased' RETURNING state";

/// `$1` id, `$2` token, `$3` now, `$4` new lease until.
pub(super) const EXTEND: &str = "UPDATE mydata_jobs SET lease_until = $4, updated_at = $3 \
     WHERE id = $1 AND lease_token = $2 AND state = 'leased'";

/// `$1` id, `$2` token, `$3` now. The attempt the lease counted is given back.
pub(super) const RELEASE: &str = "UPDATE mydata_jobs SET state = 'ready', \
     attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END, \
     lease_owner = NULL, lease_token = NULL, lease_until = NULL, updated_at = $3 \
     WHERE id = $1 AND lease_token = $2 AND state = 'leased'";

/// `$1` queue, `$2` limit.
pub(super) const DEAD_LETTERS: &str = concat!(
    "SELECT ",
    job_columns!(),
    " FROM mydata_jobs WHERE queue = $1 AND state = 'dead' ORDER BY updated_at DESC, id LIMIT $2"
);

/// `$1` id, `$2` now.
pub(super) const REPLAY: &str = "UPDATE mydata_jobs SET state = 'ready', attempts = 0, run_at = $2, updated_at = $2 \
     WHERE id = $1 AND state = 'dead'";

/// `$1` id.
pub(super) const GET: &str = concat!("SELECT ", job_columns!(), " FROM mydata_jobs WHERE id = $1");

/// `$1` queue.
pub(super) const COUNTS: &str = "SELECT state, COUNT(*) FROM mydata_jobs WHERE queue = $1 GROUP BY state";

/// `$1` queue, `$2` cut-off.
pub(super) const PRUNE_DONE: &str = "DELETE FROM mydata_jobs WHERE queue = $1 AND state = 'done' AND updated_at < $2";
