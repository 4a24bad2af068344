-- Conversations of the chat API: one row per conversation, one per answered turn. The gateway keeps no state of its
-- own; any instance can continue any conversation.
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
