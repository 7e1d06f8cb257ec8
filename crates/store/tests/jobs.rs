//! The durable job queue, on both backends.
#![expect(clippy::unwrap_used, reason = "test bodies run through both_backends!, which clippy does not see as tests")]

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use mydata_core::{Clock, ManualClock, SharedClock};
use mydata_store::testing::TestDb;
use mydata_store::{JobCounts, JobQueue, JobState, Migrations, NewJob, StoreError, both_backends, with_tx};
use serde_json::json;
use time::macros::datetime;

const Q: &str = "collect";
const LEASE: Duration = Duration::from_secs(30);

async fn setup(db: &TestDb) -> (JobQueue, Arc<ManualClock>) {
    db.migrate(&Migrations::empty()).await.unwrap();
    let clock = ManualClock::new(datetime!(2026-01-01 00:00 UTC));
    let shared: SharedClock = clock.clone();
    (JobQueue::new(db.db().clone(), shared), clock)
}

fn secs(n: i64) -> time::Duration {
    time::Duration::seconds(n)
}

async fn enqueue_is_idempotent_on_dedupe_key(db: TestDb) {
    let (q, _clock) = setup(&db).await;
    let job = || NewJob::new(Q, "user-consent", json!({"subject": "s1"})).dedupe_key("s1/bank");
    let first = q.enqueue(job()).await.unwrap();
    assert!(first.created);
    let second = q.enqueue(job()).await.unwrap();
    assert_eq!(second.id, first.id);
    assert!(!second.created);

    // Another queue, or no key, makes a new job.
    let other = q.enqueue(NewJob::new("other", "x", json!(null)).dedupe_key("s1/bank")).await.unwrap();
    assert!(other.created);
    assert_ne!(other.id, first.id);
    let a = q.enqueue(NewJob::new(Q, "x", json!(1))).await.unwrap();
    let b = q.enqueue(NewJob::new(Q, "x", json!(1))).await.unwrap();
    assert!(a.created && b.created && a.id != b.id);

    // While leased the key still holds; once done it is free again.
    let leased = q.lease(Q, "w1", 10, LEASE).await.unwrap();
    let held = leased.iter().find(|j| j.id() == first.id).unwrap();
    assert_eq!(q.enqueue(job()).await.unwrap().id, first.id);
    q.complete(held).await.unwrap();
    let third = q.enqueue(job()).await.unwrap();
    assert!(third.created);
    assert_ne!(third.id, first.id);

    let stored = q.get(third.id).await.unwrap().unwrap();
    assert_eq!(stored.payload, json!({"subject": "s1"}));
    assert_eq!(stored.kind, "user-consent");
    assert_eq!(stored.state, JobState::Ready);
    assert_eq!(stored.dedupe_key.as_deref(), Some("s1/bank"));
}

async fn enqueue_in_follows_the_transaction(db: TestDb) {
    let (q, _clock) = setup(&db).await;
    let mut tx = db.begin().await.unwrap();
    let rolled_back = q.enqueue_in(&mut tx, NewJob::new(Q, "x", json!(1))).await.unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(q.get(rolled_back.id).await.unwrap(), None);

    let mut tx = db.begin().await.unwrap();
    let kept = q.enqueue_in(&mut tx, NewJob::new(Q, "x", json!(2)).dedupe_key("k")).await.unwrap();
    let again = q.enqueue_in(&mut tx, NewJob::new(Q, "x", json!(2)).dedupe_key("k")).await.unwrap();
    assert_eq!(again.id, kept.id);
    assert!(!again.created);
    tx.commit().await.unwrap();
    assert_eq!(q.counts(Q).await.unwrap(), JobCounts { ready: 1, ..JobCounts::default() });
}

