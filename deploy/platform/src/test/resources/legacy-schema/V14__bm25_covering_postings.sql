-- ragline schema v14: BM25 reads each query term's postings from the primary key alone.
--
-- The postings' primary key (tenant, term, chunk_id) now also carries tf and the chunk length, so scoring a term is an
-- index-only scan: no visit to the table per posting (on SciFact's 529k postings, 60 queries' BM25 statements took
-- 5.9 ms each instead of 10.7 ms). Index-only scans rely on the visibility map, which (auto)vacuum keeps; the embedded database,
-- which has no autovacuum, is vacuumed by the launcher.
ALTER TABLE chunk_terms
    DROP CONSTRAINT chunk_terms_pkey,
    ADD PRIMARY KEY (tenant, term, chunk_id) INCLUDE (tf, chunk_len);
