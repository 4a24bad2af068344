package io.ragline.gateway.document;

import io.agroal.api.AgroalDataSource;
import io.ragline.contracts.document.DocumentSubmitted;
import io.ragline.gateway.problem.ProblemException;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The {@code documents} table as submitters see it: the gateway records each accepted submission as {@code queued}
 * (before publishing it), ingest moves it through {@code parsing}, {@code embedding} to {@code indexed} or
 * {@code failed}, each stage with its time.
 */
@ApplicationScoped
public class DocumentStatusRepository {

    private static final Logger LOG = Logger.getLogger(DocumentStatusRepository.class);

    /** The stages a submission goes through, in order; {@code deleted} after a delete. */
    public static final List<String> STAGES = List.of("queued", "parsing", "embedding", "indexed", "failed", "deleted");

    /** When the latest submission reached each stage (null: not (yet) reached). */
    public record Stages(
            Instant queued, Instant parsing, Instant embedding, Instant indexed, Instant failed, Instant deleted) {}

    /**
     * A document as its submitter sees it: {@code status} is the latest submission's stage; {@code chunkCount} and
     * {@code embeddingModel} describe what is searchable now (the previous version's chunks stay until a new one is
     * indexed).
     */
    public record DocumentStatus(
            String documentId,
            String title,
            String source,
            String status,
            String reason,
            int chunkCount,
            String embeddingModel,
            Instant updatedAt,
            Stages stages) {}

    /** One page of a listing; {@code next} is the cursor for the following page, null at the end. */
    public record DocumentPage(List<DocumentStatus> documents, String next) {}

    private static final String COLUMNS = "id, title, source, coalesce(stage, status), status_reason, chunk_count,"
            + " embedding_model, updated_at, queued_at, parsing_at, embedding_at, indexed_at, failed_at, deleted_at";

    @Inject
    AgroalDataSource dataSource;

