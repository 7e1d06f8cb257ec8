-- mydata-store: the durable job queue (versions 0001..0999 are reserved for mydata-store).
-- Portable subset: TEXT, BIGINT (unix ms / counters), CHECK constraints, partial unique index.
CREATE TABLE mydata_jobs (
    id           TEXT   NOT NULL PRIMARY KEY,          -- UUID v7, hyphenated
    queue        TEXT   NOT NULL,
    kind         TEXT   NOT NULL,
    payload      TEXT   NOT NULL,                      -- JSON document
    dedupe_key   TEXT,
    state        TEXT   NOT NULL CHECK (state IN ('ready', 'leased', 'done', 'dead')),
    priority     BIGINT NOT NULL DEFAULT 0,            -- higher runs first
    attempts     BIGINT NOT NULL DEFAULT 0,            -- number of leases taken so far
    max_attempts BIGINT NOT NULL CHECK (max_attempts >= 1),
    run_at       BIGINT NOT NULL,                      -- unix ms; not leased before
    lease_owner  TEXT,
    lease_token  TEXT,
    lease_until  BIGINT,                               -- unix ms
    last_error   TEXT,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    CHECK ((state = 'leased') = (lease_token IS NOT NULL AND lease_until IS NOT NULL))
);

CREATE INDEX mydata_jobs_pick ON mydata_jobs (queue, state, run_at);

-- A dedupe key is unique among the live (ready or leased) jobs of a queue; done and dead jobs free it.
CREATE UNIQUE INDEX mydata_jobs_dedupe ON mydata_jobs (queue, dedupe_key)
    WHERE dedupe_key IS NOT NULL AND state IN ('ready', 'leased');
