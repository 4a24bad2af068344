package io.ragline.ingest.intake;

import io.ragline.contracts.document.api.IntakeApi.DocumentPage;
import io.ragline.contracts.document.api.IntakeApi.DocumentStatus;
import io.ragline.contracts.document.api.IntakeApi.NotPublished;
import io.ragline.contracts.document.api.IntakeApi.Queued;
import io.ragline.contracts.document.api.IntakeApi.Stages;
import io.ragline.contracts.document.api.IntakeApi.Submission;
import io.ragline.contracts.document.api.IntakeApi.SubmissionStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;

/**
 * The {@code documents} rows as submitters see them: a submission is recorded {@code queued} (through the intake
 * API, before its event is published), the indexer moves it through {@code parsing}, {@code embedding} to
 * {@code indexed} or {@code failed}, each stage with its time.
 */
@ApplicationScoped
public class Submissions {

    private static final String COLUMNS = "id, title, source, coalesce(stage, status), status_reason, chunk_count,"
            + " embedding_model, updated_at, queued_at, parsing_at, embedding_at, indexed_at, failed_at, deleted_at";

    @Inject
    Jdbi jdbi;

    /**
     * Records submissions as queued. A new document's row holds only what the submitter sees; the indexer fills in
     * the rest. One round trip: the driver rewrites the batch into multi-row inserts (a batch never names one
     * document twice: the gateway refuses that).
     */
    public void queued(String tenant, List<Queued> submissions) {
        if (submissions.isEmpty()) {
            return;
        }
        jdbi.useHandle(h -> {
            PreparedBatch batch = h.prepareBatch("INSERT INTO documents (tenant, id, title, source, media_type,"
                    + " content_hash, size_bytes, status, version_at, stage, queued_at)"
                    + " VALUES (:tenant, :id, :title, :source, :mediaType, '', :sizeBytes, 'submitted', '-infinity',"
                    + " 'queued', now()) ON CONFLICT (tenant, id) DO UPDATE SET stage = 'queued', queued_at = now(),"
                    + " parsing_at = NULL, embedding_at = NULL, indexed_at = NULL, failed_at = NULL,"
                    + " deleted_at = NULL, updated_at = now()");
            for (Queued q : submissions) {
                batch.bind("tenant", tenant)
                        .bind("id", q.documentId())
                        .bind("title", q.title())
                        .bind("source", q.source())
                        .bind("mediaType", q.mediaType())
                        .bind("sizeBytes", q.sizeBytes())
                        .add();
            }
            batch.execute();
        });
    }

    /** A queued submission the broker did not take: its stage becomes failed, with the reason. */
    public void notPublished(String tenant, NotPublished refused) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE documents SET stage = 'failed', failed_at = now(),"
                        + " status_reason = :reason, updated_at = now()"
                        + " WHERE tenant = :tenant AND id = :id AND stage = 'queued'")
                .bind("reason", refused.reason())
                .bind("tenant", tenant)
                .bind("id", refused.documentId())
                .execute());
    }

    public Optional<DocumentStatus> find(String tenant, String documentId) {
        return jdbi.withHandle(
                h -> h.createQuery("SELECT " + COLUMNS + " FROM documents WHERE tenant = :tenant AND id = :id")
                        .bind("tenant", tenant)
                        .bind("id", documentId)
                        .map((rs, ctx) -> status(rs))
                        .findOne());
    }

    /** A page cursor: the last row's time and id. */
    public record Cursor(Instant updatedAt, String documentId) {

        /** The cursor a page's {@code next} names; empty for none; throws for text no page gave. */
        public static Optional<Cursor> parse(String next) {
            if (next == null || next.isBlank()) {
                return Optional.empty();
            }
            int bar = next.indexOf('|');
            if (bar < 0) {
                throw new IllegalArgumentException("after must be the 'next' value of the previous page");
            }
            try {
                return Optional.of(new Cursor(Instant.parse(next.substring(0, bar)), next.substring(bar + 1)));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("after must be the 'next' value of the previous page");
            }
        }

        String text() {
            return updatedAt + "|" + documentId;
        }
    }

    /**
     * A tenant's documents at one stage (or all, when {@code stage} is null), most recently changed first,
     * {@code limit} per page, after the cursor when there is one.
     */
    public DocumentPage list(String tenant, String stage, int limit, Optional<Cursor> after) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM documents WHERE tenant = :tenant");
        if (stage != null) {
            sql.append(" AND coalesce(stage, status) = :stage");
        }
        if (after.isPresent()) {
            sql.append(" AND (updated_at, id) < (:afterTime, :afterId)");
        }
        sql.append(" ORDER BY updated_at DESC, id DESC LIMIT :limit");
        List<DocumentStatus> page = jdbi.withHandle(h -> {
            Query query = h.createQuery(sql.toString()).bind("tenant", tenant).bind("limit", limit + 1);
            if (stage != null) {
                query.bind("stage", stage);
            }
            after.ifPresent(c -> query.bind("afterTime", c.updatedAt()).bind("afterId", c.documentId()));
            return query.map((rs, ctx) -> status(rs)).list();
        });
        String next = null;
        if (page.size() > limit) {
            page = page.subList(0, limit);
            DocumentStatus last = page.get(limit - 1);
            next = new Cursor(last.updatedAt(), last.documentId()).text();
        }
        return new DocumentPage(List.copyOf(page), next);
    }

    /**
     * For each (documentId, eventId): has the indexer applied that event (recorded in {@code processed_events}), and
     * what state is the document in. One query for the whole list; the answer keeps the request's order.
     */
    public List<SubmissionStatus> submissions(String tenant, List<Submission> submissions) {
        if (submissions.isEmpty()) {
            return List.of();
        }
        Map<String, SubmissionStatus> byEvent = new HashMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT s.event_id, s.document_id, p.event_id IS NOT NULL,"
                        + " coalesce(d.stage, d.status), d.status_reason"
                        + " FROM unnest(:events::text[], :ids::text[]) AS s(event_id, document_id)"
                        + " LEFT JOIN processed_events p ON p.consumer = 'ingest' AND p.event_id = s.event_id"
                        + " LEFT JOIN documents d ON d.tenant = :tenant AND d.id = s.document_id")
                .bindArray(
                        "events",
                        String.class,
                        submissions.stream().map(Submission::eventId).toList())
                .bindArray(
                        "ids",
                        String.class,
                        submissions.stream().map(Submission::documentId).toList())
                .bind("tenant", tenant)
                .map((rs, ctx) -> new SubmissionStatus(
                        rs.getString(2), rs.getString(1), rs.getBoolean(3), rs.getString(4), rs.getString(5)))
                .forEach(status -> byEvent.put(status.eventId(), status)));
        List<SubmissionStatus> result = new ArrayList<>();
        for (Submission submission : submissions) {
            result.add(byEvent.getOrDefault(
                    submission.eventId(),
                    new SubmissionStatus(submission.documentId(), submission.eventId(), false, null, null)));
        }
        return result;
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
}
