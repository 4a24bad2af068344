-- ragline schema v3: the lexical index behind BM25 keyword search.
--
-- PostgreSQL's ts_rank is not BM25 (no document frequencies, no length saturation), so the term statistics BM25 needs
-- are kept in plain tables: one posting per (chunk, lexeme) with its term frequency and the chunk's length, maintained
-- by triggers from the chunk's own full-text vector. Every writer of chunks (ingest, a replay, a hand-made fixture)
-- therefore keeps the index consistent in its own transaction; deletes cascade. Document frequencies and collection
-- statistics are computed at query time from these rows, so concurrent ingest instances never contend on a counter.
-- Plain PostgreSQL: portable to any server with pgvector.

-- Number of tokens (lexeme occurrences) in a full-text vector: BM25's document length.
CREATE FUNCTION ragline_term_count(v tsvector) RETURNS integer
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT coalesce(sum(cardinality(positions)), 0)::integer FROM unnest(v) $$;

ALTER TABLE chunks ADD COLUMN term_count integer
    GENERATED ALWAYS AS (ragline_term_count(to_tsvector('english', content))) STORED;

CREATE TABLE chunk_terms (
    tenant     text    NOT NULL,
    term       text    NOT NULL,
    chunk_id   text    NOT NULL REFERENCES chunks (id) ON DELETE CASCADE,
    -- occurrences of the term in the chunk
    tf         integer NOT NULL,
    -- the chunk's length in tokens (denormalised so scoring needs no join)
    chunk_len  integer NOT NULL,
    PRIMARY KEY (tenant, term, chunk_id)
);
CREATE INDEX chunk_terms_chunk ON chunk_terms (chunk_id);

CREATE FUNCTION ragline_index_chunk_terms() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    INSERT INTO chunk_terms (tenant, term, chunk_id, tf, chunk_len)
    SELECT n.tenant, t.lexeme, n.id, cardinality(t.positions), n.term_count
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

-- Chunks written before this version.
INSERT INTO chunk_terms (tenant, term, chunk_id, tf, chunk_len)
SELECT c.tenant, t.lexeme, c.id, cardinality(t.positions), c.term_count
FROM chunks c, unnest(c.tsv) t;
