package io.ragline.ingest.intake;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;

/**
 * The claim-check store: bodies too large for a Kafka record (and every uploaded file) are written to
 * {@code document_contents} before the event that references them is published; the indexer reads them, the
 * {@code ClaimCheckSweeper} deletes those no event can reference any more.
 */
@ApplicationScoped
public class Contents {

    @Inject
    AgroalDataSource dataSource;

    /** Stores the bytes and returns the reference to put in the event. */
    public String store(String tenant, String mediaType, String fileName, byte[] bytes) throws SQLException {
        String id = UUID.randomUUID().toString();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO document_contents (id, tenant, media_type, file_name, bytes) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, tenant);
            ps.setString(3, mediaType);
            ps.setString(4, fileName);
            ps.setBytes(5, bytes);
            ps.executeUpdate();
            return id;
        }
    }
}
