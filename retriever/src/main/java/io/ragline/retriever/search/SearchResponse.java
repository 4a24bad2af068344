package io.ragline.retriever.search;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Ranked chunks with what a citation needs (document, title, text, character offsets, heading path) and where each
 * came from (its vector and keyword ranks and scores; rank 0: not in that ranking). {@code degraded} is null, or says
 * why part of the search could not run (a hybrid search whose query could not be embedded answers from BM25 alone).
 */
public record SearchResponse(
        String query,
        String mode,
        List<Hit> hits,
        boolean reranked,
        boolean diversified,
        String degraded,
        Timings timings) {

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
    public record Timings(double embedMs, double vectorMs, double keywordMs, double rerankMs, double totalMs) {}
}
