-- API keys of the public API, mapped to tenants. Only a SHA-256 of each key is stored (keys are 190-bit random
-- strings, so a fast hash is enough); the key itself is shown once, when it is created. The rate-limit window and the
-- daily token count live here too, so every gateway instance enforces the same limits.
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
