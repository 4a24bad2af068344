package io.ragline.ingest.pipeline;

import com.pgvector.PGvector;
import io.agroal.api.AgroalDataSource;
import io.ragline.contracts.document.DocumentSubmitted;
import io.ragline.ingest.config.IngestConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * ingest's reads and writes on {@code documents}, {@code chunks} and {@code processed_events}. Every write is one short
 * transaction that also records the event id, so a redelivered event changes nothing and a reader sees either the old
 * or the new version of a document's chunks, never both and never neither.
 */
@ApplicationScoped
class IndexStore {

    /** The indexed state of a document, as far as deciding what to redo goes. */
    record Current(
            String contentHash,
            String title,
            String status,
            String embeddingModel,
            int indexVersion,
            Instant versionAt,
            int chunkCount) {}

    /** An unchanged re-submission: new title, metadata and version for a document whose chunks stay as they are. */
    record Touch(
            String eventId, String tenant, String documentId, String title, String metadataJson, Instant versionAt) {}

    /** A chunk ready to store. */
    record StoredChunk(
            String id,
            int ordinal,
            String text,
            String contentHash,
            int start,
            int end,
            String headingPath,
            float[] embedding,
            boolean reused) {

        StoredChunk(
                String id,
                int ordinal,
                String text,
                String contentHash,
                int start,
                int end,
                String headingPath,
                float[] reusedEmbedding) {
            this(id, ordinal, text, contentHash, start, end, headingPath, reusedEmbedding, reusedEmbedding != null);
        }

        StoredChunk withEmbedding(float[] computed) {
            return new StoredChunk(id, ordinal, text, contentHash, start, end, headingPath, computed, false);
        }
    }

    @Inject
    AgroalDataSource dataSource;

    @Inject
    IngestConfig config;

    /** This deployment's name in {@code processed_events}. */
    private String consumer() {
        return config.consumer();
    }

    /** The index version this deployment writes. */
    private int version() {
        return config.indexVersion();
    }

    /** Bytes stored by the gateway for a claim-check reference. */
    record Content(String mediaType, String fileName, byte[] bytes) {}

