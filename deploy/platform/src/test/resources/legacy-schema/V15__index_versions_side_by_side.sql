-- ragline schema v15: index versions side by side, so a new embedding model can be rolled out without a gap.
--
-- Every chunk already records its embedding model and index version. Until now a document held one version's chunks;
-- from here an ingest deployment writes (and replaces, and reuses vectors from) only the chunks of its own
-- `ingest.index-version`, so a second deployment with a new model can build version N+1 beside the serving version N
-- (from the live submissions and by re-embedding N's chunks), the retriever switches by `retriever.embedding.
-- index-version`, and N is then dropped. What each version holds of a document is recorded per version, so each
-- deployment decides "unchanged" against its own version.

CREATE TABLE document_index_versions (
    tenant          text        NOT NULL,
    document_id     text        NOT NULL,
    index_version   integer     NOT NULL,
    embedding_model text        NOT NULL,
    -- the submission's content hash and title these chunks were made from
    content_hash    text        NOT NULL,
    title           text,
    chunk_count     integer     NOT NULL,
    indexed_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant, document_id, index_version),
    FOREIGN KEY (tenant, document_id) REFERENCES documents (tenant, id) ON DELETE CASCADE
);
CREATE INDEX document_index_versions_version ON document_index_versions (index_version, tenant, document_id);

INSERT INTO document_index_versions (tenant, document_id, index_version, embedding_model, content_hash, title,
                                     chunk_count, indexed_at)
SELECT tenant, id, index_version, coalesce(embedding_model, 'bge-small-en-v1.5-q'), content_hash, title, chunk_count,
       updated_at
FROM documents
WHERE status = 'indexed';

-- BM25 per version: the postings carry their chunk's index version, first in the key, so one version's statistics
-- and postings never mix with another's.
ALTER TABLE chunk_terms ADD COLUMN index_version integer NOT NULL DEFAULT 1;
UPDATE chunk_terms p SET index_version = c.index_version FROM chunks c WHERE c.id = p.chunk_id AND c.index_version <> 1;
ALTER TABLE chunk_terms
    DROP CONSTRAINT chunk_terms_pkey,
    ADD PRIMARY KEY (tenant, index_version, term, chunk_id) INCLUDE (tf, chunk_len);

CREATE OR REPLACE FUNCTION ragline_index_chunk_terms() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    INSERT INTO chunk_terms (tenant, index_version, term, chunk_id, tf, chunk_len)
    SELECT n.tenant, n.index_version, t.lexeme, n.id, cardinality(t.positions), n.term_count
    FROM new_chunks n, unnest(n.tsv) t;
    RETURN NULL;
END
$$;

-- a version's chunks, for its statistics and for dropping it
CREATE INDEX chunks_version ON chunks (tenant, index_version);
