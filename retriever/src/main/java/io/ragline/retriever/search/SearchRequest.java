package io.ragline.retriever.search;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code POST /v1/search}. Only {@code query} is required. The tenant is never part of the body: it comes from the
 * {@code Ragline-Tenant} header the gateway sets after authenticating the caller.
 *
 * @param query what to look for
 * @param topK how many chunks to return (default {@code retriever.search.default-top-k})
 * @param mode {@code vector}, {@code keyword} or {@code hybrid} (default)
 * @param filters see {@link SearchFilter}
 * @param mmr diversify the results with maximal marginal relevance
 * @param mmrLambda MMR's relevance weight in [0, 1] (default {@code retriever.mmr.lambda})
 * @param fusion per-request override of the hybrid fusion settings (evaluation and tuning)
 */
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
}
