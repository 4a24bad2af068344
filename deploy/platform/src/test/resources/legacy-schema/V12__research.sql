-- Research jobs and their steps. The gateway creates the job; the agents move it through its stages, every step's
-- result stored here before the step's Kafka offset is committed, so a redelivered step is skipped and a crashed one
-- redone. A step's result is written once (the first completion wins): the report never holds a step twice.
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
