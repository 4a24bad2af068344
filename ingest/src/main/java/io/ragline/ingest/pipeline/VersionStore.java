package io.ragline.ingest.pipeline;

import io.ragline.ingest.config.IngestConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * The index versions side by side in {@code chunks} and {@code document_index_versions}: what another version holds
 * (for a model roll-out's backfill), re-embedded chunks written into this deployment's version, and dropping a version
 * that is no longer served.
 */
@ApplicationScoped
class VersionStore {

    /** A document's chunks in one index version, in order, with what they were made from. */
    record VersionChunks(String contentHash, String title, List<StoredChunk> chunks) {}

    /** A document to re-embed: its key. */
    record DocumentKey(String tenant, String documentId) {}

    /** One index version as the database holds it. */
    record VersionSummary(int version, String embeddingModel, long documents, long chunks) {}

    /** The document statuses under which a document can hold chunks (its latest submission indexed, or failed). */
    private static final Set<String> HOLDS_CHUNKS = Set.of("indexed", "failed");

    @Inject
    Jdbi jdbi;

    @Inject
    IngestConfig config;

    @Inject
    IndexStore index;

    /**
     * What index version {@code version} holds of a document (its chunks without their vectors), or empty when it
     * holds nothing.
     */
    Optional<VersionChunks> versionChunks(String tenant, String documentId, int version) {
        return jdbi.withHandle(h -> {
            record Header(String contentHash, String title) {}
            Optional<Header> header = h.createQuery("SELECT content_hash, title FROM document_index_versions"
                            + " WHERE tenant = :tenant AND document_id = :documentId AND index_version = :version")
                    .bind("tenant", tenant)
                    .bind("documentId", documentId)
                    .bind("version", version)
                    .map((rs, ctx) -> new Header(rs.getString(1), rs.getString(2)))
                    .findOne();
            if (header.isEmpty()) {
                return Optional.empty();
            }
            List<StoredChunk> chunks = h.createQuery("SELECT ordinal, content, content_hash, start_offset,"
                            + " end_offset, heading_path FROM chunks WHERE tenant = :tenant"
                            + " AND document_id = :documentId AND index_version = :version ORDER BY ordinal")
                    .bind("tenant", tenant)
                    .bind("documentId", documentId)
                    .bind("version", version)
                    .map((rs, ctx) -> new StoredChunk(
                            null,
                            rs.getInt("ordinal"),
                            rs.getString("content"),
                            rs.getString("content_hash"),
                            rs.getInt("start_offset"),
                            rs.getInt("end_offset"),
                            rs.getString("heading_path"),
                            null))
                    .list();
            return Optional.of(
                    new VersionChunks(header.get().contentHash(), header.get().title(), chunks));
        });
    }

    /**
     * Writes re-embedded chunks into this deployment's index version unless it already holds the document (a live
     * submission got there first: it is at least as new), holding the document's row lock so a live replacement of
     * the same document waits; records the event as processed either way.
     *
     * @return whether the chunks were written
     */
    boolean writeReindexed(
            String eventId,
            String tenant,
            String documentId,
            String model,
            VersionChunks source,
            List<StoredChunk> chunks) {
        int version = config.indexVersion();
        return jdbi.inTransaction(h -> {
            // a failed latest submission keeps the earlier chunks searchable: they move to the new version
            boolean write = h.createQuery("SELECT status FROM documents WHERE tenant = :tenant AND id = :id FOR UPDATE")
                    .bind("tenant", tenant)
                    .bind("id", documentId)
                    .mapTo(String.class)
                    .findOne()
                    .filter(HOLDS_CHUNKS::contains)
                    .isPresent();
            write = write
                    && h.createQuery("SELECT 1 FROM document_index_versions WHERE tenant = :tenant"
                                    + " AND document_id = :documentId AND index_version = :version")
                            .bind("tenant", tenant)
                            .bind("documentId", documentId)
                            .bind("version", version)
                            .mapTo(Integer.class)
                            .findOne()
                            .isEmpty();
            if (write) {
                IndexStore.writeVersion(
                        h, tenant, documentId, version, model, source.contentHash(), source.title(), chunks);
            }
            index.markProcessed(h, eventId);
            return write;
        });
    }

    /**
     * Up to {@code limit} documents with chunks ({@link #HOLDS_CHUNKS}) that index version {@code from} holds and this
     * deployment's version does not, after {@code after} (keyset order tenant, id).
     */
    List<DocumentKey> missingFromThisVersion(int from, DocumentKey after, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT f.tenant, f.document_id FROM document_index_versions f"
                        + " JOIN documents d ON d.tenant = f.tenant AND d.id = f.document_id"
                        + " WHERE f.index_version = :from AND d.status = ANY(:statuses)"
                        + " AND (f.tenant, f.document_id) > (:afterTenant, :afterId)"
                        + " AND NOT EXISTS (SELECT 1 FROM document_index_versions m WHERE m.tenant = f.tenant"
                        + " AND m.document_id = f.document_id AND m.index_version = :version)"
                        + " ORDER BY f.tenant, f.document_id LIMIT :limit")
                .bind("from", from)
                .bindArray("statuses", String.class, HOLDS_CHUNKS)
                .bind("afterTenant", after == null ? "" : after.tenant())
                .bind("afterId", after == null ? "" : after.documentId())
                .bind("version", config.indexVersion())
                .bind("limit", limit)
                .map((rs, ctx) -> new DocumentKey(rs.getString(1), rs.getString(2)))
                .list());
    }

    /** Every index version that holds documents, with its model(s) and counts. */
    List<VersionSummary> versions() {
        return jdbi.withHandle(h -> h.createQuery("SELECT index_version, string_agg(DISTINCT embedding_model, ', '),"
                        + " count(*), sum(chunk_count) FROM document_index_versions"
                        + " GROUP BY index_version ORDER BY index_version")
                .map((rs, ctx) -> new VersionSummary(rs.getInt(1), rs.getString(2), rs.getLong(3), rs.getLong(4)))
                .list());
    }

    /**
     * Deletes up to {@code limit} documents' worth of another index version (its chunks and their record), one short
     * transaction; the caller repeats until nothing is left.
     *
     * @return the number of documents removed from the version
     */
    int dropVersionPage(int version, int limit) {
        return jdbi.inTransaction(h -> {
            List<DocumentKey> keys = h.createQuery("SELECT tenant, document_id FROM document_index_versions"
                            + " WHERE index_version = :version ORDER BY tenant, document_id LIMIT :limit")
                    .bind("version", version)
                    .bind("limit", limit)
                    .map((rs, ctx) -> new DocumentKey(rs.getString(1), rs.getString(2)))
                    .list();
            if (keys.isEmpty()) {
                return 0;
            }
            for (String table : List.of("chunks", "document_index_versions")) {
                PreparedBatch delete = h.prepareBatch("DELETE FROM " + table
                        + " WHERE tenant = :tenant AND document_id = :documentId AND index_version = :version");
                for (DocumentKey k : keys) {
                    delete.bind("tenant", k.tenant())
                            .bind("documentId", k.documentId())
                            .bind("version", version)
                            .add();
                }
                delete.execute();
            }
            return keys.size();
        });
    }

    /**
     * Deletes up to {@code limit} chunks of another index version that no document record accounts for (ingest
     * records every chunk it writes: this only catches rows written by other means); the caller repeats until none is
     * left.
     *
     * @return the number of chunks removed
     */
    int dropUnrecordedChunks(int version, int limit) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM chunks WHERE id IN"
                        + " (SELECT id FROM chunks WHERE index_version = :version LIMIT :limit)")
                .bind("version", version)
                .bind("limit", limit)
                .execute());
    }
}
