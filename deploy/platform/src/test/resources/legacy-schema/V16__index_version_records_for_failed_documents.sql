-- ragline schema v16: every index version's chunks are accounted for by a per-version record.
--
-- V15 seeded `document_index_versions` from documents whose status was 'indexed'. A document whose latest submission
-- failed keeps its earlier chunks searchable (status 'failed'), and got no record: a backfill into a new index version
-- skipped it. Seed those records from the chunks themselves. The document row still carries the content hash and
-- title of the submission that made the chunks (a failed submission changes neither).

INSERT INTO document_index_versions (tenant, document_id, index_version, embedding_model, content_hash, title,
                                     chunk_count, indexed_at)
SELECT c.tenant, c.document_id, c.index_version, min(c.embedding_model), d.content_hash, d.title, count(*),
       d.updated_at
FROM chunks c
JOIN documents d ON d.tenant = c.tenant AND d.id = c.document_id
WHERE NOT EXISTS (SELECT 1 FROM document_index_versions v
                  WHERE v.tenant = c.tenant AND v.document_id = c.document_id AND v.index_version = c.index_version)
GROUP BY c.tenant, c.document_id, c.index_version, d.content_hash, d.title, d.updated_at;
