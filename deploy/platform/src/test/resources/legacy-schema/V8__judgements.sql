-- The judge's scores: one judgement per scored subject (an answer, a review), whichever judge instance scored it.
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
