-- What users said about answers: thumbs up or down, optionally a corrected answer. The latest word per answer counts.
-- With the judge's scores, this is what preference and supervised fine-tuning data are built from.
CREATE TABLE answer_feedback (
    tenant            text        NOT NULL,
    answer_id         text        NOT NULL,
    rating            smallint    NOT NULL CHECK (rating IN (-1, 1)),
    corrected_answer  text,
    comment           text,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant, answer_id)
);

CREATE INDEX conversation_turns_event ON conversation_turns (tenant, event_id);