async fn lease_respects_run_at_and_priority(db: TestDb) {
    let (q, clock) = setup(&db).await;
    let now = clock.now_unix_ms();
    let later = q.enqueue(NewJob::new(Q, "later", json!(0)).run_at(now + 60_000)).await.unwrap();
    let low = q.enqueue(NewJob::new(Q, "low", json!(0)).priority(-1)).await.unwrap();
    let normal = q.enqueue(NewJob::new(Q, "normal", json!(0))).await.unwrap();
    let high = q.enqueue(NewJob::new(Q, "high", json!(0)).priority(10)).await.unwrap();

    let long = Duration::from_secs(600);
    let first = q.lease(Q, "w1", 2, long).await.unwrap();
    assert_eq!(first.iter().map(|j| j.id()).collect::<Vec<_>>(), vec![high.id, normal.id]);
    let second = q.lease(Q, "w1", 10, long).await.unwrap();
    assert_eq!(second.iter().map(|j| j.id()).collect::<Vec<_>>(), vec![low.id]);
    assert!(q.lease(Q, "w1", 10, LEASE).await.unwrap().is_empty(), "the future job is not due");
    assert!(q.lease("other-queue", "w1", 10, LEASE).await.unwrap().is_empty());

    clock.advance(secs(60));
    let due = q.lease(Q, "w1", 10, LEASE).await.unwrap();
    assert_eq!(due.len(), 1);
    let job = &due[0];
    assert_eq!(job.id(), later.id);
    assert_eq!(job.state, JobState::Leased);
    assert_eq!(job.attempts, 1);
    assert_eq!(job.lease_owner.as_deref(), Some("w1"));
    assert_eq!(job.lease_until(), clock.now_unix_ms() + 30_000);
    assert_eq!(q.counts(Q).await.unwrap(), JobCounts { leased: 4, ..JobCounts::default() });
    assert!(q.lease(Q, "w1", 0, LEASE).await.unwrap().is_empty());
}

async fn expired_lease_is_taken_over_and_the_stale_holder_loses(db: TestDb) {
    let (q, clock) = setup(&db).await;
    let id = q.enqueue(NewJob::new(Q, "x", json!(0))).await.unwrap().id;
    let stale = q.lease(Q, "w1", 1, LEASE).await.unwrap().pop().unwrap();
    assert_eq!(stale.attempts, 1);

    // Not expired yet: nobody else gets it.
    clock.advance(secs(30));
    assert!(q.lease(Q, "w2", 1, LEASE).await.unwrap().is_empty());

    clock.advance(secs(1));
    let fresh = q.lease(Q, "w2", 1, LEASE).await.unwrap().pop().unwrap();
    assert_eq!(fresh.id(), id);
    assert_eq!(fresh.attempts, 2);
    assert_eq!(fresh.lease_owner.as_deref(), Some("w2"));
    assert!(fresh.last_error.as_deref().unwrap().contains("w1"), "{:?}", fresh.last_error);

    for err in [
        q.complete(&stale).await.unwrap_err(),
        q.extend(&stale, LEASE).await.unwrap_err(),
        q.release(&stale).await.unwrap_err(),
        q.fail(&stale, "boom", None).await.unwrap_err(),
    ] {
        assert!(matches!(err, StoreError::LeaseLost { id: lost } if lost == id), "{err:?}");
    }
    let mut tx = db.begin().await.unwrap();
    let err = q.complete_in(&mut tx, &stale).await.unwrap_err();
    assert!(matches!(err, StoreError::LeaseLost { .. }), "{err:?}");
    tx.rollback().await.unwrap();

    // The new holder is unaffected.
    let until = q.extend(&fresh, Duration::from_secs(120)).await.unwrap();
    assert_eq!(until, clock.now_unix_ms() + 120_000);
    q.complete(&fresh).await.unwrap();
    let done = q.get(id).await.unwrap().unwrap();
    assert_eq!(done.state, JobState::Done);
    assert_eq!(done.lease_owner, None);
    // Finished means finished.
    assert!(matches!(q.complete(&fresh).await, Err(StoreError::LeaseLost { .. })));
}

async fn fail_retries_then_goes_dead(db: TestDb) {
    let (q, clock) = setup(&db).await;
    let id = q.enqueue(NewJob::new(Q, "x", json!(0)).max_attempts(3)).await.unwrap().id;
    for attempt in 1..=3_u32 {
        let job = q.lease(Q, "w1", 1, LEASE).await.unwrap().pop().unwrap();
        assert_eq!(job.attempts, attempt);
        let retry_at = clock.now_unix_ms() + 10_000;
        let state = q.fail(&job, &format!("error {attempt}"), Some(retry_at)).await.unwrap();
        if attempt < 3 {
            assert_eq!(state, JobState::Ready);
            assert!(q.lease(Q, "w1", 1, LEASE).await.unwrap().is_empty(), "retry waits for retry_at");
            clock.advance(secs(10));
        } else {
            assert_eq!(state, JobState::Dead);
        }
    }
    clock.advance(secs(3600));
    assert!(q.lease(Q, "w1", 1, LEASE).await.unwrap().is_empty(), "dead jobs are never leased");
    let dead = q.dead_letters(Q, 10).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].id, id);
    assert_eq!(dead[0].attempts, 3);
    assert_eq!(dead[0].last_error.as_deref(), Some("error 3"));
    assert_eq!(q.counts(Q).await.unwrap(), JobCounts { dead: 1, ..JobCounts::default() });
}

