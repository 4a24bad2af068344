package io.ragline.gateway.document;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
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
}
