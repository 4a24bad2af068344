package io.ragline.gateway.chat;

import io.ragline.retriever.api.SearchResponse;

/**
 * Source {@code [n]} of an answer, resolved to the chunk it came from: enough to show the passage and to open the
 * document at the cited characters.
 */
public record Citation(
        int n,
        String chunkId,
        String documentId,
        String title,
        String source,
        String headingPath,
        int startOffset,
        int endOffset,
        double score,
        String snippet) {

    static final int SNIPPET_CHARS = 400;

    static Citation of(int n, SearchResponse.Hit hit) {
        String text = hit.text() == null ? "" : hit.text().strip();
        String snippet = text.length() <= SNIPPET_CHARS
                ? text
                : text.substring(0, SNIPPET_CHARS).strip() + "…";
        return new Citation(
                n,
                hit.chunkId(),
                hit.documentId(),
                hit.title(),
                hit.source(),
                hit.headingPath(),
                hit.startOffset(),
                hit.endOffset(),
                hit.vectorScore(),
                snippet);
    }
}
