-- The agents' schema. The agents are the only writer of these tables; other services create and read research jobs
-- through the agents' API. Plain PostgreSQL.

-- Code reviews by head commit: at most one posted review per (repository, pull request, head SHA), whichever instance
-- or retry gets there. 'pending' while a worker reviews; 'posted', 'superseded' (a newer commit arrived first) or
-- 'failed' at the end.
CREATE TABLE reviews (
    repository        text        NOT NULL,
    pull_number       integer     NOT NULL,
    head_sha          text        NOT NULL,
    tenant            text        NOT NULL,
    request_event_id  text        NOT NULL,
    status            text        NOT NULL,
    attempts          integer     NOT NULL DEFAULT 1,
    review_url        text,
    findings          integer,
    reason            text,
    started_at        timestamptz NOT NULL DEFAULT now(),
    finished_at       timestamptz,
    PRIMARY KEY (repository, pull_number, head_sha)
);

-- Research jobs and their steps: every step's result is stored before the step's Kafka offset is committed, so a
-- redelivered step is skipped and a crashed one redone; a step's result is written once (the first completion wins).
CREATE TABLE research_jobs (
    id                text        PRIMARY KEY,
    tenant            text        NOT NULL,
    question          text        NOT NULL,
    breadth           integer     NOT NULL,
    depth             integer     NOT NULL,
    max_sources       integer     NOT NULL,
    filters           jsonb,
    -- queued | planning | researching | writing | reviewing | completed | budget_exhausted | cancelled | failed
    status            text        NOT NULL,
    mode              text,
    outline           jsonb,
    level             integer     NOT NULL DEFAULT 1,
    round             integer     NOT NULL DEFAULT 0,
    report_markdown   text,
    report            jsonb,
    sources           jsonb,
    missing           jsonb       NOT NULL DEFAULT '[]'::jsonb,
    steps_used        integer     NOT NULL DEFAULT 0,
    tokens_used       integer     NOT NULL DEFAULT 0,
    max_steps         integer     NOT NULL,
    max_tokens        integer     NOT NULL,
    deadline          timestamptz NOT NULL,
    cancel_requested  boolean     NOT NULL DEFAULT false,
    message           text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    finished_at       timestamptz
);
CREATE INDEX research_jobs_tenant ON research_jobs (tenant, created_at DESC);

CREATE TABLE research_steps (
    job_id       text        NOT NULL REFERENCES research_jobs (id) ON DELETE CASCADE,
    step_id      text        NOT NULL,
    kind         text        NOT NULL,
    level        integer     NOT NULL DEFAULT 1,
    -- the sub-question of a researcher step
    question     text,
    -- pending | done | failed | skipped
    status       text        NOT NULL DEFAULT 'pending',
    result       jsonb,
    attempts     integer     NOT NULL DEFAULT 0,
    tokens       integer     NOT NULL DEFAULT 0,
    worker       text,
    reason       text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    started_at   timestamptz,
    finished_at  timestamptz,
    PRIMARY KEY (job_id, step_id)
);

-- The agents' outbox: research.completed is written here in the statement that finishes the job, published at once
-- and deleted when the broker acknowledges it; rows left behind are published again by any instance, each claiming a
-- batch for a lease (SKIP LOCKED). Consumers ignore an event id they have applied.
CREATE TABLE agents_outbox (
    event_id      text        PRIMARY KEY,
    topic         text        NOT NULL,
    partition_key text        NOT NULL,
    payload       text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    attempts      integer     NOT NULL DEFAULT 0,
    claimed_until timestamptz,
    last_error    text
);
CREATE INDEX agents_outbox_due ON agents_outbox (topic, created_at);
