package io.ragline.retriever.search;

import com.pgvector.PGvector;
import io.quarkus.cache.Cache;
import io.quarkus.cache.CacheName;
import io.quarkus.cache.CacheResult;
import io.quarkus.cache.CaffeineCache;
import io.ragline.retriever.api.ChunksApi;
import io.ragline.retriever.config.RetrieverConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;

/**
 * The SQL side of search over the chunks ingest wrote: nearest neighbours through the HNSW index, BM25 over the
 * lexical postings ({@code chunk_terms}), and the stored fields of the chosen chunks. Every statement is restricted to
 * one tenant by a bound parameter, and every caller-supplied value is bound, never spliced.
 */
@ApplicationScoped
public class ChunkIndex {

    /**
     * BM25 summed over a chunk's postings {@code p} of the terms in %1$s (their weights: query frequency × idf × (k1 +
     * 1)): {@code tf / (tf + k1 (1 - b) + k1 b len / mean)}, the constants folded into %2$s and %3$s.
     */
    private static final String BM25_SUM = "sum(%1$s.weight * p.tf / (p.tf + %2$s + %3$s * p.chunk_len))";

    /** {@link #BM25_SUM} over the BM25 statement's terms {@code r}, which carry the folded constants. */
    private static final String BM25_OVER_R = BM25_SUM.formatted("r", "r.c0", "r.c1");

    /** {@link #BM25_SUM} over the terms {@code w} given to the nearest-neighbour statement, the constants bound. */
    private static final String BM25_OVER_W = BM25_SUM.formatted("w", "?::float8", "?::float8");

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

    @Inject
    SessionPlans plans;

    /** Document frequency per (tenant, index version, term); bounded and short-lived like {@code collection-stats}. */
    @Inject
    @CacheName("term-frequencies")
    Cache termFrequencies;

    /** The {@code n} chunks nearest to the query vector (cosine), best first, scored by cosine similarity. */
    public List<Fusion.Scored> nearest(String tenant, float[] query, int n, SearchFilter filter) throws SQLException {
        return nearest(tenant, query, n, filter, List.of(), Bm25Query.NONE, new CollectionStats(0, 1))
                .top();
    }

    /**
     * The nearest chunks; the cosine similarity of the keyword side's candidates that are not among them; and the BM25
     * score, under the keyword side's term weights, of the nearest chunks that are not keyword candidates (absent: no
     * query term, BM25 0).
     */
    public record Nearest(List<Fusion.Scored> top, Map<String, Double> otherCosines, Map<String, Double> topBm25) {}

    /**
     * As {@link #nearest(String, float[], int, SearchFilter)}, and in the same statement what fusion needs to score
     * every candidate on both sides: the cosines of {@code keywordIds} (the keyword side's candidates) wherever they
     * are not among the nearest, and the BM25 scores of the nearest that are not among {@code keywordIds} (postings
     * looked up by key, with the weights {@link #bm25} returned). One statement where three ran before: on a database
     * that serves every connection from one session (the embedded PGlite) each statement's turn is the bottleneck.
     */
    public Nearest nearest(
            String tenant,
            float[] query,
            int n,
            SearchFilter filter,
            List<String> keywordIds,
            Bm25Query keywordQuery,
            CollectionStats stats)
            throws SQLException {
        String sql = "WITH v AS MATERIALIZED (SELECT c.id, c.embedding <=> ? AS distance FROM chunks c"
                + (filter.needsDocuments() ? " JOIN documents d ON d.tenant = c.tenant AND d.id = c.document_id" : "")
                + " WHERE c.tenant = ? AND c.index_version = ? AND c.embedding_model = ?" + filter.sql()
                + " ORDER BY c.embedding <=> ? LIMIT ?),"
                + " b AS (SELECT p.chunk_id, " + BM25_OVER_W
                + " AS score FROM unnest(?::text[], ?::float8[]) AS w (term, weight)"
                + " JOIN chunk_terms p ON p.tenant = ? AND p.index_version = ? AND p.term = w.term"
                + " AND p.chunk_id = ANY (ARRAY(SELECT id FROM v WHERE id <> ALL (?))) GROUP BY p.chunk_id)"
                + " SELECT v.id, v.distance, true, b.score FROM v LEFT JOIN b ON b.chunk_id = v.id UNION ALL"
                + " SELECT o.id, o.embedding <=> ?, false, NULL::float8 FROM chunks o"
                + " WHERE o.tenant = ? AND o.index_version = ? AND o.id = ANY (?) AND o.id NOT IN (SELECT id FROM v)";
        PGvector vector = new PGvector(query);
        double k1 = config.bm25().k1();
        double b = config.bm25().b();
        try (Connection c = dataSource.getConnection()) {
            Object[] keywordArray = keywordIds.toArray();
            SessionPlans.Params params = new SessionPlans.Params()
                    .vector(vector)
                    .text(tenant)
                    .int4(version())
                    .text(config.embedding().modelName())
                    .filter(c, filter)
                    .vector(vector)
                    .int4(n)
                    .float8(k1 * (1 - b))
                    .float8(k1 * b / Math.max(1e-9, stats.meanLength()))
                    .array(c, "text", keywordQuery.terms())
                    .array(
                            c,
                            "float8",
                            Arrays.stream(keywordQuery.weights()).boxed().toArray())
                    .text(tenant)
                    .int4(version())
                    .array(c, "text", keywordArray)
                    .vector(vector)
                    .text(tenant)
                    .int4(version())
                    .array(c, "text", keywordArray);
            List<Fusion.Scored> top = new ArrayList<>(n);
            Map<String, Double> others = new HashMap<>();
            Map<String, Double> topBm25 = new HashMap<>();
            plans.query(c, sql, "id text, distance float8, nearest boolean, bm25 float8", params, rs -> {
                while (rs.next()) {
                    String id = rs.getString(1);
                    if (rs.getBoolean(3)) {
                        top.add(new Fusion.Scored(id, 1 - rs.getDouble(2)));
                        double bm25 = rs.getDouble(4);
                        if (!rs.wasNull()) {
                            topBm25.put(id, bm25);
                        }
                    } else {
                        others.put(id, 1 - rs.getDouble(2));
                    }
                }
                return null;
            });
            // an iterative (filtered) HNSW scan may return neighbours slightly out of order
            top.sort((x, y) -> Double.compare(y.score(), x.score()));
            return new Nearest(top, others, topBm25);
        }
    }

