-- The judge's schema. The judge is the only writer of these tables. Plain PostgreSQL.

-- One judgement per scored subject (an answer, a review, a report), whichever judge instance scored it.
CREATE TABLE judgements (
    subject_type      text        NOT NULL,
    subject_event_id  text        NOT NULL,
    event_id          text        NOT NULL UNIQUE,
    tenant            text        NOT NULL,
    scores            jsonb       NOT NULL,
    judge_model       text        NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (subject_type, subject_event_id)
);
CREATE INDEX judgements_tenant_time ON judgements (tenant, created_at);

-- Golden datasets and quality runs. A run asks ragline through the gateway's public API, as users do, and keeps every
-- answer with its scores, so runs can be compared, reported and audited later.
CREATE TABLE eval_items (
    tenant            text    NOT NULL,
    dataset           text    NOT NULL,
    ordinal           integer NOT NULL,
    question          text    NOT NULL,
    reference_answer  text,
    relevant_doc_ids  jsonb   NOT NULL DEFAULT '[]'::jsonb,
    PRIMARY KEY (tenant, dataset, ordinal)
);

-- `metadata`: what a run measured (the models and prompt versions that answered, the answer modes, the tenant's index),
-- so a change in the numbers can be traced to a change in parts.
CREATE TABLE eval_runs (
    id            text        PRIMARY KEY,
    tenant        text        NOT NULL,
    dataset       text        NOT NULL,
    status        text        NOT NULL,
    trigger       text        NOT NULL,
    items         integer     NOT NULL DEFAULT 0,
    done          integer     NOT NULL DEFAULT 0,
    summary       jsonb,
    comparison    jsonb,
    regressed     boolean     NOT NULL DEFAULT false,
    reason        text,
    started_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz,
    metadata      jsonb
);
CREATE INDEX eval_runs_dataset ON eval_runs (tenant, dataset, started_at);

CREATE TABLE eval_results (
    run_id    text    NOT NULL REFERENCES eval_runs (id) ON DELETE CASCADE,
    ordinal   integer NOT NULL,
    question  text    NOT NULL,
    answer    text,
    mode      text,
    scores    jsonb   NOT NULL,
    sources   jsonb   NOT NULL DEFAULT '[]'::jsonb,
    PRIMARY KEY (run_id, ordinal)
);

CREATE TABLE eval_baselines (
    tenant   text NOT NULL,
    dataset  text NOT NULL,
    run_id   text NOT NULL REFERENCES eval_runs (id) ON DELETE CASCADE,
    PRIMARY KEY (tenant, dataset)
);
