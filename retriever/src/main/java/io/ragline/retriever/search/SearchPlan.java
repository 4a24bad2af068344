package io.ragline.retriever.search;

import io.ragline.retriever.api.SearchRequest;
import io.ragline.retriever.api.SearchRequest.Mode;
import io.ragline.retriever.config.RetrieverConfig;

/**
 * A search request checked against the limits and completed with the defaults: what {@link SearchService} runs. A
 * request that breaks a limit is refused with an {@link InvalidSearchException} naming it.
 *
 * @param pool how many fused candidates MMR chooses from ({@code topK} without MMR)
 * @param candidates how many candidates each side (vector, keyword) contributes before fusion
 */
record SearchPlan(
        String query,
        int topK,
        Mode mode,
        boolean mmr,
        double mmrLambda,
        Fusion fusion,
        SearchFilter filter,
        int pool,
        int candidates) {

    /** How the two sides' rankings are fused. */
    record Fusion(boolean convex, int k, double vectorWeight, double keywordWeight) {}

    static SearchPlan of(SearchRequest request, RetrieverConfig config) {
        if (request == null) {
            throw new InvalidSearchException("a JSON body with a query is required");
        }
        String query = request.query() == null ? "" : request.query().strip();
        if (query.isEmpty()) {
            throw new InvalidSearchException("query is required and must not be blank");
        }
        int maxChars = config.search().maxQueryChars();
        if (query.length() > maxChars) {
            throw new InvalidSearchException(
                    "query is " + query.length() + " characters; at most " + maxChars + " are accepted");
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
        Fusion fusion = fusion(request.fusion(), config.fusion());
        SearchFilter filter = SearchFilter.parse(request.filters());
        int pool = mmr ? topK * Math.max(1, config.mmr().poolFactor()) : topK;
        int candidates = Math.max(pool, config.search().candidates());
        return new SearchPlan(query, topK, mode, mmr, lambda, fusion, filter, pool, candidates);
    }

    private static Fusion fusion(SearchRequest.FusionOptions o, RetrieverConfig.Fusion c) {
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
        return new Fusion(method.equals("convex"), k, wv, wk);
    }

    /** Whether both sides are scored in the one convex-fusion statement (no separate vector statement first). */
    boolean convexHybrid() {
        return mode == Mode.HYBRID && fusion.convex();
    }
}
