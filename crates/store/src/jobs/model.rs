//! The job queue's values: ids, states, new, stored and leased jobs, and the row mapping.

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

use crate::error::StoreError;

const TABLE: &str = "mydata_jobs";

/// The id of a job: a UUID v7 (time-ordered), stored as hyphenated text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct JobId(Uuid);

impl JobId {
    /// A new id whose time part is `unix_ms`.
    pub fn new_at(unix_ms: i64) -> Self {
        let ms = u64::try_from(unix_ms).unwrap_or(0);
        let ts = uuid::Timestamp::from_unix_time(ms / 1000, u32::try_from(ms % 1000).unwrap_or(0) * 1_000_000, 0, 0);
        Self(Uuid::new_v7(ts))
    }

    /// The UUID.
    pub fn as_uuid(&self) -> Uuid {
        self.0
    }
}

impl fmt::Display for JobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

impl FromStr for JobId {
    type Err = uuid::Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(s).map(Self)
    }
}

/// Where a job is in its life; see the [module docs](super) for the transitions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    /// Waiting to be leased once `run_at` has passed.
    Ready,
    /// Held by a worker until its lease expires.
    Leased,
    /// Finished successfully (terminal).
    Done,
    /// Out of attempts; waits for a human to [`replay`](super::JobQueue::replay) it (terminal until then).
    Dead,
}

impl JobState {
    /// The value stored in the `state` column.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Ready => "ready",
            Self::Leased => "leased",
            Self::Done => "done",
            Self::Dead => "dead",
        }
    }
}

impl fmt::Display for JobState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for JobState {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "ready" => Ok(Self::Ready),
            "leased" => Ok(Self::Leased),
            "done" => Ok(Self::Done),
            "dead" => Ok(Self::Dead),
            other => Err(corrupt(format!("unknown job state {other:?}"))),
        }
    }
}

/// A job to enqueue. Build it with [`NewJob::new`] and the setters.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct NewJob {
    /// The queue (one per kind of worker pool, e.g. `collect`).
    pub queue: String,
    /// What the job does, for the worker's dispatch (e.g. `user-consent`).
    pub kind: String,
    /// The job's arguments.
    pub payload: serde_json::Value,
    /// Deduplication key; see the [module docs](super). Default: none.
    pub dedupe_key: Option<String>,
    /// Not leased before this time (Unix ms). Default: none, i.e. now.
    pub run_at: Option<i64>,
    /// Leases allowed before the job goes dead (at least 1). Default: 5.
    pub max_attempts: u32,
    /// Higher runs first. Default: 0.
    pub priority: i32,
}

impl NewJob {
    /// Default max attempts.
    pub const DEFAULT_MAX_ATTEMPTS: u32 = 5;

    /// A job with the defaults documented on each field.
    pub fn new(queue: impl Into<String>, kind: impl Into<String>, payload: serde_json::Value) -> Self {
        Self {
            queue: queue.into(),
            kind: kind.into(),
            payload,
            dedupe_key: None,
            run_at: None,
            max_attempts: Self::DEFAULT_MAX_ATTEMPTS,
            priority: 0,
        }
    }

    /// Sets [`NewJob::dedupe_key`].
    #[must_use]
    pub fn dedupe_key(mut self, key: impl Into<String>) -> Self {
        self.dedupe_key = Some(key.into());
        self
    }

    /// Sets [`NewJob::run_at`].
    #[must_use]
    pub fn run_at(mut self, unix_ms: i64) -> Self {
        self.run_at = Some(unix_ms);
        self
    }

    /// Sets [`NewJob::max_attempts`] (values below 1 count as 1).
    #[must_use]
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n;
        self
    }

    /// Sets [`NewJob::priority`].
    #[must_use]
    pub fn priority(mut self, priority: i32) -> Self {
        self.priority = priority;
        self
    }
}

/// The result of [`JobQueue::enqueue`](super::JobQueue::enqueue).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Enqueued {
    /// The new job, or the live job that already had the dedupe key.
    pub id: JobId,
    /// `false` when an existing live job was returned instead of creating one.
    pub created: bool,
}

