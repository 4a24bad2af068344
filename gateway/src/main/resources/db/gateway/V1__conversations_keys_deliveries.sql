-- The gateway's schema. The gateway is the only writer of these tables; it keeps no state of its own beyond them, so
-- any instance serves any request. Plain PostgreSQL.

-- Conversations of the chat API: one row per conversation, one per answered turn.
CREATE TABLE conversations (
    tenant      text        NOT NULL,
    id          text        NOT NULL,
    title       text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant, id)
);

CREATE TABLE conversation_turns (
    tenant             text        NOT NULL,
    conversation_id    text        NOT NULL,
    turn               integer     NOT NULL,
    question           text        NOT NULL,
    standalone_query   text,
    answer             text        NOT NULL,
    mode               text        NOT NULL,
    model              text,
    citations          jsonb       NOT NULL DEFAULT '[]'::jsonb,
    prompt_tokens      integer     NOT NULL DEFAULT 0,
    completion_tokens  integer     NOT NULL DEFAULT 0,
    event_id           text        NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant, conversation_id, turn),
    FOREIGN KEY (tenant, conversation_id) REFERENCES conversations (tenant, id) ON DELETE CASCADE
);
CREATE INDEX conversation_turns_event ON conversation_turns (tenant, event_id);

-- What users said about answers: thumbs up or down, optionally a corrected answer. The latest word per answer counts.
CREATE TABLE answer_feedback (
    tenant            text        NOT NULL,
    answer_id         text        NOT NULL,
    rating            smallint    NOT NULL CHECK (rating IN (-1, 1)),
    corrected_answer  text,
    comment           text,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant, answer_id)
);

-- API keys mapped to tenants. Only a SHA-256 of each key is stored (keys are 190-bit random strings, so a fast hash is
-- enough). The rate-limit window and the daily token count live here too, so every instance enforces the same limits.
CREATE TABLE api_keys (
    id               text        PRIMARY KEY,
    tenant           text        NOT NULL,
    name             text        NOT NULL,
    key_hash         text        NOT NULL UNIQUE,
    rate_per_minute  integer     NOT NULL,
    daily_tokens     bigint      NOT NULL,
    window_start     timestamptz NOT NULL DEFAULT 'epoch',
    window_requests  integer     NOT NULL DEFAULT 0,
    created_at       timestamptz NOT NULL DEFAULT now(),
    revoked_at       timestamptz
);
CREATE INDEX api_keys_tenant ON api_keys (tenant);

CREATE TABLE api_key_usage (
    key_id  text    NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    day     date    NOT NULL,
    tokens  bigint  NOT NULL DEFAULT 0,
    PRIMARY KEY (key_id, day)
);

-- GitHub webhook deliveries, deduplicated by X-GitHub-Delivery across every instance: 'pending' from the moment one
-- instance takes a delivery until its event is on Kafka ('published'); a redelivery of one left pending (its instance
-- died before publishing) is taken over after a grace period.
CREATE TABLE webhook_deliveries (
    delivery_id  text        PRIMARY KEY,
    event        text        NOT NULL,
    status       text        NOT NULL,
    attempts     integer     NOT NULL DEFAULT 1,
    received_at  timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz
);

-- The gateway's outbox: answers.produced is written here in the statement that stores the turn, published at once and
-- deleted when the broker acknowledges it; rows left behind are published again by any instance, each claiming a
-- batch for a lease (SKIP LOCKED). Consumers ignore an event id they have applied.
CREATE TABLE gateway_outbox (
    event_id      text        PRIMARY KEY,
    topic         text        NOT NULL,
    partition_key text        NOT NULL,
    payload       text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    attempts      integer     NOT NULL DEFAULT 0,
    claimed_until timestamptz,
    last_error    text
);
CREATE INDEX gateway_outbox_due ON gateway_outbox (topic, created_at);
