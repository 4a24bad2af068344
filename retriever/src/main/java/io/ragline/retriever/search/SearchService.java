package io.ragline.retriever.search;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.ragline.model.EmbeddingServer;
import io.ragline.retriever.api.SearchRequest;
import io.ragline.retriever.api.SearchRequest.Mode;
import io.ragline.retriever.api.SearchResponse;
import io.ragline.retriever.config.RetrieverConfig;
import io.ragline.retriever.embedding.QueryEmbedder;
import io.ragline.retriever.rerank.Reranker;
import io.ragline.retriever.search.Fusion.Fused;
import io.ragline.retriever.search.Fusion.Scored;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One search: validate, rank by vector and/or BM25, fuse, optionally rerank and diversify, then load the chosen
 * chunks. Stateless: everything lives in PostgreSQL; the caches only save recomputation.
 */
@ApplicationScoped
public class SearchService {

    @Inject
    RetrieverConfig config;

    @Inject
    ChunkIndex index;

    @Inject
    QueryEmbedder embedder;

    @Inject
    Reranker reranker;

    @Inject
    ObjectMapper json;

    @Inject
    MeterRegistry registry;

    /**
     * Runs each search's keyword statement while its query is embedded. Bounded: with every thread busy the request's
     * own thread runs the statement (the two sides then simply run one after the other).
     */
    private final ExecutorService keywordSide = new ThreadPoolExecutor(
            0,
            32,
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> {
                Thread thread = new Thread(r, "retriever-keyword");
                thread.setDaemon(true);
                return thread;
            },
            new ThreadPoolExecutor.CallerRunsPolicy());

    @PreDestroy
    void close() {
        keywordSide.shutdownNow();
    }