    /**
     * The query's BM25 term weights: for each of its lexemes (as PostgreSQL's {@code english} configuration produces
     * them: stemmed, stop words removed), its query frequency times {@code idf = ln(1 + (N - df + 0.5) / (df + 0.5))}
     * times {@code k1 + 1} (Robertson/Lucene form), with document frequencies over the tenant's whole collection.
     */
    public record Bm25Query(String[] terms, double[] weights) {

        /** No terms: scores nothing. */
        public static final Bm25Query NONE = new Bm25Query(new String[0], new double[0]);

        public boolean isEmpty() {
            return terms.length == 0;
        }
    }

    /** The best keyword candidates and the term weights that scored them (to score more chunks the same way). */
    public record Bm25Result(List<Fusion.Scored> top, Bm25Query query) {}

    /**
     * The {@code n} best chunks by BM25 (term frequency saturated by k1 and normalised by chunk length with b), best
     * first, among those the filter admits. One statement: the query's lexemes ({@code to_tsvector}, exactly as the
     * postings were made), their document frequencies, then one pass over their postings, each an index-only scan of
     * the primary key (which carries tf and the chunk length). Document frequencies are reused for a while (the {@code
     * term-frequencies} cache, like the collection statistics): the statement is given those the cache holds for
     * lexemes the query may produce (prefixes of its words: a stem almost always is one) and counts only the others,
     * which it returns for the cache. The term weights come back with the ranking, so {@link #nearest} can score the
     * vector side's other candidates the same way.
     */
    public Bm25Result bm25(String tenant, String query, int n, SearchFilter filter, CollectionStats stats)
            throws SQLException {
        return bm25(tenant, query, n, filter, stats, false);
    }