async fn replay_brings_a_dead_job_back(db: TestDb) {
    let (q, _clock) = setup(&db).await;
    let id = q.enqueue(NewJob::new(Q, "x", json!(0)).max_attempts(1).dedupe_key("k")).await.unwrap().id;
    let job = q.lease(Q, "w1", 1, LEASE).await.unwrap().pop().unwrap();
    assert_eq!(q.fail(&job, "boom", None).await.unwrap(), JobState::Dead);
    assert!(matches!(q.replay(job.id()).await, Ok(())));
    let ready = q.get(id).await.unwrap().unwrap();
    assert_eq!((ready.state, ready.attempts), (JobState::Ready, 0));
    assert_eq!(ready.last_error.as_deref(), Some("boom"));
    let again = q.lease(Q, "w1", 1, LEASE).await.unwrap().pop().unwrap();
    assert_eq!((again.id(), again.attempts), (id, 1));
    q.complete(&again).await.unwrap();

    // Only dead jobs can be replayed.
    assert!(matches!(q.replay(id).await, Err(StoreError::NotFound)));
    assert!(matches!(q.replay(mydata_store::JobId::new_at(0)).await, Err(StoreError::NotFound)));

    // A dead job whose key a live job took meanwhile cannot come back as a duplicate.
    let dead = q.enqueue(NewJob::new(Q, "y", json!(0)).max_attempts(1).dedupe_key("d")).await.unwrap().id;
    let job = q.lease(Q, "w1", 1, LEASE).await.unwrap().pop().unwrap();
    q.fail(&job, "boom", None).await.unwrap();
    let live = q.enqueue(NewJob::new(Q, "y", json!(0)).dedupe_key("d")).await.unwrap();
    assert!(live.created, "a dead job frees its key");
    assert!(matches!(q.replay(dead).await, Err(StoreError::Conflict { .. })));
}

async fn lease_expiring_on_the_last_attempt_makes_the_job_dead(db: TestDb) {
    let (q, clock) = setup(&db).await;
    let id = q.enqueue(NewJob::new(Q, "poison", json!(0)).max_attempts(2)).await.unwrap().id;
    q.lease(Q, "w1", 1, LEASE).await.unwrap().pop().unwrap();
    clock.advance(secs(31));
    let second = q.lease(Q, "w2", 1, LEASE).await.unwrap().pop().unwrap();
    assert_eq!(second.attempts, 2);
    clock.advance(secs(31));
    assert!(q.lease(Q, "w3", 1, LEASE).await.unwrap().is_empty());
    let dead = q.get(id).await.unwrap().unwrap();
    assert_eq!(dead.state, JobState::Dead);
    assert!(dead.last_error.unwrap().contains("w2"));
    assert!(matches!(q.complete(&second).await, Err(StoreError::LeaseLost { .. })));
}

async fn release_gives_the_job_back_without_charging_an_attempt(db: TestDb) {
    let (q, _clock) = setup(&db).await;
    let id = q.enqueue(NewJob::new(Q, "x", json!(0)).max_attempts(1)).await.unwrap().id;
    let job = q.lease(Q, "w1", 1, LEASE).await.unwrap().pop().unwrap();
    q.release(&job).await.unwrap();
    let ready = q.get(id).await.unwrap().unwrap();
    assert_eq!((ready.state, ready.attempts, ready.lease_owner), (JobState::Ready, 0, None));
    let again = q.lease(Q, "w2", 1, LEASE).await.unwrap().pop().unwrap();
    assert_eq!(again.attempts, 1);
    assert!(matches!(q.release(&job).await, Err(StoreError::LeaseLost { .. })));
}

