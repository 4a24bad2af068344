-- Code reviews by head commit: at most one posted review per (repository, pull request, head SHA), whichever agents
-- instance or retry gets there. 'pending' while a worker reviews; 'posted', 'superseded' (a newer commit arrived
-- first) or 'failed' at the end.
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