    /**
     * As {@link #bm25(String, String, int, SearchFilter, CollectionStats)}; with {@code rareTermsNominate}, the terms in
     * more than {@code retriever.bm25.common-term-cutoff} of the tenant's chunks do not nominate candidates (unless the
     * others nominate fewer than {@code n}), but their scores are still added to every candidate's, looked up by key:
     * the longest postings are not read, at the price of the chunks that only common terms match (hybrid search's
     * vector side nominates those broadly; keyword search ranks by exact BM25).
     */
    public Bm25Result bm25(
            String tenant, String query, int n, SearchFilter filter, CollectionStats stats, boolean rareTermsNominate)
            throws SQLException {
        if (stats.chunks() == 0) {
            return new Bm25Result(List.of(), Bm25Query.NONE);
        }
        Map<String, Long> known = knownFrequencies(tenant, query);
        // the filter, where there is one, restricts a ranking's chunks before its LIMIT
        String filtered = filter.sql().isEmpty()
                ? ""
                : " JOIN chunks c ON c.id = s.chunk_id"
                        + (filter.needsDocuments()
                                ? " JOIN documents d ON d.tenant = c.tenant AND d.id = c.document_id"
                                : "")
                        + " WHERE c.tenant = ?" + filter.sql();
        String sql = "WITH k AS (SELECT * FROM unnest(?::text[], ?::int8[]) AS k (term, df)),"
                + " w AS (SELECT q.lexeme AS term, d.df, k.df IS NULL AS counted,"
                + " cardinality(q.positions) * ln(1 + (?::float8 - d.df + 0.5) / (d.df + 0.5)) * ?::float8 AS weight,"
                + " ?::float8 AS c0, ?::float8 AS c1"
                + " FROM unnest(to_tsvector('english', ?)) q LEFT JOIN k ON k.term = q.lexeme CROSS JOIN LATERAL"
                // COALESCE evaluates the count only where the cache had nothing; OFFSET 0 keeps the planner from
                // pulling the sub-select up into each of the three expressions that use df (counted three times)
                + " (SELECT coalesce(k.df, (SELECT count(*) FROM chunk_terms p"
                + " WHERE p.tenant = ? AND p.index_version = ? AND p.term = q.lexeme)) AS df OFFSET 0) d),"
                // the rare terms nominate the candidates (all terms do if none is rare)
                + " r AS (SELECT w.*, w.df <= ?::float8 OR NOT bool_or(w.df <= ?::float8) OVER () AS rare FROM w),"
                + " partial AS (SELECT p.chunk_id, " + BM25_OVER_R + " AS score"
                + " FROM r JOIN chunk_terms p ON p.tenant = ? AND p.index_version = ? AND p.term = r.term"
                + " WHERE r.rare GROUP BY p.chunk_id),"
                + " cand AS (SELECT s.chunk_id, s.score FROM partial s" + filtered
                + " ORDER BY s.score DESC, s.chunk_id LIMIT ?),"
                + " few AS (SELECT count(*) < ? AS yes FROM cand),"
                // too few nominated (a short collection, a filter): every term nominates, as without the cut-off
                + " everything AS (SELECT p.chunk_id, " + BM25_OVER_R + " AS score"
                + " FROM r JOIN chunk_terms p ON p.tenant = ? AND p.index_version = ? AND p.term = r.term"
                + " WHERE (SELECT yes FROM few) GROUP BY p.chunk_id)"
                + " SELECT NULL::text AS chunk_id, term, weight, df, counted FROM w UNION ALL"
                // enough nominated: the common terms' scores added to each candidate, postings looked up by key
                + " SELECT s.chunk_id, NULL, s.score + coalesce((SELECT " + BM25_OVER_R
                + " FROM r JOIN chunk_terms p ON p.tenant = ? AND p.index_version = ? AND p.term = r.term"
                + " AND p.chunk_id = s.chunk_id WHERE NOT r.rare), 0), NULL::int8, NULL::boolean FROM cand s"
                + " WHERE NOT (SELECT yes FROM few) UNION ALL"
                + " (SELECT s.chunk_id, NULL, s.score, NULL::int8, NULL::boolean FROM everything s" + filtered
                + " ORDER BY s.score DESC, s.chunk_id LIMIT ?)";
        double k1 = config.bm25().k1();
        double b = config.bm25().b();
        // every document frequency is at most the chunk count: with it as the cut-off, every term is rare
        double commonAbove = rareTermsNominate ? config.bm25().commonTermCutoff() * stats.chunks() : stats.chunks();
        try (Connection c = dataSource.getConnection()) {
            SessionPlans.Params params = new SessionPlans.Params()
                    .array(c, "text", known.keySet().toArray())
                    .array(c, "int8", known.values().toArray())
                    .float8(stats.chunks())
                    .float8(k1 + 1)
                    // tf / (tf + k1 * (1 - b + b * len / avgLen)), the constants folded
                    .float8(k1 * (1 - b))
                    .float8(k1 * b / Math.max(1e-9, stats.meanLength()))
                    .text(query)
                    .text(tenant)
                    .int4(version())
                    .float8(commonAbove)
                    .float8(commonAbove)
                    .text(tenant)
                    .int4(version())
                    .tenantAndFilter(c, tenant, filter)
                    .int4(n)
                    .int4(n)
                    .text(tenant)
                    .int4(version())
                    .text(tenant)
                    .int4(version())
                    .tenantAndFilter(c, tenant, filter)
                    .int4(n);
            List<Fusion.Scored> top = new ArrayList<>(n);
            List<String> terms = new ArrayList<>();
            List<Double> weights = new ArrayList<>();
            plans.query(c, sql, "chunk_id text, term text, weight float8, df int8, counted boolean", params, rs -> {
                while (rs.next()) {
                    String chunkId = rs.getString(1);
                    if (chunkId == null) {
                        terms.add(rs.getString(2));
                        weights.add(rs.getDouble(3));
                        if (rs.getBoolean(5)) {
                            termFrequencies
                                    .as(CaffeineCache.class)
                                    .put(
                                            new TermKey(tenant, version(), rs.getString(2)),
                                            CompletableFuture.completedFuture(rs.getLong(4)));
                        }
                    } else {
                        top.add(new Fusion.Scored(chunkId, rs.getDouble(3)));
                    }
                }
                return null;
            });
            // UNION ALL keeps each branch's rows together but promises no order between them: rank here
            top.sort(BY_SCORE);
            return new Bm25Result(
                    top,
                    new Bm25Query(
                            terms.toArray(String[]::new),
                            weights.stream().mapToDouble(Double::doubleValue).toArray()));
        }
    }

