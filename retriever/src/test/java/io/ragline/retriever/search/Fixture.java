package io.ragline.retriever.search;

import com.pgvector.PGvector;
import io.ragline.retriever.embedding.QueryEmbedder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Writes documents and chunks the way ingest does (rows in {@code documents} and {@code chunks}, vectors from the same
 * model), so search tests run against the real database, indexes and lexical triggers.
 */
final class Fixture {

    private final DataSource dataSource;
    private final QueryEmbedder embedder;
    final String tenant;
    final List<String> chunkIds = new ArrayList<>();

    Fixture(DataSource dataSource, QueryEmbedder embedder, String tenantPrefix) {
        this.dataSource = dataSource;
        this.embedder = embedder;
        this.tenant = tenantPrefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** One single-chunk document. */
    String add(String documentId, String title, String source, String metadataJson, String text, String heading)
            throws SQLException {
        String chunkId = tenant + ":" + documentId + ":0";
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement d = c.prepareStatement(
                            "INSERT INTO documents (tenant, id, title, source, media_type, content_hash, metadata, status,"
                                    + " chunk_count, embedding_model, version_at)"
                                    + " VALUES (?, ?, ?, ?, 'text/plain', 'h', ?::jsonb, 'indexed', 1,"
                                    + " 'bge-small-en-v1.5-q', ?)");
                    PreparedStatement ch = c.prepareStatement(
                            "INSERT INTO chunks (id, tenant, document_id, ordinal, content, content_hash, heading_path,"
                                    + " start_offset, end_offset, embedding, embedding_model)"
                                    + " VALUES (?, ?, ?, 0, ?, 'h', ?, 0, ?, ?, 'bge-small-en-v1.5-q')")) {
                d.setString(1, tenant);
                d.setString(2, documentId);
                d.setString(3, title);
                d.setString(4, source);
                d.setString(5, metadataJson);
                d.setTimestamp(6, Timestamp.from(Instant.now()));
                d.executeUpdate();
                ch.setString(1, chunkId);
                ch.setString(2, tenant);
                ch.setString(3, documentId);
                ch.setString(4, text);
                ch.setString(5, heading);
                ch.setInt(6, text.length());
                ch.setObject(7, new PGvector(embedder.embed(text)));
                ch.executeUpdate();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
        chunkIds.add(chunkId);
        return chunkId;
    }

    String add(String documentId, String text) throws SQLException {
        return add(documentId, documentId, "test", "{}", text, null);
    }
}