    /**
     * Records accepted submissions as queued, before they are published (so ingest, which moves the stage on, always
     * comes after). A new document's row holds only what the submitter sees; ingest fills in the rest. Best effort:
     * the event is what counts, so a database failure here is logged and the submission goes on.
     */
    public void queued(List<DocumentSubmitted> events) {
        String sql = "INSERT INTO documents (tenant, id, title, source, media_type, content_hash, size_bytes, status,"
                + " version_at, stage, queued_at) VALUES (?, ?, ?, ?, ?, '', ?, 'submitted', '-infinity', 'queued',"
                + " now()) ON CONFLICT (tenant, id) DO UPDATE SET stage = 'queued', queued_at = now(),"
                + " parsing_at = NULL, embedding_at = NULL, indexed_at = NULL, failed_at = NULL, deleted_at = NULL,"
                + " updated_at = now()";
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (DocumentSubmitted event : events) {
                ps.setString(1, event.tenant());
                ps.setString(2, event.documentId());
                ps.setString(3, event.title());
                ps.setString(4, event.source());
                ps.setString(5, event.mediaType());
                ps.setLong(6, event.sizeBytes());
                ps.addBatch();
            }
            // one round trip (the driver rewrites the batch into multi-row inserts); a batch never names one
            // document twice (the batch endpoint refuses that), which one multi-row upsert could not apply
            ps.executeBatch();
        } catch (SQLException e) {
            LOG.warnf(
                    "%s not recorded as queued: %s",
                    events.size() == 1 ? "document " + events.get(0).partitionKey() : events.size() + " documents",
                    e.getMessage());
        }
    }

    /** A submission the broker did not take: its stage becomes failed, with the reason (best effort). */
    public void notPublished(DocumentSubmitted event, String reason) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE documents SET stage = 'failed', failed_at = now(),"
                        + " status_reason = ?, updated_at = now() WHERE tenant = ? AND id = ? AND stage = 'queued'")) {
            ps.setString(1, reason);
            ps.setString(2, event.tenant());
            ps.setString(3, event.documentId());
            ps.executeUpdate();
        } catch (SQLException e) {
            LOG.warnf("document %s not recorded as failed: %s", event.partitionKey(), e.getMessage());
        }
    }

    public Optional<DocumentStatus> find(String tenant, String documentId) {
        String sql = "SELECT " + COLUMNS + " FROM documents WHERE tenant = ? AND id = ?";
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, tenant);
            ps.setString(2, documentId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(status(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new ProblemException(503, "the database is unavailable: " + e.getMessage());
        }
    }

    /**
     * A tenant's documents at one stage (or all, when {@code stage} is null), most recently changed first, {@code limit}
     * per page; {@code after} is the previous page's {@code next}.
     */
    public DocumentPage list(String tenant, String stage, int limit, String after) {
        Instant afterTime = null;
        String afterId = null;
        if (after != null && !after.isBlank()) {
            int bar = after.indexOf('|');
            try {
                afterTime = Instant.parse(after.substring(0, Math.max(bar, 0)));
                afterId = after.substring(bar + 1);
            } catch (RuntimeException e) {
                throw new ProblemException(400, "after must be the 'next' value of the previous page");
            }
        }
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM documents WHERE tenant = ?");
        if (stage != null) {
            sql.append(" AND coalesce(stage, status) = ?");
        }
        if (afterTime != null) {
            sql.append(" AND (updated_at, id) < (?, ?)");
        }
        sql.append(" ORDER BY updated_at DESC, id DESC LIMIT ?");
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = 1;
            ps.setString(i++, tenant);
            if (stage != null) {
                ps.setString(i++, stage);
            }
            if (afterTime != null) {
                ps.setTimestamp(i++, Timestamp.from(afterTime));
                ps.setString(i++, afterId);
            }
            ps.setInt(i, limit + 1);
            List<DocumentStatus> page = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    page.add(status(rs));
                }
            }
            String next = null;
            if (page.size() > limit) {
                page = page.subList(0, limit);
                DocumentStatus last = page.get(limit - 1);
                next = last.updatedAt() + "|" + last.documentId();
            }
            return new DocumentPage(List.copyOf(page), next);
        } catch (SQLException e) {
            throw new ProblemException(503, "the database is unavailable: " + e.getMessage());
        }
    }

    private static DocumentStatus status(ResultSet rs) throws SQLException {
        return new DocumentStatus(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getInt(6),
                rs.getString(7),
                rs.getTimestamp(8).toInstant(),
                new Stages(
                        instant(rs, 9),
                        instant(rs, 10),
                        instant(rs, 11),
                        instant(rs, 12),
                        instant(rs, 13),
                        instant(rs, 14)));
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    /** Whether ingest has applied a given submission, and the document's state. */
    public record SubmissionStatus(
            String documentId, String eventId, boolean processed, String status, String reason) {}

    /**
     * For each (documentId, eventId): has ingest applied that event (recorded in {@code processed_events}), and what
     * state is the document in. One query for the whole batch.
     */
    public List<SubmissionStatus> submissions(String tenant, List<DocumentResource.Submission> submissions) {
        if (submissions.isEmpty()) {
            return List.of();
        }
        String[] events =
                submissions.stream().map(DocumentResource.Submission::eventId).toArray(String[]::new);
        String[] ids = submissions.stream()
                .map(DocumentResource.Submission::documentId)
                .toArray(String[]::new);
        Map<String, SubmissionStatus> byEvent = new HashMap<>();
        String sql = "SELECT s.event_id, s.document_id, p.event_id IS NOT NULL, coalesce(d.stage, d.status),"
                + " d.status_reason"
                + " FROM unnest(?::text[], ?::text[]) AS s(event_id, document_id)"
                + " LEFT JOIN processed_events p ON p.consumer = 'ingest' AND p.event_id = s.event_id"
                + " LEFT JOIN documents d ON d.tenant = ? AND d.id = s.document_id";
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("text", events));
            ps.setArray(2, c.createArrayOf("text", ids));
            ps.setString(3, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byEvent.put(
                            rs.getString(1),
                            new SubmissionStatus(
                                    rs.getString(2),
                                    rs.getString(1),
                                    rs.getBoolean(3),
                                    rs.getString(4),
                                    rs.getString(5)));
                }
            }
        } catch (SQLException e) {
            throw new ProblemException(503, "the database is unavailable: " + e.getMessage());
        }
        List<SubmissionStatus> result = new ArrayList<>();
        for (DocumentResource.Submission submission : submissions) {
            result.add(byEvent.getOrDefault(
                    submission.eventId(),
                    new SubmissionStatus(submission.documentId(), submission.eventId(), false, null, null)));
        }
        return result;
    }
}