    /**
     * The cached document frequencies of the lexemes this query may produce: every prefix of each of its words (an
     * english stem is almost always a prefix of the lower-cased word; a stem that is not is simply counted again).
     * Only an exact match with one of the query's lexemes is used, so extra terms cost nothing but their bytes.
     */
    private Map<String, Long> knownFrequencies(String tenant, String query) {
        Map<String, Long> known = new HashMap<>();
        for (String word : query.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            // a lexeme longer than 64 characters is counted each time rather than looked up under every prefix
            for (int end = 1; end <= Math.min(word.length(), 64); end++) {
                String prefix = word.substring(0, end);
                CompletableFuture<Long> df =
                        termFrequencies.as(CaffeineCache.class).getIfPresent(new TermKey(tenant, version(), prefix));
                if (df != null && df.isDone()) {
                    known.put(prefix, df.join());
                }
            }
        }
        return known;
    }

    private record TermKey(String tenant, int indexVersion, String term) {}

    private static final Comparator<Fusion.Scored> BY_SCORE =
            Comparator.comparingDouble(Fusion.Scored::score).reversed().thenComparing(Fusion.Scored::chunkId);

    /**
     * A tenant's chunk count and mean length in the searched index version; reused for a while (BM25 barely moves as a
     * collection grows).
     */
    @CacheResult(cacheName = "collection-stats")
    public CollectionStats stats(String tenant) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT count(*), coalesce(avg(term_count), 0) FROM chunks WHERE tenant = ? AND index_version = ?")) {
            ps.setString(1, tenant);
            ps.setInt(2, version());
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

    /** The tenant's chunks among the ids, of any index version (ids of other tenants are simply not found). */
    public List<ChunksApi.Chunk> chunks(String tenant, List<String> ids) throws SQLException {
        if (ids.isEmpty()) {
            return List.of();
        }
        return chunkList(
                "SELECT id, document_id, ordinal, start_offset, end_offset, content FROM chunks"
                        + " WHERE tenant = ? AND id = ANY (?) ORDER BY document_id, ordinal",
                tenant,
                ids);
    }

    /** A document's chunks of the serving index version, in order. */
    public List<ChunksApi.Chunk> documentChunks(String tenant, String documentId) throws SQLException {
        return chunkList(
                "SELECT id, document_id, ordinal, start_offset, end_offset, content FROM chunks"
                        + " WHERE tenant = ? AND document_id = ? AND index_version = ? ORDER BY ordinal",
                tenant,
                documentId);
    }

    /** The index versions and embedding models in the tenant's index, and its chunks (every version). */
    public ChunksApi.IndexSummary summary(String tenant) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT coalesce(array_agg(DISTINCT index_version), '{}'),"
                                + " coalesce(array_agg(DISTINCT embedding_model), '{}'), count(*) FROM chunks WHERE tenant = ?")) {
            ps.setString(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new ChunksApi.IndexSummary(
                        List.of((Integer[]) rs.getArray(1).getArray()),
                        List.of((String[]) rs.getArray(2).getArray()),
                        rs.getLong(3));
            }
        }
    }

    private List<ChunksApi.Chunk> chunkList(String sql, String tenant, Object key) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, tenant);
            if (key instanceof List<?> ids) {
                ps.setArray(2, c.createArrayOf("text", ids.toArray()));
            } else {
                ps.setString(2, (String) key);
                ps.setInt(3, version());
            }
            List<ChunksApi.Chunk> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new ChunksApi.Chunk(
                            rs.getString(1),
                            rs.getString(2),
                            rs.getInt(3),
                            rs.getInt(4),
                            rs.getInt(5),
                            rs.getString(6)));
                }
            }
            return out;
        }
    }

    private int version() {
        return config.embedding().indexVersion();
    }
}
