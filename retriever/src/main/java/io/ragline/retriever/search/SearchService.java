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
import java.util.Locale;
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

    /** Where one search spent its time, and whether it ran degraded; filled in stage by stage. */
    private static final class Trace {
        double embedMs;
        double vectorMs;
        double keywordMs;
        double rerankMs;
        String degraded;
        boolean reranked;
    }

    /** The fused order, and the rows a stage already read (later stages reuse them instead of reading them again). */
    private record Ranked(List<Fused> order, Map<String, ChunkIndex.ChunkRow> loaded) {}

    /** The stages: rank (vector and keyword sides) and fuse → rerank → diversify or cut → load → hits. */
    public SearchResponse search(String tenant, SearchRequest request) throws SQLException {
        long start = System.nanoTime();
        SearchPlan plan = SearchPlan.of(request, config);
        Trace trace = new Trace();
        Ranked ranked = rerank(tenant, plan, new Ranked(rankAndFuse(tenant, plan, trace), Map.of()), trace);
        Ranked chosen = choose(tenant, plan, ranked);
        List<SearchResponse.Hit> hits = hits(chosen);
        double totalMs = millisSince(start);
        String mode = plan.mode().name().toLowerCase(Locale.ROOT);
        Timer.builder("ragline.search")
                .tag("mode", mode)
                .register(registry)
                .record((long) (totalMs * 1_000_000), TimeUnit.NANOSECONDS);
        return new SearchResponse(
                plan.query(),
                mode,
                hits,
                trace.reranked,
                plan.mmr(),
                trace.degraded,
                new SearchResponse.Timings(trace.embedMs, trace.vectorMs, trace.keywordMs, trace.rerankMs, totalMs));
    }

    /**
     * Ranks by vector and/or BM25 and fuses the two. The keyword side needs no query vector: in hybrid mode its
     * statement runs in the database while the query is embedded here; keyword mode has nothing to overlap it with
     * and runs it on this thread. Hybrid search whose query cannot be embedded falls back to BM25 alone, and says so.
     */
    private List<Fused> rankAndFuse(String tenant, SearchPlan plan, Trace trace) throws SQLException {
        String query = plan.query();
        int candidates = plan.candidates();
        SearchFilter filter = plan.filter();
        Future<ChunkIndex.Bm25Result> bm25 = switch (plan.mode()) {
            case VECTOR -> null;
            case KEYWORD ->
                CompletableFuture.completedFuture(index.bm25(tenant, query, candidates, filter, index.stats(tenant)));
            case HYBRID ->
                keywordSide.submit(() -> index.bm25(tenant, query, candidates, filter, index.stats(tenant), true));
        };
        float[] q = null;
        List<Scored> vector = List.of();
        try {
            if (plan.mode() != Mode.KEYWORD) {
                q = embed(plan, trace);
            }
            if (q != null && !plan.convexHybrid()) {
                long t = System.nanoTime();
                vector = index.nearest(tenant, q, candidates, filter);
                trace.vectorMs = millisSince(t);
            }
        } catch (RuntimeException | SQLException e) {
            if (bm25 != null) {
                bm25.cancel(false);
            }
            throw e;
        }
        if (plan.mode() == Mode.VECTOR) {
            return Fusion.single(vector, true);
        }
        long t = System.nanoTime();
        ChunkIndex.Bm25Result keywordResult = await(bm25);
        List<Scored> keyword = keywordResult.top();
        trace.keywordMs = millisSince(t);
        SearchPlan.Fusion fusion = plan.fusion();
        if (plan.mode() == Mode.KEYWORD || q == null) {
            return Fusion.single(keyword, false);
        }
        if (!fusion.convex()) {
            return Fusion.rrf(vector, keyword, fusion.k(), fusion.vectorWeight(), fusion.keywordWeight());
        }
        // every candidate scored on both sides, in one statement: the nearest chunks, the cosines of the keyword
        // candidates among them or not, and BM25 for what only the vector side found
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
        trace.vectorMs = millisSince(t);
        Map<String, Double> keywordScores = new HashMap<>(nearest.topBm25());
        keyword.forEach(s -> keywordScores.put(s.chunkId(), s.score()));
        Map<String, Double> vectorScores = new HashMap<>(nearest.otherCosines());
        vector.forEach(s -> vectorScores.put(s.chunkId(), s.score()));
        return Fusion.convex(
                vector,
                keyword,
                vectorScores,
                keywordScores,
                fusion.vectorWeight(),
                fusion.keywordWeight(),
                config.search().candidates());
    }

    /** The query's vector; null when hybrid search goes on without it (recorded as degraded). */
    private float[] embed(SearchPlan plan, Trace trace) {
        long t = System.nanoTime();
        try {
            return embedder.embed(plan.query());
        } catch (EmbeddingServer.EmbeddingServerException e) {
            if (plan.mode() == Mode.VECTOR) {
                throw new SearchUnavailableException("vector search cannot embed the query: " + e.getMessage(), e);
            }
            trace.degraded = "keyword only: " + e.getMessage();
            registry.counter("ragline.retriever.degraded", "reason", "embedding")
                    .increment();
            return null;
        } finally {
            trace.embedMs = millisSince(t);
        }
    }

    /** The fused head reordered by the cross-encoder, when one is configured and answers; else unchanged. */
    private Ranked rerank(String tenant, SearchPlan plan, Ranked fused, Trace trace) throws SQLException {
        List<Fused> ranked = fused.order();
        if (!reranker.enabled() || ranked.isEmpty()) {
            return fused;
        }
        long t = System.nanoTime();
        List<Fused> head = ranked.subList(0, Math.min(ranked.size(), Math.max(plan.pool(), reranker.candidates())));
        Map<String, ChunkIndex.ChunkRow> rows =
                index.rows(tenant, head.stream().map(Fused::chunkId).toList(), false);
        List<Fused> present =
                head.stream().filter(f -> rows.containsKey(f.chunkId())).toList();
        Optional<double[]> scores = reranker.scores(
                plan.query(),
                present.stream().map(f -> rows.get(f.chunkId()).text()).toList());
        Ranked out = new Ranked(ranked, rows);
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
            out = new Ranked(rescored, rows);
            trace.reranked = true;
        }
        trace.rerankMs = millisSince(t);
        return out;
    }

    /**
     * The {@code topK} results with their rows: chosen by MMR from the pool (which reads the vectors too), or the head
     * of the order, reading only the rows not read yet.
     */
    private Ranked choose(String tenant, SearchPlan plan, Ranked ranked) throws SQLException {
        List<Fused> order = ranked.order();
        if (plan.mmr() && order.size() > 1) {
            List<Fused> pool = order.subList(0, Math.min(order.size(), plan.pool()));
            Map<String, ChunkIndex.ChunkRow> rows =
                    index.rows(tenant, pool.stream().map(Fused::chunkId).toList(), true);
            List<Fused> present =
                    pool.stream().filter(f -> rows.containsKey(f.chunkId())).toList();
            double[] relevance = present.stream().mapToDouble(Fused::score).toArray();
            float[][] vectors =
                    present.stream().map(f -> rows.get(f.chunkId()).embedding()).toArray(float[][]::new);
            List<Fused> chosen = Mmr.select(relevance, vectors, plan.topK(), plan.mmrLambda()).stream()
                    .map(present::get)
                    .toList();
            return new Ranked(chosen, rows);
        }
        List<Fused> chosen = order.subList(0, Math.min(order.size(), plan.topK()));
        Map<String, ChunkIndex.ChunkRow> known = ranked.loaded();
        List<String> missing = chosen.stream()
                .map(Fused::chunkId)
                .filter(id -> !known.containsKey(id))
                .toList();
        Map<String, ChunkIndex.ChunkRow> rows = new HashMap<>(known);
        rows.putAll(index.rows(tenant, missing, false));
        return new Ranked(chosen, rows);
    }

    /** The chosen chunks as numbered hits; a chunk deleted between ranking and loading is left out. */
    private List<SearchResponse.Hit> hits(Ranked chosen) {
        List<SearchResponse.Hit> hits = new ArrayList<>(chosen.order().size());
        for (Fused f : chosen.order()) {
            ChunkIndex.ChunkRow row = chosen.loaded().get(f.chunkId());
            if (row == null) {
                continue;
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
        return hits;
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
