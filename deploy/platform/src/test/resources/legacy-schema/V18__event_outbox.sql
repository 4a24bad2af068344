-- ragline schema v18: an outbox for events published after the rows they describe are committed.
--
-- The gateway stores a chat turn, then publishes answers.produced for the judge; the agents finish a research job, then
-- publish research.completed. Published after the commit, such an event was lost when the broker refused it or the
-- process stopped in between: the answer or report was stored and shown but never scored. Now the event is written here
-- in the same statement as the turn or the finished job; the service publishes it at once and deletes the row when the
-- broker acknowledges it. Rows left behind (broker down, process gone) are published again by any instance of the
-- service: each claims a batch for a lease (`claimed_until`, taken with SKIP LOCKED), so two instances never publish
-- the same row at the same time. A row published whose deletion was lost is published twice; consumers ignore an
-- event id they have applied (the judge keeps one judgement per answer and per report).
CREATE TABLE event_outbox (
    event_id      text        PRIMARY KEY,
    topic         text        NOT NULL,
    partition_key text        NOT NULL,
    -- the event as its topic carries it (the contracts' JSON)
    payload       text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    attempts      integer     NOT NULL DEFAULT 0,
    claimed_until timestamptz,
    last_error    text
);
CREATE INDEX event_outbox_due ON event_outbox (topic, created_at);