async fn complete_in_commits_with_the_caller(db: TestDb) {
    let (q, _clock) = setup(&db).await;
    mydata_store::with_db!(&db, pool => sqlx::query("CREATE TABLE results (job TEXT PRIMARY KEY)")
        .execute(pool)
        .await
        .map(drop))
    .unwrap();
    let id = q.enqueue(NewJob::new(Q, "x", json!(0))).await.unwrap().id;
    let job = q.lease(Q, "w1", 1, LEASE).await.unwrap().pop().unwrap();

    // Results and completion roll back together: the job stays leased, nothing was written.
    let mut tx = db.begin().await.unwrap();
    with_tx!(&mut tx, conn => sqlx::query("INSERT INTO results (job) VALUES ($1)")
        .bind(id.to_string())
        .execute(conn)
        .await
        .map(drop))
    .unwrap();
    q.complete_in(&mut tx, &job).await.unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(q.get(id).await.unwrap().unwrap().state, JobState::Leased);

    // …and commit together.
    let mut tx = db.begin().await.unwrap();
    with_tx!(&mut tx, conn => sqlx::query("INSERT INTO results (job) VALUES ($1)")
        .bind(id.to_string())
        .execute(conn)
        .await
        .map(drop))
    .unwrap();
    q.complete_in(&mut tx, &job).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(q.get(id).await.unwrap().unwrap().state, JobState::Done);
    let (n,): (i64,) = mydata_store::with_db!(&db, pool => sqlx::query_as("SELECT COUNT(*) FROM results")
        .fetch_one(pool)
        .await)
    .unwrap();
    assert_eq!(n, 1);
}

async fn prune_done_deletes_only_old_done_jobs(db: TestDb) {
    let (q, clock) = setup(&db).await;
    for _ in 0..3 {
        q.enqueue(NewJob::new(Q, "x", json!(0))).await.unwrap();
    }
    let leased = q.lease(Q, "w1", 2, LEASE).await.unwrap();
    for job in &leased {
        q.complete(job).await.unwrap();
    }
    clock.advance(secs(10));
    assert_eq!(q.prune_done(Q, clock.now_unix_ms() - 20_000).await.unwrap(), 0);
    assert_eq!(q.prune_done(Q, clock.now_unix_ms()).await.unwrap(), 2);
    assert_eq!(q.counts(Q).await.unwrap(), JobCounts { ready: 1, ..JobCounts::default() });
}

/// Several workers lease concurrently until the queue is empty; every job is leased exactly once.
async fn concurrent_workers_never_lease_the_same_job(db: TestDb) {
    const JOBS: usize = 200;
    const WORKERS: usize = 8;
    let (q, _clock) = setup(&db).await;
    for i in 0..JOBS {
        q.enqueue(NewJob::new(Q, "x", json!({ "i": i }))).await.unwrap();
    }
    let mut workers = tokio::task::JoinSet::new();
    for w in 0..WORKERS {
        let q = q.clone();
        workers.spawn(async move {
            let worker = format!("worker-{w}");
            let mut mine = Vec::new();
            loop {
                let batch = q.lease(Q, &worker, 3, LEASE).await.unwrap();
                if batch.is_empty() {
                    break;
                }
                for job in batch {
                    assert_eq!(job.lease_owner.as_deref(), Some(worker.as_str()));
                    q.complete(&job).await.unwrap();
                    mine.push(job.id());
                }
                tokio::task::yield_now().await;
            }
            mine
        });
    }
    let mut seen = HashMap::new();
    while let Some(mine) = workers.join_next().await {
        for id in mine.unwrap() {
            *seen.entry(id).or_insert(0) += 1;
        }
    }
    assert_eq!(seen.len(), JOBS);
    assert!(seen.values().all(|&n| n == 1), "a job was leased twice");
    assert_eq!(q.counts(Q).await.unwrap(), JobCounts { done: JOBS as u64, ..JobCounts::default() });
}

both_backends!(
    enqueue_is_idempotent_on_dedupe_key,
    enqueue_in_follows_the_transaction,
    lease_respects_run_at_and_priority,
    expired_lease_is_taken_over_and_the_stale_holder_loses,
    fail_retries_then_goes_dead,
    replay_brings_a_dead_job_back,
    lease_expiring_on_the_last_attempt_makes_the_job_dead,
    release_gives_the_job_back_without_charging_an_attempt,
    complete_in_commits_with_the_caller,
    prune_done_deletes_only_old_done_jobs,
    concurrent_workers_never_lease_the_same_job,
);
