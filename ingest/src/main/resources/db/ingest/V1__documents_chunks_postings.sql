-- ingest's schema: the documents it has applied, the claim-check bodies, the chunks with their pgvector embeddings and
-- full-text vectors, the BM25 postings, what each index version holds of a document, and ingest's idempotency log.
-- The retriever reads documents, chunks and chunk_terms to search them. Plain PostgreSQL + pgvector.

CREATE EXTENSION IF NOT EXISTS vector;

-- `status` is what ingest last applied (submitted | indexed | failed | deleted): with content_hash and version_at it
-- decides whether a submission is unchanged, and an older event never overwrites a newer one. `stage` is what a
-- submitter sees of the latest submission (queued, parsing, embedding, indexed, failed, deleted), each with its time.
CREATE TABLE documents (
    tenant          text        NOT NULL,
    id              text        NOT NULL,
    title           text,
    source          text,
    media_type      text        NOT NULL,
    content_hash    text        NOT NULL,
    size_bytes      bigint      NOT NULL DEFAULT 0,
    metadata        jsonb       NOT NULL DEFAULT '{}'::jsonb,
    status          text        NOT NULL,
    status_reason   text,
    chunk_count     integer     NOT NULL DEFAULT 0,
    embedding_model text,
    index_version   integer     NOT NULL DEFAULT 1,
    -- occurredAt of the last submit/delete event applied
    version_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    stage           text,
    queued_at       timestamptz,
    parsing_at      timestamptz,
    embedding_at    timestamptz,
    indexed_at      timestamptz,
    failed_at       timestamptz,
    deleted_at      timestamptz,
    PRIMARY KEY (tenant, id)
);
-- a tenant's documents at one stage, most recently changed first
CREATE INDEX documents_stage ON documents (tenant, stage, updated_at DESC, id);

-- The claim check: bodies too large for a Kafka record (and every uploaded file) are stored here before the event
-- that references them is published; ingest reads a body by its id and deletes bodies no event can still reference
-- (older than the topic's retention).
CREATE TABLE document_contents (
    id         text        PRIMARY KEY,
    tenant     text        NOT NULL,
    media_type text        NOT NULL,
    bytes      bytea       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    file_name  text
);

-- Number of tokens (lexeme occurrences) in a full-text vector: BM25's document length.
CREATE FUNCTION ragline_term_count(v tsvector) RETURNS integer
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT coalesce(sum(cardinality(positions)), 0)::integer FROM unnest(v) $$;

-- An ingest deployment writes (and replaces, and reuses vectors from) only the chunks of its own index version, so a
-- deployment with a new embedding model builds version N+1 beside the serving version N.
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
    term_count      integer     GENERATED ALWAYS AS (ragline_term_count(to_tsvector('english', content))) STORED,
    FOREIGN KEY (tenant, document_id) REFERENCES documents (tenant, id) ON DELETE CASCADE
);
CREATE INDEX chunks_embedding_hnsw ON chunks USING hnsw (embedding vector_cosine_ops);
CREATE INDEX chunks_tsv_gin ON chunks USING gin (tsv);
-- a version's chunks, for its statistics and for dropping it
CREATE INDEX chunks_version ON chunks (tenant, index_version);
-- a document's chunks of one index version (every write looks them up)
CREATE INDEX chunks_document_version ON chunks (tenant, document_id, index_version, ordinal);

-- The BM25 postings: PostgreSQL's ts_rank is not BM25 (no document frequencies, no length saturation), so one posting
-- per (chunk, lexeme) keeps its term frequency and the chunk's length. Document frequencies and collection statistics
-- are computed at query time, so concurrent ingest instances never contend on a counter. The key carries tf and the
-- length, so scoring a term is an index-only scan; the index version comes first, so versions never mix.
CREATE TABLE chunk_terms (
    tenant        text    NOT NULL,
    term          text    NOT NULL,
    chunk_id      text    NOT NULL REFERENCES chunks (id) ON DELETE CASCADE,
    -- occurrences of the term in the chunk
    tf            integer NOT NULL,
    -- the chunk's length in tokens (denormalised so scoring needs no join)
    chunk_len     integer NOT NULL,
    index_version integer NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant, index_version, term, chunk_id) INCLUDE (tf, chunk_len)
);
CREATE INDEX chunk_terms_chunk ON chunk_terms (chunk_id);

-- The postings are written by this trigger, in the transaction that inserts the chunks (ingest's ChunkWriter), from
-- the chunk's own full-text vector; deleting a chunk cascades to its postings.
CREATE FUNCTION ragline_index_chunk_terms() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    INSERT INTO chunk_terms (tenant, index_version, term, chunk_id, tf, chunk_len)
    SELECT n.tenant, n.index_version, t.lexeme, n.id, cardinality(t.positions), n.term_count
    FROM new_chunks n, unnest(n.tsv) t;
    RETURN NULL;
END
$$;

CREATE TRIGGER chunks_index_terms
    AFTER INSERT ON chunks
    REFERENCING NEW TABLE AS new_chunks
    FOR EACH STATEMENT EXECUTE FUNCTION ragline_index_chunk_terms();

-- Chunks are immutable once written (a changed document replaces them): refuse an update that would leave the
-- postings stale.
CREATE FUNCTION ragline_refuse_chunk_content_update() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    RAISE EXCEPTION 'chunk % content or tenant changed in place: replace the chunk instead', OLD.id;
END
$$;

CREATE TRIGGER chunks_content_immutable
    BEFORE UPDATE OF content, tenant ON chunks
    FOR EACH ROW WHEN (OLD.content IS DISTINCT FROM NEW.content OR OLD.tenant IS DISTINCT FROM NEW.tenant)
    EXECUTE FUNCTION ragline_refuse_chunk_content_update();

-- What each index version holds of a document (the submission's content hash and title its chunks were made from):
-- each deployment decides "unchanged" against its own version.
CREATE TABLE document_index_versions (
    tenant          text        NOT NULL,
    document_id     text        NOT NULL,
    index_version   integer     NOT NULL,
    embedding_model text        NOT NULL,
    content_hash    text        NOT NULL,
    title           text,
    chunk_count     integer     NOT NULL,
    indexed_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant, document_id, index_version),
    FOREIGN KEY (tenant, document_id) REFERENCES documents (tenant, id) ON DELETE CASCADE
);
CREATE INDEX document_index_versions_version ON document_index_versions (index_version, tenant, document_id);

-- Each event id ingest applied (per deployment: `ingest.consumer-name`), in the same transaction as its effects: a
-- redelivery is a no-op.
CREATE TABLE processed_events (
    consumer     text        NOT NULL,
    event_id     text        NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);
