//! The durable job queue (table `mydata_jobs`), shared by every node of a role.
//!
//! A job moves through these states:
//!
//! ```text
//!            enqueue                lease                 complete
//!   (none) ─────────► ready ─────────────────► leased ─────────────► done
//!                      ▲  ▲   fail (attempts left) │ │
//!                      │  └────────────────────────┘ │ fail (no attempts left), or the lease
//!                      │ replay                      │ expired on the last attempt
//!                      └──────────────────── dead ◄──┘
//! ```
//!
//! - **Leases.** [`JobQueue::lease`] atomically takes up to `max` jobs that are `ready` and due
//!   (`run_at <= now`), or `leased` with an expired lease (the worker died). Every lease counts one
//!   attempt and carries a fresh random token. [`complete`](JobQueue::complete), [`fail`](JobQueue::fail),
//!   [`extend`](JobQueue::extend) and [`release`](JobQueue::release) only act while that token is still
//!   the job's, so a worker whose lease was taken over gets [`StoreError::LeaseLost`] and can never finish
//!   a job that another worker now holds. Work is therefore *at least once*: make job effects idempotent
//!   (upserts on unique keys) and commit them together with the completion through
//!   [`JobQueue::complete_in`].
//! - **Order.** Higher `priority` first, then earlier `run_at`, then older id.
//! - **Deduplication.** A `dedupe_key` is unique among a queue's *live* (ready or leased) jobs:
//!   enqueuing it again returns the live job instead of a new one. Done and dead jobs free the key.
//! - **Retries.** [`JobQueue::fail`] puts the job back to `ready` at the caller's `retry_at` (the caller
//!   owns the backoff policy) while attempts remain, and otherwise makes it `dead` (a dead letter), to be
//!   inspected with [`JobQueue::dead_letters`] and re-run with [`JobQueue::replay`].
//! - **Time.** All times are Unix milliseconds read from the injected [`SharedClock`].

mod model;
mod sql;

use std::time::Duration;

use mydata_core::SharedClock;
use uuid::Uuid;

pub use self::model::{Enqueued, Job, JobCounts, JobId, JobState, LeasedJob, NewJob};
use self::model::{JobRow, parse_id};
use crate::db::{Backend, Db, Tx};
use crate::error::StoreError;

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// The job queue API over a [`Db`]; cheap to clone, safe to share between workers and nodes.
#[derive(Debug, Clone)]
pub struct JobQueue {
    db: Db,
    clock: SharedClock,
}

impl JobQueue {
    /// A queue API over `db` (migrated with [`Db::migrate`]), reading time from `clock`.
    pub fn new(db: Db, clock: SharedClock) -> Self {
        Self { db, clock }
    }

    /// The database.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Adds a job, or returns the live job of the same queue that has the same dedupe key.
    ///
    /// Idempotent by construction (`INSERT … ON CONFLICT DO NOTHING`, then a look-up of the winner), so
    /// concurrent enqueuers of one key end up with one job.
    pub async fn enqueue(&self, job: NewJob) -> Result<Enqueued, StoreError> {
        let mut tx = self.db.begin().await?;
        let enqueued = self.enqueue_in(&mut tx, job).await?;
        tx.commit().await?;
        Ok(enqueued)
    }

    /// [`JobQueue::enqueue`] inside the caller's transaction: the job exists if and only if the
    /// transaction commits (DESIGN §4 "Nothing lost").
    pub async fn enqueue_in(&self, tx: &mut Tx, job: NewJob) -> Result<Enqueued, StoreError> {
        let now = self.clock.now_unix_ms();
        let payload = serde_json::to_string(&job.payload).map_err(|source| StoreError::Encode { source })?;
        let max_attempts = i64::from(job.max_attempts.max(1));
        // The look-up after a conflict can miss if the live job finished in between; then insert again.
        for _ in 0..3 {
            let id = JobId::new_at(now);
            let inserted: Option<(String,)> = crate::with_tx!(tx, conn => sqlx::query_as(sql::INSERT)
                .bind(id.to_string())
                .bind(&job.queue)
                .bind(&job.kind)
                .bind(&payload)
                .bind(job.dedupe_key.as_deref())
                .bind(i64::from(job.priority))
                .bind(max_attempts)
                .bind(job.run_at.unwrap_or(now))
                .bind(now)
                .fetch_optional(conn)
                .await)?;
            if inserted.is_some() {
                tracing::debug!(job = %id, queue = %job.queue, kind = %job.kind, "job enqueued");
                return Ok(Enqueued { id, created: true });
            }
            let Some(key) = job.dedupe_key.as_deref() else {
                return Err(StoreError::Conflict { constraint: Some("mydata_jobs.id".to_owned()) });
            };
            let live: Option<(String,)> = crate::with_tx!(tx, conn => sqlx::query_as(sql::FIND_LIVE_BY_KEY)
                .bind(&job.queue)
                .bind(key)
                .fetch_optional(conn)
                .await)?;
            if let Some((id,)) = live {
                return Ok(Enqueued { id: parse_id(&id)?, created: false });
            }
        }
        Err(StoreError::Conflict { constraint: Some("mydata_jobs_dedupe".to_owned()) })
    }

