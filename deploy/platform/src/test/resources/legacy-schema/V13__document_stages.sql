-- ragline schema v13: where each document's latest submission is, stage by stage, for its submitter.
--
-- `status` stays what ingest last applied (submitted | indexed | failed | deleted): ingest decides from it, with
-- content_hash and version_at, whether a submission is unchanged. `stage` is what the submitter sees of the latest
-- submission: queued (the gateway accepted it), parsing, embedding (ingest is on it), indexed, failed or deleted,
-- each with the time it was reached. The gateway creates the row as queued before publishing; ingest moves it on.
ALTER TABLE documents
    ADD COLUMN stage        text,
    ADD COLUMN queued_at    timestamptz,
    ADD COLUMN parsing_at   timestamptz,
    ADD COLUMN embedding_at timestamptz,
    ADD COLUMN indexed_at   timestamptz,
    ADD COLUMN failed_at    timestamptz,
    ADD COLUMN deleted_at   timestamptz;

UPDATE documents SET stage = status,
    indexed_at = CASE WHEN status = 'indexed' THEN updated_at END,
    failed_at = CASE WHEN status = 'failed' THEN updated_at END,
    deleted_at = CASE WHEN status = 'deleted' THEN updated_at END;

-- GET /v1/documents?status=...: a tenant's documents at one stage, most recently changed first
CREATE INDEX documents_stage ON documents (tenant, stage, updated_at DESC, id);