/// A stored job, as read by [`JobQueue::get`](super::JobQueue::get) and
/// [`JobQueue::dead_letters`](super::JobQueue::dead_letters).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Job {
    /// The id.
    pub id: JobId,
    /// The queue.
    pub queue: String,
    /// The kind.
    pub kind: String,
    /// The arguments.
    pub payload: serde_json::Value,
    /// The deduplication key.
    pub dedupe_key: Option<String>,
    /// The state.
    pub state: JobState,
    /// Higher runs first.
    pub priority: i32,
    /// Leases taken so far.
    pub attempts: u32,
    /// Leases allowed.
    pub max_attempts: u32,
    /// Not leased before (Unix ms).
    pub run_at: i64,
    /// The worker holding the lease, while leased.
    pub lease_owner: Option<String>,
    /// When the lease expires (Unix ms), while leased.
    pub lease_until: Option<i64>,
    /// The last failure, or why the last lease expired.
    pub last_error: Option<String>,
    /// Creation time (Unix ms).
    pub created_at: i64,
    /// Last change (Unix ms).
    pub updated_at: i64,
}

/// A job held by a worker, as returned by [`JobQueue::lease`](super::JobQueue::lease). Pass it back to
/// finish the job.
#[derive(Clone, PartialEq)]
pub struct LeasedJob {
    /// The job as it was when leased (state `leased`, attempts already counting this lease).
    pub job: Job,
    /// The lease's token; a capability, so it is neither public nor printed.
    pub(super) token: String,
}

impl LeasedJob {
    /// The job id.
    pub fn id(&self) -> JobId {
        self.job.id
    }

    /// The lease expiry (Unix ms) as granted by the lease.
    pub fn lease_until(&self) -> i64 {
        self.job.lease_until.unwrap_or_default()
    }
}

impl fmt::Debug for LeasedJob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The token is a capability; keep it out of logs.
        f.debug_struct("LeasedJob").field("job", &self.job).finish_non_exhaustive()
    }
}

impl std::ops::Deref for LeasedJob {
    type Target = Job;

    fn deref(&self) -> &Job {
        &self.job
    }
}

/// Number of jobs per state in one queue.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JobCounts {
    /// Ready jobs (due or scheduled).
    pub ready: u64,
    /// Leased jobs.
    pub leased: u64,
    /// Done jobs not yet pruned.
    pub done: u64,
    /// Dead letters.
    pub dead: u64,
}

#[derive(sqlx::FromRow)]
pub(super) struct JobRow {
    id: String,
    queue: String,
    kind: String,
    payload: String,
    dedupe_key: Option<String>,
    state: String,
    priority: i64,
    attempts: i64,
    max_attempts: i64,
    run_at: i64,
    lease_owner: Option<String>,
    lease_until: Option<i64>,
    last_error: Option<String>,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<JobRow> for Job {
    type Error = StoreError;

    fn try_from(r: JobRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: parse_id(&r.id)?,
            payload: serde_json::from_str(&r.payload).map_err(|e| corrupt(format!("payload of job {}: {e}", r.id)))?,
            state: r.state.parse()?,
            priority: i32::try_from(r.priority).map_err(|_| corrupt(format!("priority {}", r.priority)))?,
            attempts: u32::try_from(r.attempts).map_err(|_| corrupt(format!("attempts {}", r.attempts)))?,
            max_attempts: u32::try_from(r.max_attempts)
                .map_err(|_| corrupt(format!("max_attempts {}", r.max_attempts)))?,
            queue: r.queue,
            kind: r.kind,
            dedupe_key: r.dedupe_key,
            run_at: r.run_at,
            lease_owner: r.lease_owner,
            lease_until: r.lease_until,
            last_error: r.last_error,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

pub(super) fn corrupt(detail: String) -> StoreError {
    StoreError::Corrupt { table: TABLE, detail }
}

pub(super) fn parse_id(s: &str) -> Result<JobId, StoreError> {
    s.parse().map_err(|e| corrupt(format!("job id {s:?}: {e}")))
}