    /// Leases up to `max` due jobs of `queue` for `lease_for`, on behalf of `worker_id`.
    ///
    /// Takes `ready` jobs whose `run_at` has passed and `leased` jobs whose lease expired (their holder is
    /// presumed dead), in priority order, and counts one attempt on each. One atomic statement: on
    /// PostgreSQL the candidates are locked with `FOR UPDATE SKIP LOCKED`, so concurrent workers on any
    /// node never receive the same job; SQLite serialises writers. Jobs whose lease expired on their last
    /// attempt are made dead first.
    pub async fn lease(
        &self,
        queue: &str,
        worker_id: &str,
        max: u32,
        lease_for: Duration,
    ) -> Result<Vec<LeasedJob>, StoreError> {
        if max == 0 {
            return Ok(Vec::new());
        }
        let now = self.clock.now_unix_ms();
        let until = now.saturating_add(millis(lease_for));
        let token = Uuid::new_v4().simple().to_string();
        let reaped = crate::with_db!(&self.db, pool => sqlx::query(sql::REAP_EXPIRED_LAST_ATTEMPT)
            .bind(queue)
            .bind(now)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        if reaped > 0 {
            tracing::warn!(queue, jobs = reaped, "leases expired on the last attempt; jobs are dead");
        }
        let statement = match self.db.backend() {
            Backend::Sqlite => sql::LEASE_SQLITE,
            Backend::Postgres => sql::LEASE_POSTGRES,
        };
        let rows: Vec<JobRow> = crate::with_db!(&self.db, pool => sqlx::query_as(statement)
            .bind(queue)
            .bind(worker_id)
            .bind(&token)
            .bind(until)
            .bind(now)
            .bind(i64::from(max))
            .fetch_all(pool)
            .await)?;
        let mut leased = rows
            .into_iter()
            .map(|row| Ok(LeasedJob { job: Job::try_from(row)?, token: token.clone() }))
            .collect::<Result<Vec<_>, StoreError>>()?;
        leased.sort_by(|a, b| b.priority.cmp(&a.priority).then(a.run_at.cmp(&b.run_at)).then(a.id.cmp(&b.id)));
        if !leased.is_empty() {
            tracing::debug!(queue, worker = worker_id, jobs = leased.len(), "jobs leased");
        }
        Ok(leased)
    }

    /// Marks the job done. Fails with [`StoreError::LeaseLost`] if the lease was taken over.
    pub async fn complete(&self, job: &LeasedJob) -> Result<(), StoreError> {
        let now = self.clock.now_unix_ms();
        let affected = crate::with_db!(&self.db, pool => sqlx::query(sql::COMPLETE)
            .bind(job.id.to_string())
            .bind(&job.token)
            .bind(now)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        lease_held(affected, job)
    }

    /// [`JobQueue::complete`] inside the caller's transaction, so the job's results and its completion
    /// commit together or not at all. If the transaction rolls back, the job stays leased (and is leased
    /// again when the lease expires).
    pub async fn complete_in(&self, tx: &mut Tx, job: &LeasedJob) -> Result<(), StoreError> {
        let now = self.clock.now_unix_ms();
        let affected = crate::with_tx!(tx, conn => sqlx::query(sql::COMPLETE)
            .bind(job.id.to_string())
            .bind(&job.token)
            .bind(now)
            .execute(conn)
            .await
            .map(|r| r.rows_affected()))?;
        lease_held(affected, job)
    }

    /// Records a failed attempt: back to `ready` at `retry_at` (default: now) while attempts remain,
    /// otherwise `dead`. Returns the job's new state. Fails with [`StoreError::LeaseLost`] if the lease was
    /// taken over.
    pub async fn fail(&self, job: &LeasedJob, error: &str, retry_at: Option<i64>) -> Result<JobState, StoreError> {
        let now = self.clock.now_unix_ms();
        let state: Option<(String,)> = crate::with_db!(&self.db, pool => sqlx::query_as(sql::FAIL)
            .bind(job.id.to_string())
            .bind(&job.token)
            .bind(now)
            .bind(error)
            .bind(retry_at.unwrap_or(now))
            .fetch_optional(pool)
            .await)?;
        let Some((state,)) = state else {
            return Err(StoreError::LeaseLost { id: job.id });
        };
        let state: JobState = state.parse()?;
        if state == JobState::Dead {
            tracing::warn!(job = %job.id, queue = %job.queue, kind = %job.kind, attempts = job.attempts, "job is dead");
        }
        Ok(state)
    }

    /// Extends the lease to `lease_for` from now; returns the new expiry (Unix ms). Fails with
    /// [`StoreError::LeaseLost`] if the lease was taken over. A lease that expired but was not taken over
    /// yet can still be extended.
    pub async fn extend(&self, job: &LeasedJob, lease_for: Duration) -> Result<i64, StoreError> {
        let now = self.clock.now_unix_ms();
        let until = now.saturating_add(millis(lease_for));
        let affected = crate::with_db!(&self.db, pool => sqlx::query(sql::EXTEND)
            .bind(job.id.to_string())
            .bind(&job.token)
            .bind(now)
            .bind(until)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        lease_held(affected, job)?;
        Ok(until)
    }

    /// Gives the job back unprocessed (e.g. on shutdown): `ready` again at once, and the attempt this lease
    /// counted is not charged. Fails with [`StoreError::LeaseLost`] if the lease was taken over.
    pub async fn release(&self, job: &LeasedJob) -> Result<(), StoreError> {
        let now = self.clock.now_unix_ms();
        let affected = crate::with_db!(&self.db, pool => sqlx::query(sql::RELEASE)
            .bind(job.id.to_string())
            .bind(&job.token)
            .bind(now)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        lease_held(affected, job)
    }

    /// The most recently failed dead jobs of `queue`, newest first.
    pub async fn dead_letters(&self, queue: &str, limit: u32) -> Result<Vec<Job>, StoreError> {
        let rows: Vec<JobRow> = crate::with_db!(&self.db, pool => sqlx::query_as(sql::DEAD_LETTERS)
            .bind(queue)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await)?;
        rows.into_iter().map(Job::try_from).collect()
    }

    /// Re-runs a dead job: `ready` now, attempts reset to 0 (the last error is kept for reference).
    /// [`StoreError::NotFound`] if no dead job has this id; [`StoreError::Conflict`] if a live job of the
    /// queue took its dedupe key meanwhile.
    pub async fn replay(&self, id: JobId) -> Result<(), StoreError> {
        let now = self.clock.now_unix_ms();
        let affected = crate::with_db!(&self.db, pool => sqlx::query(sql::REPLAY)
            .bind(id.to_string())
            .bind(now)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        if affected == 0 {
            return Err(StoreError::NotFound);
        }
        tracing::info!(job = %id, "dead job replayed");
        Ok(())
    }

    /// The job with this id, if it exists.
    pub async fn get(&self, id: JobId) -> Result<Option<Job>, StoreError> {
        let row: Option<JobRow> = crate::with_db!(&self.db, pool => sqlx::query_as(sql::GET)
            .bind(id.to_string())
            .fetch_optional(pool)
            .await)?;
        row.map(Job::try_from).transpose()
    }

    /// The number of jobs per state in `queue`.
    pub async fn counts(&self, queue: &str) -> Result<JobCounts, StoreError> {
        let rows: Vec<(String, i64)> = crate::with_db!(&self.db, pool => sqlx::query_as(sql::COUNTS)
            .bind(queue)
            .fetch_all(pool)
            .await)?;
        let mut counts = JobCounts::default();
        for (state, n) in rows {
            let n = u64::try_from(n).unwrap_or(0);
            match state.parse()? {
                JobState::Ready => counts.ready = n,
                JobState::Leased => counts.leased = n,
                JobState::Done => counts.done = n,
                JobState::Dead => counts.dead = n,
            }
        }
        Ok(counts)
    }

    /// Deletes the done jobs of `queue` finished before `before` (Unix ms); returns how many.
    pub async fn prune_done(&self, queue: &str, before: i64) -> Result<u64, StoreError> {
        let affected = crate::with_db!(&self.db, pool => sqlx::query(sql::PRUNE_DONE)
            .bind(queue)
            .bind(before)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(affected)
    }
}

fn lease_held(rows_affected: u64, job: &LeasedJob) -> Result<(), StoreError> {
    if rows_affected == 0 {
        tracing::info!(job = %job.id, queue = %job.queue, "lease lost");
        return Err(StoreError::LeaseLost { id: job.id });
    }
    Ok(())
}
