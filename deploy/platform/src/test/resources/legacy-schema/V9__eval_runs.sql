-- Golden datasets and quality runs of the judge. A run asks ragline through the gateway's public API, as users do,
-- and keeps every answer with its scores, so runs can be compared, reported and audited later.
CREATE TABLE eval_items (
    tenant            text    NOT NULL,
    dataset           text    NOT NULL,
    ordinal           integer NOT NULL,
    question          text    NOT NULL,
    reference_answer  text,
    relevant_doc_ids  jsonb   NOT NULL DEFAULT '[]'::jsonb,
    PRIMARY KEY (tenant, dataset, ordinal)
);

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
    finished_at   timestamptz
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