    Optional<Content> content(String tenant, String ref) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT media_type, file_name, bytes FROM document_contents WHERE id = ? AND tenant = ?")) {
            ps.setString(1, ref);
            ps.setString(2, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? Optional.of(new Content(rs.getString(1), rs.getString(2), rs.getBytes(3)))
                        : Optional.empty();
            }
        }
    }

    /** The subset of {@code eventIds} this consumer already applied. */
    Set<String> processed(List<String> eventIds) throws SQLException {
        Set<String> done = new HashSet<>();
        if (eventIds.isEmpty()) {
            return done;
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT event_id FROM processed_events WHERE consumer = ? AND event_id = ANY(?)")) {
            ps.setString(1, consumer());
            ps.setArray(2, c.createArrayOf("text", eventIds.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    done.add(rs.getString(1));
                }
            }
        }
        return done;
    }

    /**
     * The state of many documents, by {@code tenant/documentId} (absent documents are not in the map): the document's
     * status and latest applied version from {@code documents}, and what this deployment's index version holds of it
     * (content hash, title, model, chunk count; null and 0 when it holds nothing).
     */
    Map<String, Current> current(List<String> tenants, List<String> documentIds) throws SQLException {
        Map<String, Current> found = new HashMap<>();
        if (tenants.isEmpty()) {
            return found;
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT d.tenant, d.id, v.content_hash, d.status,"
                        + " v.embedding_model, coalesce(v.index_version, 0), d.version_at, coalesce(v.chunk_count, 0),"
                        + " v.title"
                        + " FROM unnest(?::text[], ?::text[]) AS k(tenant, id)"
                        + " JOIN documents d ON d.tenant = k.tenant AND d.id = k.id"
                        + " LEFT JOIN document_index_versions v ON v.tenant = d.tenant AND v.document_id = d.id"
                        + " AND v.index_version = ?")) {
            ps.setArray(1, c.createArrayOf("text", tenants.toArray()));
            ps.setArray(2, c.createArrayOf("text", documentIds.toArray()));
            ps.setInt(3, version());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.put(
                            rs.getString(1) + "/" + rs.getString(2),
                            new Current(
                                    rs.getString(3),
                                    rs.getString(9),
                                    rs.getString(4),
                                    rs.getString(5),
                                    rs.getInt(6),
                                    rs.getTimestamp(7).toInstant(),
                                    rs.getInt(8)));
                }
            }
        }
        return found;
    }

    /** Embeddings already stored for this document, by chunk content hash: unchanged chunks are not re-embedded. */
    Map<String, float[]> reusableEmbeddings(String tenant, String documentId, String model, int indexVersion)
            throws SQLException {
        Map<String, float[]> byHash = new HashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT content_hash, embedding FROM chunks"
                        + " WHERE tenant = ? AND document_id = ? AND embedding_model = ? AND index_version = ?")) {
            ps.setString(1, tenant);
            ps.setString(2, documentId);
            ps.setString(3, model);
            ps.setInt(4, indexVersion);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byHash.put(rs.getString(1), new PGvector(rs.getString(2)).toArray());
                }
            }
        }
        return byHash;
    }

    /**
     * Upserts the document row and replaces its chunks of this index version (other versions' chunks are another
     * deployment's), atomically, recording what the version now holds and the event as processed.
     */
    void replace(DocumentSubmitted event, String metadataJson, String model, int indexVersion, List<StoredChunk> chunks)
            throws SQLException {
        String tenant = event.tenant();
        String documentId = event.documentId();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                upsertDocument(c, event, metadataJson, chunks.size(), model, indexVersion);
                writeVersion(c, tenant, documentId, indexVersion, model, event.contentHash(), event.title(), chunks);
                markProcessed(c, event.eventId());
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /**
     * Replaces a document's chunks of one index version and records what the version holds, in the caller's
     * transaction.
     */
    private static void writeVersion(
            Connection c,
            String tenant,
            String documentId,
            int indexVersion,
            String model,
            String contentHash,
            String title,
            List<StoredChunk> chunks)
            throws SQLException {
        try (PreparedStatement delete =
                c.prepareStatement("DELETE FROM chunks WHERE tenant = ? AND document_id = ? AND index_version = ?")) {
            delete.setString(1, tenant);
            delete.setString(2, documentId);
            delete.setInt(3, indexVersion);
            delete.executeUpdate();
        }
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO chunks (id, tenant, document_id,"
                + " ordinal, content, content_hash, start_offset, end_offset, embedding, embedding_model,"
                + " index_version, heading_path) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (StoredChunk chunk : chunks) {
                insert.setString(1, chunk.id());
                insert.setString(2, tenant);
                insert.setString(3, documentId);
                insert.setInt(4, chunk.ordinal());
                insert.setString(5, chunk.text());
                insert.setString(6, chunk.contentHash());
                insert.setInt(7, chunk.start());
                insert.setInt(8, chunk.end());
                insert.setObject(9, new PGvector(chunk.embedding()));
                insert.setString(10, model);
                insert.setInt(11, indexVersion);
                insert.setString(12, chunk.headingPath());
                insert.addBatch();
            }
            insert.executeBatch();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO document_index_versions (tenant, document_id,"
                + " index_version, embedding_model, content_hash, title, chunk_count) VALUES (?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (tenant, document_id, index_version) DO UPDATE SET"
                + " embedding_model = EXCLUDED.embedding_model, content_hash = EXCLUDED.content_hash,"
                + " title = EXCLUDED.title, chunk_count = EXCLUDED.chunk_count, indexed_at = now()")) {
            ps.setString(1, tenant);
            ps.setString(2, documentId);
            ps.setInt(3, indexVersion);
            ps.setString(4, model);
            ps.setString(5, contentHash);
            ps.setString(6, title);
            ps.setInt(7, chunks.size());
            ps.executeUpdate();
        }
    }

    /** A document's chunks in one index version, in order, with what they were made from. */
    record VersionChunks(String contentHash, String title, List<StoredChunk> chunks) {}

    /**
     * What index version {@code version} holds of a document (its chunks without their vectors), or empty when it
     * holds nothing.
     */
    Optional<VersionChunks> versionChunks(String tenant, String documentId, int version) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement v = c.prepareStatement("SELECT content_hash, title FROM document_index_versions"
                        + " WHERE tenant = ? AND document_id = ? AND index_version = ?");
                PreparedStatement ch = c.prepareStatement("SELECT ordinal, content, content_hash, start_offset,"
                        + " end_offset, heading_path FROM chunks"
                        + " WHERE tenant = ? AND document_id = ? AND index_version = ? ORDER BY ordinal")) {
            v.setString(1, tenant);
            v.setString(2, documentId);
            v.setInt(3, version);
            String contentHash;
            String title;
            try (ResultSet rs = v.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                contentHash = rs.getString(1);
                title = rs.getString(2);
            }
            ch.setString(1, tenant);
            ch.setString(2, documentId);
            ch.setInt(3, version);
            List<StoredChunk> chunks = new ArrayList<>();
            try (ResultSet rs = ch.executeQuery()) {
                while (rs.next()) {
                    chunks.add(new StoredChunk(
                            null,
                            rs.getInt(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getInt(4),
                            rs.getInt(5),
                            rs.getString(6),
                            null));
                }
            }
            return Optional.of(new VersionChunks(contentHash, title, chunks));
        }
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
            List<StoredChunk> chunks)
            throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                boolean write;
                try (PreparedStatement lock =
                        c.prepareStatement("SELECT status FROM documents WHERE tenant = ? AND id = ? FOR UPDATE")) {
                    lock.setString(1, tenant);
                    lock.setString(2, documentId);
                    try (ResultSet rs = lock.executeQuery()) {
                        // a failed latest submission keeps the earlier chunks searchable: they move to the new version
                        write = rs.next() && HOLDS_CHUNKS.contains(rs.getString(1));
                    }
                }
                if (write) {
                    try (PreparedStatement held = c.prepareStatement("SELECT 1 FROM document_index_versions"
                            + " WHERE tenant = ? AND document_id = ? AND index_version = ?")) {
                        held.setString(1, tenant);
                        held.setString(2, documentId);
                        held.setInt(3, version());
                        try (ResultSet rs = held.executeQuery()) {
                            write = !rs.next();
                        }
                    }
                }
                if (write) {
                    writeVersion(c, tenant, documentId, version(), model, source.contentHash(), source.title(), chunks);
                }
                markProcessed(c, eventId);
                c.commit();
                return write;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** The document statuses under which a document can hold chunks (its latest submission indexed, or failed). */
    private static final Set<String> HOLDS_CHUNKS = Set.of("indexed", "failed");

    /** A document to re-embed: its key. */
    record DocumentKey(String tenant, String documentId) {}

    /**
     * Up to {@code limit} documents with chunks ({@link #HOLDS_CHUNKS}) that index version {@code from} holds and this
     * deployment's version does not, after {@code after} (keyset order tenant, id).
     */
    List<DocumentKey> missingFromThisVersion(int from, DocumentKey after, int limit) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT f.tenant, f.document_id"
                        + " FROM document_index_versions f JOIN documents d ON d.tenant = f.tenant AND d.id = f.document_id"
                        + " WHERE f.index_version = ? AND d.status = ANY (?) AND (f.tenant, f.document_id) > (?, ?)"
                        + " AND NOT EXISTS (SELECT 1 FROM document_index_versions m WHERE m.tenant = f.tenant"
                        + " AND m.document_id = f.document_id AND m.index_version = ?)"
                        + " ORDER BY f.tenant, f.document_id LIMIT ?")) {
            ps.setInt(1, from);
            ps.setArray(2, c.createArrayOf("text", HOLDS_CHUNKS.toArray()));
            ps.setString(3, after == null ? "" : after.tenant());
            ps.setString(4, after == null ? "" : after.documentId());
            ps.setInt(5, version());
            ps.setInt(6, limit);
            List<DocumentKey> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new DocumentKey(rs.getString(1), rs.getString(2)));
                }
            }
            return out;
        }
    }

    /** One index version as the database holds it. */
    record VersionSummary(int version, String embeddingModel, long documents, long chunks) {}

    /** Every index version that holds documents, with its model(s) and counts. */
    List<VersionSummary> versions() throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT v.index_version, string_agg(DISTINCT"
                        + " v.embedding_model, ', '), count(*), sum(v.chunk_count)"
                        + " FROM document_index_versions v GROUP BY v.index_version ORDER BY v.index_version")) {
            List<VersionSummary> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new VersionSummary(rs.getInt(1), rs.getString(2), rs.getLong(3), rs.getLong(4)));
                }
            }
            return out;
        }
    }

    /**
     * Deletes up to {@code limit} documents' worth of another index version (its chunks and their record), one short
     * transaction; the caller repeats until nothing is left.
     *
     * @return the number of documents removed from the version
     */
    int dropVersionPage(int version, int limit) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement page = c.prepareStatement("SELECT tenant, document_id FROM document_index_versions"
                            + " WHERE index_version = ? ORDER BY tenant, document_id LIMIT ?");
                    PreparedStatement chunks = c.prepareStatement(
                            "DELETE FROM chunks WHERE tenant = ? AND document_id = ? AND index_version = ?");
                    PreparedStatement record = c.prepareStatement("DELETE FROM document_index_versions"
                            + " WHERE tenant = ? AND document_id = ? AND index_version = ?")) {
                page.setInt(1, version);
                page.setInt(2, limit);
                List<DocumentKey> keys = new ArrayList<>();
                try (ResultSet rs = page.executeQuery()) {
                    while (rs.next()) {
                        keys.add(new DocumentKey(rs.getString(1), rs.getString(2)));
                    }
                }
                for (DocumentKey k : keys) {
                    for (PreparedStatement ps : List.of(chunks, record)) {
                        ps.setString(1, k.tenant());
                        ps.setString(2, k.documentId());
                        ps.setInt(3, version);
                        ps.addBatch();
                    }
                }
                chunks.executeBatch();
                record.executeBatch();
                c.commit();
                return keys.size();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /**
     * Deletes up to {@code limit} chunks of another index version that no document record accounts for (ingest
     * records every chunk it writes: this only catches rows written by other means); the caller repeats until none is
     * left.
     *
     * @return the number of chunks removed
     */
    int dropUnrecordedChunks(int version, int limit) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "DELETE FROM chunks WHERE id IN (SELECT id FROM chunks WHERE index_version = ? LIMIT ?)")) {
            ps.setInt(1, version);
            ps.setInt(2, limit);
            return ps.executeUpdate();
        }
    }

    /** Records a document that cannot be indexed, with the reason; its previous chunks (if any) stay searchable. */
    void markFailed(DocumentSubmitted event, String metadataJson, String reason) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO documents (tenant, id, title, source,"
                        + " media_type, content_hash, size_bytes, metadata, status, status_reason, version_at, stage,"
                        + " failed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, 'failed', ?, ?, 'failed', now())"
                        + " ON CONFLICT (tenant, id) DO UPDATE SET status = 'failed',"
                        + " status_reason = EXCLUDED.status_reason, stage = 'failed', failed_at = now(),"
                        + " updated_at = now()")) {
                    int next = setDocumentColumns(ps, event, metadataJson);
                    ps.setString(next, reason);
                    ps.setTimestamp(next + 1, Timestamp.from(event.occurredAt()));
                    ps.executeUpdate();
                }
                markProcessed(c, event.eventId());
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** Applies many unchanged re-submissions in one transaction (two batched statements). */
    void touchAll(List<Touch> touches) throws SQLException {
        if (touches.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement update = c.prepareStatement("UPDATE documents SET title = ?, metadata = ?::jsonb,"
                            + " version_at = ?, stage = 'indexed', indexed_at = now(), updated_at = now()"
                            + " WHERE tenant = ? AND id = ?");
                    PreparedStatement processed = c.prepareStatement(
                            "INSERT INTO processed_events (consumer, event_id) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
                for (Touch t : touches) {
                    update.setString(1, t.title());
                    update.setString(2, t.metadataJson());
                    update.setTimestamp(3, Timestamp.from(t.versionAt()));
                    update.setString(4, t.tenant());
                    update.setString(5, t.documentId());
                    update.addBatch();
                    processed.setString(1, consumer());
                    processed.setString(2, t.eventId());
                    processed.addBatch();
                }
                update.executeBatch();
                processed.executeBatch();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /**
     * Moves the latest submission of these documents ({@code tenant/id} keys) to {@code parsing} or {@code embedding},
     * with the time, in one statement. Only documents whose row the gateway or an earlier version created are
     * touched; what this records is for the submitter's eyes only, nothing decides from it.
     */
    void markStage(String stage, List<String> tenants, List<String> documentIds) throws SQLException {
        if (tenants.isEmpty()) {
            return;
        }
        String column = switch (stage) {
            case "parsing" -> "parsing_at";
            case "embedding" -> "embedding_at";
            default -> throw new IllegalArgumentException("not a progress stage: " + stage);
        };
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE documents d SET stage = ?, " + column + " = now()"
                        + " FROM unnest(?::text[], ?::text[]) AS k(tenant, id)"
                        + " WHERE d.tenant = k.tenant AND d.id = k.id")) {
            ps.setString(1, stage);
            ps.setArray(2, c.createArrayOf("text", tenants.toArray()));
            ps.setArray(3, c.createArrayOf("text", documentIds.toArray()));
            ps.executeUpdate();
        }
    }

    /**
     * Records a submission older than what was already applied as handled, without other effects; the stage the
     * gateway showed for it goes back to the document's applied status.
     */
    void markStale(String eventId, String tenant, String documentId) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps =
                        c.prepareStatement("UPDATE documents SET stage = status WHERE tenant = ? AND id = ?")) {
                    ps.setString(1, tenant);
                    ps.setString(2, documentId);
                    ps.executeUpdate();
                }
                markProcessed(c, eventId);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /**
     * Deletes a document's chunks and marks it deleted, unless a newer submission already superseded the delete.
     *
     * @return the number of chunks removed
     */
    int delete(String eventId, String tenant, String documentId, Instant versionAt) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                int removed;
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE documents SET status = 'deleted', status_reason = NULL, chunk_count = 0,"
                                + " version_at = ?, stage = 'deleted', deleted_at = now(), updated_at = now()"
                                + " WHERE tenant = ? AND id = ? AND version_at <= ?")) {
                    ps.setTimestamp(1, Timestamp.from(versionAt));
                    ps.setString(2, tenant);
                    ps.setString(3, documentId);
                    ps.setTimestamp(4, Timestamp.from(versionAt));
                    if (ps.executeUpdate() == 0) {
                        removed = 0;
                    } else {
                        // every index version's chunks: a deleted document leaves all of them
                        try (PreparedStatement delete =
                                c.prepareStatement("DELETE FROM chunks WHERE tenant = ? AND document_id = ?")) {
                            delete.setString(1, tenant);
                            delete.setString(2, documentId);
                            removed = delete.executeUpdate();
                        }
                        try (PreparedStatement versions = c.prepareStatement(
                                "DELETE FROM document_index_versions WHERE tenant = ? AND document_id = ?")) {
                            versions.setString(1, tenant);
                            versions.setString(2, documentId);
                            versions.executeUpdate();
                        }
                    }
                }
                markProcessed(c, eventId);
                c.commit();
                return removed;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** Records an event as handled without other effects. */
    void markHandled(String eventId) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            markProcessed(c, eventId);
        }
    }

    private void markProcessed(Connection c, String eventId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO processed_events (consumer, event_id) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
            ps.setString(1, consumer());
            ps.setString(2, eventId);
            ps.executeUpdate();
        }
    }

    private static void upsertDocument(
            Connection c, DocumentSubmitted event, String metadataJson, int chunkCount, String model, int indexVersion)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO documents (tenant, id, title, source, media_type,"
                + " content_hash, size_bytes, metadata, status, status_reason, chunk_count, embedding_model,"
                + " index_version, version_at, stage, indexed_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, 'indexed', NULL, ?, ?, ?, ?, 'indexed', now())"
                + " ON CONFLICT (tenant, id) DO UPDATE SET title = EXCLUDED.title, source = EXCLUDED.source,"
                + " media_type = EXCLUDED.media_type, content_hash = EXCLUDED.content_hash,"
                + " size_bytes = EXCLUDED.size_bytes, metadata = EXCLUDED.metadata, status = EXCLUDED.status,"
                + " status_reason = EXCLUDED.status_reason, chunk_count = EXCLUDED.chunk_count,"
                + " embedding_model = EXCLUDED.embedding_model, index_version = EXCLUDED.index_version,"
                + " version_at = EXCLUDED.version_at, stage = 'indexed', indexed_at = now(), failed_at = NULL,"
                + " deleted_at = NULL, updated_at = now()")) {
            int next = setDocumentColumns(ps, event, metadataJson);
            ps.setInt(next, chunkCount);
            ps.setString(next + 1, model);
            ps.setInt(next + 2, indexVersion);
            ps.setTimestamp(next + 3, Timestamp.from(event.occurredAt()));
            ps.executeUpdate();
        }
    }

    /** Binds tenant, id, title, source, media type, content hash, size and metadata; returns the next index. */
    private static int setDocumentColumns(PreparedStatement ps, DocumentSubmitted event, String metadataJson)
            throws SQLException {
        ps.setString(1, event.tenant());
        ps.setString(2, event.documentId());
        ps.setString(3, event.title());
        ps.setString(4, event.source());
        ps.setString(5, event.mediaType());
        ps.setString(6, event.contentHash());
        ps.setLong(7, event.sizeBytes());
        ps.setString(8, metadataJson);
        return 9;
    }
}
