package io.ragline.gateway.chat;

import io.ragline.retriever.api.SearchResponse;

/** A retrieved chunk as numbered source {@code [n]} of one answer. */
record Passage(int n, SearchResponse.Hit hit) {

    String text() {
        return hit.text();
    }

    Citation citation() {
        return Citation.of(n, hit);
    }
}
