package io.ragline.retriever.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The retriever's answer to {@code POST /v1/search}, as it writes it and its clients read it: ranked chunks with what a
 * citation needs (document, title, text, character offsets, heading path) and where each
 * came from (its vector and keyword ranks and scores; rank 0: not in that ranking). {@code degraded} is null, or says
 * why part of the search could not run (a hybrid search whose query could not be embedded answers from BM25 alone).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SearchResponse(
        String query,
        String mode,
        List<Hit> hits,
        boolean reranked,
        boolean diversified,
        String degraded,
        Timings timings) {

    /**
     * One ranked chunk. {@code vectorScore} is the cosine similarity between the query and the chunk (an absolute
     * measure of evidence, unlike the fused {@code score}), {@code keywordScore} its BM25.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Hit(
            int rank,
            double score,
            String chunkId,
            String documentId,
            String title,
            String source,
            JsonNode metadata,
            int ordinal,
            String text,
            String headingPath,
            int startOffset,
            int endOffset,
            int vectorRank,
            double vectorScore,
            int keywordRank,
            double keywordScore) {}

    /** Milliseconds spent in each step. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Timings(double embedMs, double vectorMs, double keywordMs, double rerankMs, double totalMs) {}
}
