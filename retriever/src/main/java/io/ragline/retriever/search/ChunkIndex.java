package io.ragline.retriever.search;

import com.pgvector.PGvector;
import io.quarkus.cache.CacheResult;
import io.ragline.retriever.config.RetrieverConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The SQL side of search over the chunks ingest wrote: nearest neighbours through the HNSW index, BM25 over the
 * lexical postings ({@code chunk_terms}), and the stored fields of the chosen chunks. Every statement is restricted to
 * one tenant by a bound parameter, and every caller-supplied value is bound, never spliced.
 */
@ApplicationScoped
public class ChunkIndex {

    /** A tenant's BM25 collection statistics: chunk count and mean chunk length in tokens. */
    public record CollectionStats(long chunks, double meanLength) {}

    /** The stored fields of one chunk and its document. */
    public record ChunkRow(
            String id,
            String documentId,
            int ordinal,
            String title,
            String source,
            String metadataJson,
            String text,
            String headingPath,
            int startOffset,
            int endOffset,
            float[] embedding) {}

    @Inject
    DataSource dataSource;

    @Inject
    RetrieverConfig config;

    /** The {@code n} chunks nearest to the query vector (cosine), best first, scored by cosine similarity. */
    public List<Fusion.Scored> nearest(String tenant, float[] query, int n, SearchFilter filter) throws SQLException {
        String sql = "SELECT c.id, c.embedding <=> ? AS distance FROM chunks c"
                + (filter.needsDocuments() ? " JOIN documents d ON d.tenant = c.tenant AND d.id = c.document_id" : "")
                + " WHERE c.tenant = ? AND c.embedding_model = ?" + filter.sql()
                + " ORDER BY c.embedding <=> ? LIMIT ?";
        PGvector vector = new PGvector(query);
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setObject(i++, vector);
            ps.setString(i++, tenant);
            ps.setString(i++, config.embedding().modelName());
            i = bind(c, ps, i, filter.parameters());
            ps.setObject(i++, vector);
            ps.setInt(i, n);
            List<Fusion.Scored> out = new ArrayList<>(n);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Fusion.Scored(rs.getString(1), 1 - rs.getDouble(2)));
                }
            }
            // an iterative (filtered) HNSW scan may return neighbours slightly out of order
            out.sort((a, b) -> Double.compare(b.score(), a.score()));
            return out;
        }
    }

    /**
     * The {@code n} best chunks by BM25 (Robertson/Lucene form: {@code idf = ln(1 + (N - df + 0.5) / (df + 0.5))},
     * term frequency saturated by k1 and normalised by chunk length with b) over the query's lexemes as PostgreSQL's
     * {@code english} configuration produces them (stemmed, stop words removed). Document frequencies count the
     * tenant's whole collection; filters then choose among the scored chunks.
     */
    public List<Fusion.Scored> bm25(String tenant, String query, int n, SearchFilter filter, CollectionStats stats)
            throws SQLException {
        return bm25(tenant, query, n, filter, stats, List.of());
    }

    /**
     * As {@link #bm25(String, String, int, SearchFilter, CollectionStats)}, plus the scores of {@code alsoScore} (chunks
     * the vector side found) wherever they rank; a chunk without any query term has no row (BM25 0).
     */
    public List<Fusion.Scored> bm25(
            String tenant, String query, int n, SearchFilter filter, CollectionStats stats, List<String> alsoScore)
            throws SQLException {
        if (stats.chunks() == 0) {
            return List.of();
        }
        String sql = "WITH q AS (SELECT lexeme AS term, cardinality(positions) AS qtf"
                + " FROM unnest(to_tsvector('english', ?))),"
                + " postings AS (SELECT p.chunk_id, p.tf, p.chunk_len, q.qtf,"
                + " count(*) OVER (PARTITION BY p.term) AS df"
                + " FROM chunk_terms p JOIN q ON p.term = q.term WHERE p.tenant = ?),"
                + " scored AS (SELECT chunk_id, sum(qtf * ln(1 + (?::float8 - df + 0.5) / (df + 0.5))"
                + " * tf * (?::float8 + 1) / (tf + ?::float8 * (1 - ?::float8 + ?::float8 * chunk_len / ?::float8)))"
                + " AS score FROM postings GROUP BY chunk_id)"
                + " SELECT chunk_id, score FROM (SELECT s.chunk_id, s.score,"
                + " row_number() OVER (ORDER BY s.score DESC, s.chunk_id) AS r FROM scored s"
                + (filter.sql().isEmpty()
                        ? ""
                        : " JOIN chunks c ON c.id = s.chunk_id"
                                + (filter.needsDocuments()
                                        ? " JOIN documents d ON d.tenant = c.tenant AND d.id = c.document_id"
                                        : "")
                                + " WHERE c.tenant = ?" + filter.sql())
                + ") ranked WHERE r <= ? OR chunk_id = ANY (?) ORDER BY r";
        double k1 = config.bm25().k1();
        double b = config.bm25().b();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setString(i++, query);
            ps.setString(i++, tenant);
            ps.setDouble(i++, stats.chunks());
            ps.setDouble(i++, k1);
            ps.setDouble(i++, k1);
            ps.setDouble(i++, b);
            ps.setDouble(i++, b);
            ps.setDouble(i++, Math.max(1e-9, stats.meanLength()));
            if (!filter.sql().isEmpty()) {
                ps.setString(i++, tenant);
                i = bind(c, ps, i, filter.parameters());
            }
            ps.setInt(i++, n);
            ps.setArray(i, c.createArrayOf("text", alsoScore.toArray()));
            List<Fusion.Scored> out = new ArrayList<>(n + alsoScore.size());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Fusion.Scored(rs.getString(1), rs.getDouble(2)));
                }
            }
            return out;
        }
    }

    /** Cosine similarity of the query vector to each of the given chunks of one tenant. */
    public Map<String, Double> cosines(String tenant, float[] query, List<String> ids) throws SQLException {
        if (ids.isEmpty()) {
            return Map.of();
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT id, 1 - (embedding <=> ?) FROM chunks WHERE tenant = ? AND id = ANY (?)")) {
            ps.setObject(1, new PGvector(query));
            ps.setString(2, tenant);
            ps.setArray(3, c.createArrayOf("text", ids.toArray()));
            Map<String, Double> out = new HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getDouble(2));
                }
            }
            return out;
        }
    }

    /** A tenant's chunk count and mean length; reused for a while (BM25 barely moves as a collection grows). */
    @CacheResult(cacheName = "collection-stats")
    public CollectionStats stats(String tenant) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT count(*), coalesce(avg(term_count), 0) FROM chunks WHERE tenant = ?")) {
            ps.setString(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new CollectionStats(rs.getLong(1), rs.getDouble(2));
            }
        }
    }

    /** The stored fields of the given chunks of one tenant (ids of other tenants are simply not found). */
    public Map<String, ChunkRow> rows(String tenant, List<String> ids, boolean withEmbeddings) throws SQLException {
        if (ids.isEmpty()) {
            return Map.of();
        }
        String sql = "SELECT c.id, c.document_id, c.ordinal, d.title, d.source, d.metadata::text, c.content,"
                + " c.heading_path, c.start_offset, c.end_offset" + (withEmbeddings ? ", c.embedding::text" : "")
                + " FROM chunks c JOIN documents d ON d.tenant = c.tenant AND d.id = c.document_id"
                + " WHERE c.tenant = ? AND c.id = ANY (?)";
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, tenant);
            ps.setArray(2, c.createArrayOf("text", ids.toArray()));
            Map<String, ChunkRow> out = new HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(
                            rs.getString(1),
                            new ChunkRow(
                                    rs.getString(1),
                                    rs.getString(2),
                                    rs.getInt(3),
                                    rs.getString(4),
                                    rs.getString(5),
                                    rs.getString(6),
                                    rs.getString(7),
                                    rs.getString(8),
                                    rs.getInt(9),
                                    rs.getInt(10),
                                    withEmbeddings ? new PGvector(rs.getString(11)).toArray() : null));
                }
            }
            return out;
        }
    }

    private static int bind(Connection c, PreparedStatement ps, int index, List<Object> params) throws SQLException {
        int i = index;
        for (Object p : params) {
            if (p instanceof String[] values) {
                ps.setArray(i++, c.createArrayOf("text", values));
            } else if (p instanceof BigDecimal number) {
                ps.setBigDecimal(i++, number);
            } else {
                ps.setString(i++, (String) p);
            }
        }
        return i;
    }
}
