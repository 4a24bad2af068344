-- ragline schema v17: a document's chunks of one index version are found by one index.
--
-- Ingest looks up and replaces a document's chunks of its own index version (`tenant, document_id, index_version`)
-- for every document it writes. The two indexes that could serve that each matched two of the three columns:
-- `chunks_document (tenant, document_id, ordinal)` and `chunks_version (tenant, index_version)`. Without fresh planner
-- statistics (right after a bulk load, and always on the embedded PGlite, which has no autovacuum) the planner took
-- `chunks_version`, which holds every chunk of the version, and filtered them by document: each write read all the
-- version's chunks (10 ms per statement at 2,600 chunks, 0.1 ms with this index), so ingest slowed as the corpus
-- grew. This index matches all three columns, and still serves every look-up by (tenant, document_id).
CREATE INDEX chunks_document_version ON chunks (tenant, document_id, index_version, ordinal);
DROP INDEX chunks_document;
