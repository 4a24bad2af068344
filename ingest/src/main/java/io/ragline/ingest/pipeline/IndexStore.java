package io.ragline.ingest.pipeline;

import com.pgvector.PGvector;
import io.ragline.contracts.document.DocumentSubmitted;
import io.ragline.ingest.config.IngestConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * ingest's reads and writes on {@code documents}, {@code chunks}, {@code document_index_versions} and
 * {@code processed_events} for the submissions it indexes. Every write is one short transaction that also records the
 * event id, so a redelivered event changes nothing and a reader sees either the old or the new version of a
 * document's chunks, never both and never neither. Database failures surface as Jdbi's unchecked exceptions.
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

    /** Bytes stored by the gateway for a claim-check reference. */
    record Content(String mediaType, String fileName, byte[] bytes) {}

    /** The columns of {@code documents} a submission sets, bound from the event by {@link #bindDocument}. */
    private static final String DOCUMENT_COLUMNS =
            "tenant, id, title, source, media_type, content_hash, size_bytes, metadata";

    private static final String DOCUMENT_VALUES =
            ":tenant, :id, :title, :source, :mediaType, :contentHash, :sizeBytes, :metadata::jsonb";

    private static final String MARK_PROCESSED =
            "INSERT INTO processed_events (consumer, event_id) VALUES (:consumer, :eventId) ON CONFLICT DO NOTHING";

    @Inject
    Jdbi jdbi;

    @Inject
    IngestConfig config;

    Optional<Content> content(String tenant, String ref) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT media_type, file_name, bytes FROM document_contents WHERE id = :id AND tenant = :tenant")
                .bind("id", ref)
                .bind("tenant", tenant)
                .map((rs, ctx) -> new Content(rs.getString(1), rs.getString(2), rs.getBytes(3)))
                .findOne());
    }

    /** The subset of {@code eventIds} this consumer already applied. */
    Set<String> processed(List<String> eventIds) {
        if (eventIds.isEmpty()) {
            return Set.of();
        }
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT event_id FROM processed_events WHERE consumer = :consumer AND event_id = ANY(:ids)")
                .bind("consumer", config.consumer())
                .bindArray("ids", String.class, eventIds)
                .mapTo(String.class)
                .collect(Collectors.toSet()));
    }

    /**
     * The state of many documents, by {@code tenant/documentId} (absent documents are not in the map): the document's
     * status and latest applied version from {@code documents}, and what this deployment's index version holds of it
     * (content hash, title, model, chunk count; null and 0 when it holds nothing).
     */
    Map<String, Current> current(List<String> tenants, List<String> documentIds) {
        if (tenants.isEmpty()) {
            return Map.of();
        }
        Map<String, Current> found = new HashMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT d.tenant, d.id, v.content_hash, v.title, d.status,"
                        + " v.embedding_model, coalesce(v.index_version, 0) AS index_version, d.version_at,"
                        + " coalesce(v.chunk_count, 0) AS chunk_count"
                        + " FROM unnest(:tenants::text[], :ids::text[]) AS k(tenant, id)"
                        + " JOIN documents d ON d.tenant = k.tenant AND d.id = k.id"
                        + " LEFT JOIN document_index_versions v ON v.tenant = d.tenant AND v.document_id = d.id"
                        + " AND v.index_version = :version")
                .bindArray("tenants", String.class, tenants)
                .bindArray("ids", String.class, documentIds)
                .bind("version", config.indexVersion())
                .map((rs, ctx) -> Map.entry(
                        rs.getString("tenant") + "/" + rs.getString("id"),
                        new Current(
                                rs.getString("content_hash"),
                                rs.getString("title"),
                                rs.getString("status"),
                                rs.getString("embedding_model"),
                                rs.getInt("index_version"),
                                rs.getTimestamp("version_at").toInstant(),
                                rs.getInt("chunk_count"))))
                .forEach(e -> found.put(e.getKey(), e.getValue())));
        return found;
    }

    /** Embeddings already stored for this document, by chunk content hash: unchanged chunks are not re-embedded. */
    Map<String, float[]> reusableEmbeddings(String tenant, String documentId, String model, int indexVersion) {
        Map<String, float[]> byHash = new HashMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT content_hash, embedding::text FROM chunks WHERE tenant = :tenant"
                        + " AND document_id = :documentId AND embedding_model = :model AND index_version = :version")
                .bind("tenant", tenant)
                .bind("documentId", documentId)
                .bind("model", model)
                .bind("version", indexVersion)
                .map((rs, ctx) -> Map.entry(rs.getString(1), new PGvector(rs.getString(2)).toArray()))
                .forEach(e -> byHash.put(e.getKey(), e.getValue())));
        return byHash;
    }

    /**
     * Upserts the document row and replaces its chunks of this index version (other versions' chunks are another
     * deployment's), atomically, recording what the version now holds and the event as processed.
     */
    void replace(
            DocumentSubmitted event, String metadataJson, String model, int indexVersion, List<StoredChunk> chunks) {
        jdbi.useTransaction(h -> {
            bindDocument(
                            h.createUpdate("INSERT INTO documents (" + DOCUMENT_COLUMNS + ", status, status_reason,"
                                    + " chunk_count, embedding_model, index_version, version_at, stage, indexed_at)"
                                    + " VALUES (" + DOCUMENT_VALUES + ", 'indexed', NULL, :chunkCount, :model,"
                                    + " :indexVersion, :versionAt, 'indexed', now())"
                                    + " ON CONFLICT (tenant, id) DO UPDATE SET title = EXCLUDED.title,"
                                    + " source = EXCLUDED.source, media_type = EXCLUDED.media_type,"
                                    + " content_hash = EXCLUDED.content_hash, size_bytes = EXCLUDED.size_bytes,"
                                    + " metadata = EXCLUDED.metadata, status = EXCLUDED.status,"
                                    + " status_reason = EXCLUDED.status_reason, chunk_count = EXCLUDED.chunk_count,"
                                    + " embedding_model = EXCLUDED.embedding_model,"
                                    + " index_version = EXCLUDED.index_version, version_at = EXCLUDED.version_at,"
                                    + " stage = 'indexed', indexed_at = now(), failed_at = NULL, deleted_at = NULL,"
                                    + " updated_at = now()"),
                            event,
                            metadataJson)
                    .bind("chunkCount", chunks.size())
                    .bind("model", model)
                    .bind("indexVersion", indexVersion)
                    .bind("versionAt", event.occurredAt())
                    .execute();
            writeVersion(
                    h,
                    event.tenant(),
                    event.documentId(),
                    indexVersion,
                    model,
                    event.contentHash(),
                    event.title(),
                    chunks);
            markProcessed(h, event.eventId());
        });
    }

    /**
     * Replaces a document's chunks of one index version and records what the version holds, in the caller's
     * transaction.
     */
    static void writeVersion(
            Handle h,
            String tenant,
            String documentId,
            int indexVersion,
            String model,
            String contentHash,
            String title,
            List<StoredChunk> chunks) {
        h.createUpdate("DELETE FROM chunks WHERE tenant = :tenant AND document_id = :documentId"
                        + " AND index_version = :version")
                .bind("tenant", tenant)
                .bind("documentId", documentId)
                .bind("version", indexVersion)
                .execute();
        PreparedBatch insert = h.prepareBatch("INSERT INTO chunks (id, tenant, document_id, ordinal, content,"
                + " content_hash, start_offset, end_offset, embedding, embedding_model, index_version, heading_path)"
                + " VALUES (:id, :tenant, :documentId, :ordinal, :content, :contentHash, :start, :end,"
                + " :embedding::vector, :model, :version, :headingPath)");
        for (StoredChunk chunk : chunks) {
            insert.bind("id", chunk.id())
                    .bind("tenant", tenant)
                    .bind("documentId", documentId)
                    .bind("ordinal", chunk.ordinal())
                    .bind("content", chunk.text())
                    .bind("contentHash", chunk.contentHash())
                    .bind("start", chunk.start())
                    .bind("end", chunk.end())
                    .bind("embedding", new PGvector(chunk.embedding()).toString())
                    .bind("model", model)
                    .bind("version", indexVersion)
                    .bind("headingPath", chunk.headingPath())
                    .add();
        }
        if (!chunks.isEmpty()) {
            insert.execute();
        }
        h.createUpdate("INSERT INTO document_index_versions (tenant, document_id, index_version, embedding_model,"
                        + " content_hash, title, chunk_count) VALUES (:tenant, :documentId, :version, :model,"
                        + " :contentHash, :title, :chunkCount)"
                        + " ON CONFLICT (tenant, document_id, index_version) DO UPDATE SET"
                        + " embedding_model = EXCLUDED.embedding_model, content_hash = EXCLUDED.content_hash,"
                        + " title = EXCLUDED.title, chunk_count = EXCLUDED.chunk_count, indexed_at = now()")
                .bind("tenant", tenant)
                .bind("documentId", documentId)
                .bind("version", indexVersion)
                .bind("model", model)
                .bind("contentHash", contentHash)
                .bind("title", title)
                .bind("chunkCount", chunks.size())
                .execute();
    }

    /** Records a document that cannot be indexed, with the reason; its previous chunks (if any) stay searchable. */
    void markFailed(DocumentSubmitted event, String metadataJson, String reason) {
        jdbi.useTransaction(h -> {
            bindDocument(
                            h.createUpdate("INSERT INTO documents (" + DOCUMENT_COLUMNS + ", status, status_reason,"
                                    + " version_at, stage, failed_at) VALUES (" + DOCUMENT_VALUES + ", 'failed',"
                                    + " :reason, :versionAt, 'failed', now())"
                                    + " ON CONFLICT (tenant, id) DO UPDATE SET status = 'failed',"
                                    + " status_reason = EXCLUDED.status_reason, stage = 'failed', failed_at = now(),"
                                    + " updated_at = now()"),
                            event,
                            metadataJson)
                    .bind("reason", reason)
                    .bind("versionAt", event.occurredAt())
                    .execute();
            markProcessed(h, event.eventId());
        });
    }

    /** Applies many unchanged re-submissions in one transaction (two batched statements). */
    void touchAll(List<Touch> touches) {
        if (touches.isEmpty()) {
            return;
        }
        jdbi.useTransaction(h -> {
            PreparedBatch update = h.prepareBatch("UPDATE documents SET title = :title, metadata = :metadata::jsonb,"
                    + " version_at = :versionAt, stage = 'indexed', indexed_at = now(), updated_at = now()"
                    + " WHERE tenant = :tenant AND id = :id");
            PreparedBatch processed = h.prepareBatch(MARK_PROCESSED);
            for (Touch t : touches) {
                update.bind("title", t.title())
                        .bind("metadata", t.metadataJson())
                        .bind("versionAt", t.versionAt())
                        .bind("tenant", t.tenant())
                        .bind("id", t.documentId())
                        .add();
                processed
                        .bind("consumer", config.consumer())
                        .bind("eventId", t.eventId())
                        .add();
            }
            update.execute();
            processed.execute();
        });
    }

    /** The progress stages ingest records, each with the column holding when it was reached. */
    enum Stage {
        PARSING("parsing_at"),
        EMBEDDING("embedding_at");

        private final String column;

        Stage(String column) {
            this.column = column;
        }
    }

    /**
     * Moves the latest submission of these documents to {@code stage}, with the time, in one statement. Only
     * documents whose row the gateway or an earlier version created are touched; what this records is for the
     * submitter's eyes only, nothing decides from it.
     */
    void markStage(Stage stage, List<String> tenants, List<String> documentIds) {
        if (tenants.isEmpty()) {
            return;
        }
        jdbi.useHandle(h -> h.createUpdate("UPDATE documents d SET stage = :stage, " + stage.column + " = now()"
                        + " FROM unnest(:tenants::text[], :ids::text[]) AS k(tenant, id)"
                        + " WHERE d.tenant = k.tenant AND d.id = k.id")
                .bind("stage", stage.name().toLowerCase(Locale.ROOT))
                .bindArray("tenants", String.class, tenants)
                .bindArray("ids", String.class, documentIds)
                .execute());
    }

    /**
     * Records a submission older than what was already applied as handled, without other effects; the stage the
     * gateway showed for it goes back to the document's applied status.
     */
    void markStale(String eventId, String tenant, String documentId) {
        jdbi.useTransaction(h -> {
            h.createUpdate("UPDATE documents SET stage = status WHERE tenant = :tenant AND id = :id")
                    .bind("tenant", tenant)
                    .bind("id", documentId)
                    .execute();
            markProcessed(h, eventId);
        });
    }

    /**
     * Deletes a document's chunks and marks it deleted, unless a newer submission already superseded the delete.
     *
     * @return the number of chunks removed
     */
    int delete(String eventId, String tenant, String documentId, Instant versionAt) {
        return jdbi.inTransaction(h -> {
            int removed = 0;
            int marked = h.createUpdate("UPDATE documents SET status = 'deleted', status_reason = NULL,"
                            + " chunk_count = 0, version_at = :versionAt, stage = 'deleted', deleted_at = now(),"
                            + " updated_at = now() WHERE tenant = :tenant AND id = :id AND version_at <= :versionAt")
                    .bind("versionAt", versionAt)
                    .bind("tenant", tenant)
                    .bind("id", documentId)
                    .execute();
            if (marked > 0) {
                // every index version's chunks: a deleted document leaves all of them
                removed = h.createUpdate("DELETE FROM chunks WHERE tenant = :tenant AND document_id = :id")
                        .bind("tenant", tenant)
                        .bind("id", documentId)
                        .execute();
                h.createUpdate("DELETE FROM document_index_versions WHERE tenant = :tenant AND document_id = :id")
                        .bind("tenant", tenant)
                        .bind("id", documentId)
                        .execute();
            }
            markProcessed(h, eventId);
            return removed;
        });
    }

    /** Records an event as handled without other effects. */
    void markHandled(String eventId) {
        jdbi.useHandle(h -> markProcessed(h, eventId));
    }

    /** Records an event as processed by this deployment's consumer, in the caller's transaction. */
    void markProcessed(Handle h, String eventId) {
        h.createUpdate(MARK_PROCESSED)
                .bind("consumer", config.consumer())
                .bind("eventId", eventId)
                .execute();
    }

    /** Binds the {@link #DOCUMENT_VALUES} parameters from the event. */
    private static <S extends SqlStatement<S>> S bindDocument(S statement, DocumentSubmitted event, String metadata) {
        return statement
                .bind("tenant", event.tenant())
                .bind("id", event.documentId())
                .bind("title", event.title())
                .bind("source", event.source())
                .bind("mediaType", event.mediaType())
                .bind("contentHash", event.contentHash())
                .bind("sizeBytes", event.sizeBytes())
                .bind("metadata", metadata);
    }
}
