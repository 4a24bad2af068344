-- ragline schema v1: documents, their chunks with pgvector embeddings and full-text vectors, the claim-check store for
-- large bodies, and the consumers' idempotency log. Plain PostgreSQL + pgvector: nothing here is PGlite-specific.

CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE documents (
    tenant          text        NOT NULL,
    id              text        NOT NULL,
    title           text,
    source          text,
    media_type      text        NOT NULL,
    content_hash    text        NOT NULL,
    size_bytes      bigint      NOT NULL DEFAULT 0,
    metadata        jsonb       NOT NULL DEFAULT '{}'::jsonb,
    -- submitted | indexed | failed | deleted
    status          text        NOT NULL,
    status_reason   text,
    chunk_count     integer     NOT NULL DEFAULT 0,
    embedding_model text,
    index_version   integer     NOT NULL DEFAULT 1,
    -- occurredAt of the last submit/delete event applied: an older event never overwrites a newer one
    version_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant, id)
);

-- Claim check: bodies too large for a Kafka record travel as a reference to a row here.
CREATE TABLE document_contents (
    id         text        PRIMARY KEY,
    tenant     text        NOT NULL,
    media_type text        NOT NULL,
    bytes      bytea       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE chunks (
    id              text        PRIMARY KEY,
    tenant          text        NOT NULL,
    document_id     text        NOT NULL,
    ordinal         integer     NOT NULL,
    content         text        NOT NULL,
    content_hash    text        NOT NULL,
    heading_path    text,
    start_offset    integer     NOT NULL,
    end_offset      integer     NOT NULL,
    embedding       vector(384) NOT NULL,
    embedding_model text        NOT NULL,
    index_version   integer     NOT NULL DEFAULT 1,
    tsv             tsvector    GENERATED ALWAYS AS (to_tsvector('english', content)) STORED,
    created_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (tenant, document_id) REFERENCES documents (tenant, id) ON DELETE CASCADE
);

CREATE INDEX chunks_embedding_hnsw ON chunks USING hnsw (embedding vector_cosine_ops);
CREATE INDEX chunks_tsv_gin ON chunks USING gin (tsv);
CREATE INDEX chunks_document ON chunks (tenant, document_id, ordinal);

-- Consumers record each event id they applied, in the same transaction as its effects: a redelivery is a no-op.
CREATE TABLE processed_events (
    consumer     text        NOT NULL,
    event_id     text        NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);