    private static <T> T await(Future<T> future) throws SQLException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SearchUnavailableException("interrupted while searching", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SQLException sql) {
                throw sql;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(cause);
        }
    }

    public SearchResponse search(String tenant, SearchRequest request) throws SQLException {
        long start = System.nanoTime();
        if (request == null) {
            throw new InvalidSearchException("a JSON body with a query is required");
        }
        String query = request.query() == null ? "" : request.query().strip();
        if (query.isEmpty()) {
            throw new InvalidSearchException("query is required and must not be blank");
        }
        if (query.length() > config.search().maxQueryChars()) {
            throw new InvalidSearchException("query is " + query.length() + " characters; at most "
                    + config.search().maxQueryChars() + " are accepted");
        }
        int topK = request.topK() == null ? config.search().defaultTopK() : request.topK();
        if (topK < 1 || topK > config.search().maxTopK()) {
            throw new InvalidSearchException(
                    "topK must be between 1 and " + config.search().maxTopK() + ", got " + topK);
        }
        Mode mode = request.mode() == null ? Mode.HYBRID : request.mode();
        boolean mmr = Boolean.TRUE.equals(request.mmr());
        double lambda = request.mmrLambda() == null ? config.mmr().lambda() : request.mmrLambda();
        if (lambda < 0 || lambda > 1) {
            throw new InvalidSearchException("mmrLambda must be between 0 and 1, got " + lambda);
        }
        FusionSettings fusion = fusion(request.fusion());
        SearchFilter filter = SearchFilter.parse(request.filters());

        int pool = mmr ? topK * Math.max(1, config.mmr().poolFactor()) : topK;
        int candidates = Math.max(pool, config.search().candidates());

        long t = System.nanoTime();
        double embedMs = 0;
        double vectorMs = 0;
        double keywordMs = 0;
        List<Scored> vector = List.of();
        List<Scored> keyword = List.of();
        // the keyword side needs no query vector: in hybrid mode its statement runs in the database while the query is
        // embedded here; keyword mode has nothing to overlap it with and runs it on this thread
        Future<ChunkIndex.Bm25Result> bm25 = switch (mode) {
            case VECTOR -> null;
            case KEYWORD ->
                CompletableFuture.completedFuture(index.bm25(tenant, query, candidates, filter, index.stats(tenant)));
            case HYBRID ->
                keywordSide.submit(() -> index.bm25(tenant, query, candidates, filter, index.stats(tenant), true));
        };
        float[] q = null;
        String degraded = null;
        try {
            if (mode != Mode.KEYWORD) {
                try {
                    q = embedder.embed(query);
                } catch (EmbeddingServer.EmbeddingServerException e) {
                    if (mode == Mode.VECTOR) {
                        throw new SearchUnavailableException(
                                "vector search cannot embed the query: " + e.getMessage(), e);
                    }
                    // hybrid falls back to BM25 alone, and says so
                    degraded = "keyword only: " + e.getMessage();
                    registry.counter("ragline.retriever.degraded", "reason", "embedding")
                            .increment();
                }
                embedMs = millisSince(t);
            }
            if (q != null && !(mode == Mode.HYBRID && fusion.convex())) {
                t = System.nanoTime();
                vector = index.nearest(tenant, q, candidates, filter);
                vectorMs = millisSince(t);
            }
        } catch (RuntimeException | SQLException e) {
            if (bm25 != null) {
                bm25.cancel(false);
            }
            throw e;
        }
        List<Fused> ranked;
        if (mode == Mode.VECTOR) {
            ranked = Fusion.single(vector, true);
        } else {
            t = System.nanoTime();
            ChunkIndex.Bm25Result keywordResult = await(bm25);
            keyword = keywordResult.top();
            keywordMs = millisSince(t);
            if (mode == Mode.KEYWORD || q == null) {
                ranked = Fusion.single(keyword, false);
            } else if (!fusion.convex()) {
                ranked = Fusion.rrf(vector, keyword, fusion.k(), fusion.vectorWeight(), fusion.keywordWeight());
            } else {
                // every candidate scored on both sides, in one statement: the nearest chunks, the cosines of the
                // keyword candidates among them or not, and BM25 for what only the vector side found
                t = System.nanoTime();
                ChunkIndex.Nearest nearest = index.nearest(
                        tenant,
                        q,
                        candidates,
                        filter,
                        keyword.stream().map(Scored::chunkId).toList(),
                        keywordResult.query(),
                        index.stats(tenant));
                vector = nearest.top();
                vectorMs = millisSince(t);
                Map<String, Double> keywordScores = new HashMap<>(nearest.topBm25());
                keyword.forEach(s -> keywordScores.put(s.chunkId(), s.score()));
                Map<String, Double> vectorScores = new HashMap<>(nearest.otherCosines());
                vector.forEach(s -> vectorScores.put(s.chunkId(), s.score()));
                ranked = Fusion.convex(
                        vector,
                        keyword,
                        vectorScores,
                        keywordScores,
                        fusion.vectorWeight(),
                        fusion.keywordWeight(),
                        config.search().candidates());
            }
        }

        boolean reranked = false;
        double rerankMs = 0;
        // rows already read (for the reranker); the results reuse them instead of reading them again
        Map<String, ChunkIndex.ChunkRow> loaded = Map.of();
        if (reranker.enabled() && !ranked.isEmpty()) {
            t = System.nanoTime();
            List<Fused> head = ranked.subList(0, Math.min(ranked.size(), Math.max(pool, reranker.candidates())));
            Map<String, ChunkIndex.ChunkRow> rows =
                    index.rows(tenant, head.stream().map(Fused::chunkId).toList(), false);
            loaded = rows;
            List<Fused> present =
                    head.stream().filter(f -> rows.containsKey(f.chunkId())).toList();
            Optional<double[]> scores = reranker.scores(
                    query,
                    present.stream().map(f -> rows.get(f.chunkId()).text()).toList());
            if (scores.isPresent()) {
                List<Fused> rescored = new ArrayList<>(present.size());
                for (int i = 0; i < present.size(); i++) {
                    Fused f = present.get(i);
                    rescored.add(new Fused(
                            f.chunkId(),
                            scores.get()[i],
                            f.vectorRank(),
                            f.vectorScore(),
                            f.keywordRank(),
                            f.keywordScore()));
                }
                rescored.sort(Comparator.comparingDouble(Fused::score).reversed());
                ranked = rescored;
                reranked = true;
            }
            rerankMs = millisSince(t);
        }

        List<Fused> chosen;
        Map<String, ChunkIndex.ChunkRow> rows;
        if (mmr && ranked.size() > 1) {
            List<Fused> poolList = ranked.subList(0, Math.min(ranked.size(), pool));
            rows = index.rows(tenant, poolList.stream().map(Fused::chunkId).toList(), true);
            List<Fused> present =
                    poolList.stream().filter(f -> rows.containsKey(f.chunkId())).toList();
            double[] relevance = present.stream().mapToDouble(Fused::score).toArray();
            float[][] vectors =
                    present.stream().map(f -> rows.get(f.chunkId()).embedding()).toArray(float[][]::new);
            chosen = Mmr.select(relevance, vectors, topK, lambda).stream()
                    .map(present::get)
                    .toList();
        } else {
            chosen = ranked.subList(0, Math.min(ranked.size(), topK));
            Map<String, ChunkIndex.ChunkRow> known = loaded;
            List<String> missing = chosen.stream()
                    .map(Fused::chunkId)
                    .filter(id -> !known.containsKey(id))
                    .toList();
            rows = new HashMap<>(known);
            rows.putAll(index.rows(tenant, missing, false));
        }

        List<SearchResponse.Hit> hits = new ArrayList<>(chosen.size());
        for (Fused f : chosen) {
            ChunkIndex.ChunkRow row = rows.get(f.chunkId());
            if (row == null) {
                continue; // deleted between ranking and loading
            }
            hits.add(new SearchResponse.Hit(
                    hits.size() + 1,
                    f.score(),
                    row.id(),
                    row.documentId(),
                    row.title(),
                    row.source(),
                    metadata(row.metadataJson()),
                    row.ordinal(),
                    row.text(),
                    row.headingPath(),
                    row.startOffset(),
                    row.endOffset(),
                    f.vectorRank(),
                    f.vectorScore(),
                    f.keywordRank(),
                    f.keywordScore()));
        }
        double totalMs = millisSince(start);
        Timer.builder("ragline.search")
                .tag("mode", mode.name().toLowerCase())
                .register(registry)
                .record((long) (totalMs * 1_000_000), TimeUnit.NANOSECONDS);
        return new SearchResponse(
                query,
                mode.name().toLowerCase(),
                hits,
                reranked,
                mmr,
                degraded,
                new SearchResponse.Timings(embedMs, vectorMs, keywordMs, rerankMs, totalMs));
    }

    private record FusionSettings(boolean convex, int k, double vectorWeight, double keywordWeight) {}

    private FusionSettings fusion(SearchRequest.FusionOptions o) {
        RetrieverConfig.Fusion c = config.fusion();
        String method = o == null || o.method() == null ? c.method() : o.method();
        if (!method.equals("rrf") && !method.equals("convex")) {
            throw new InvalidSearchException("fusion.method must be rrf or convex, got '" + method + "'");
        }
        int k = o == null || o.k() == null ? c.rrfK() : o.k();
        double wv = o == null || o.vectorWeight() == null ? c.vectorWeight() : o.vectorWeight();
        double wk = o == null || o.keywordWeight() == null ? c.keywordWeight() : o.keywordWeight();
        if (k < 0 || wv < 0 || wk < 0) {
            throw new InvalidSearchException("fusion.k and the weights must not be negative");
        }
        return new FusionSettings(method.equals("convex"), k, wv, wk);
    }

    private JsonNode metadata(String text) {
        try {
            return text == null ? json.createObjectNode() : json.readTree(text);
        } catch (JsonProcessingException e) {
            return json.createObjectNode();
        }
    }

    private static double millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }
}
