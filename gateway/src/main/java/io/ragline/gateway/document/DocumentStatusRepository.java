package io.ragline.gateway.document;

import io.agroal.api.AgroalDataSource;
import io.ragline.gateway.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads the indexing status ingest keeps in the {@code documents} table. */
@ApplicationScoped
public class DocumentStatusRepository {

    /** A document as its submitter sees it. */
    public record DocumentStatus(
            String documentId,
            String title,
            String status,
            String reason,
            int chunkCount,
            String embeddingModel,
            Instant updatedAt) {}

    @Inject
    AgroalDataSource dataSource;

    public Optional<DocumentStatus> find(String tenant, String documentId) {
        String sql = "SELECT id, title, status, status_reason, chunk_count, embedding_model, updated_at"
                + " FROM documents WHERE tenant = ? AND id = ?";
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, tenant);
            ps.setString(2, documentId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new DocumentStatus(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getInt(5),
                        rs.getString(6),
                        rs.getTimestamp(7).toInstant()));
            }
        } catch (SQLException e) {
            throw new ProblemException(503, "the database is unavailable: " + e.getMessage());
        }
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
        String sql = "SELECT s.event_id, s.document_id, p.event_id IS NOT NULL, d.status, d.status_reason"
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
