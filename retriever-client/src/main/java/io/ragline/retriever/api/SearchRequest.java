package io.ragline.retriever.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The body of the retriever's {@code POST /v1/search}, as the retriever reads it and its clients send it: one record
 * for both sides. Only {@code query} is required; absent fields take the retriever's configured defaults. The tenant is
 * never part of the body: it comes from the {@value SearchApi#TENANT_HEADER} header the gateway sets after
 * authenticating the caller.
 *
 * @param query what to look for
 * @param topK how many chunks to return (default {@code retriever.search.default-top-k})
 * @param mode {@code vector}, {@code keyword} or {@code hybrid} (default)
 * @param filters {@code documentIds}, {@code sources} and {@code metadata} conditions (equals, {@code in}, ranges),
 *     as the retriever's README describes
 * @param mmr diversify the results with maximal marginal relevance
 * @param mmrLambda MMR's relevance weight in [0, 1] (default {@code retriever.mmr.lambda})
 * @param fusion per-request override of the hybrid fusion settings (evaluation and tuning)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SearchRequest(
        String query, Integer topK, Mode mode, JsonNode filters, Boolean mmr, Double mmrLambda, FusionOptions fusion) {

    /** Which rankings a search uses. */
    public enum Mode {
        @JsonProperty("vector")
        VECTOR,
        @JsonProperty("keyword")
        KEYWORD,
        @JsonProperty("hybrid")
        HYBRID
    }

    /** Hybrid fusion settings; any left out take the configured value. */
    public record FusionOptions(String method, Integer k, Double vectorWeight, Double keywordWeight) {}

    /** A hybrid search for the {@code topK} best chunks, everything else at the retriever's defaults. */
    public static SearchRequest of(String query, int topK) {
        return new SearchRequest(query, topK, Mode.HYBRID, null, null, null, null);
    }

    /** This request with {@code filters} (null or JSON null: none). */
    public SearchRequest withFilters(JsonNode filters) {
        JsonNode f = filters == null || filters.isNull() ? null : filters;
        return new SearchRequest(query, topK, mode, f, mmr, mmrLambda, fusion);
    }

    /** This request, diversified by MMR or not. */
    public SearchRequest withMmr(boolean on) {
        return new SearchRequest(query, topK, mode, filters, on, mmrLambda, fusion);
    }

    /** This request asking {@code text} instead. */
    public SearchRequest withQuery(String text) {
        return new SearchRequest(text, topK, mode, filters, mmr, mmrLambda, fusion);
    }
}
