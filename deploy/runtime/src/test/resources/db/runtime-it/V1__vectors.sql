-- A schema of this module's own tests: what the infrastructure test needs of a pgvector store (the services' real
-- schemas live with the services).
CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE documents (
    tenant       text        NOT NULL,
    id           text        NOT NULL,
    title        text,
    media_type   text        NOT NULL,
    content_hash text        NOT NULL,
    status       text        NOT NULL,
    version_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant, id)
);

CREATE TABLE chunks (
    id              text        PRIMARY KEY,
    tenant          text        NOT NULL,
    document_id     text        NOT NULL,
    ordinal         integer     NOT NULL,
    content         text        NOT NULL,
    content_hash    text        NOT NULL,
    start_offset    integer     NOT NULL,
    end_offset      integer     NOT NULL,
    embedding       vector(384) NOT NULL,
    embedding_model text        NOT NULL,
    FOREIGN KEY (tenant, document_id) REFERENCES documents (tenant, id) ON DELETE CASCADE
);
CREATE INDEX chunks_embedding_hnsw ON chunks USING hnsw (embedding vector_cosine_ops);
