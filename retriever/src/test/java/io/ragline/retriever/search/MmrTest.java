package io.ragline.retriever.search;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MmrTest {

    // a and a' are near duplicates; b points elsewhere
    private static final float[][] VECTORS = {{1, 0, 0}, {0.99f, 0.14f, 0}, {0, 1, 0}, {0, 0, 1}};
    private static final double[] RELEVANCE = {1.0, 0.95, 0.6, 0.1};

    @Test
    void lambdaOneKeepsTheRelevanceOrder() {
        assertThat(Mmr.select(RELEVANCE, VECTORS, 3, 1.0)).containsExactly(0, 1, 2);
    }

    @Test
    void aNearDuplicateGivesWayToANewTopic() {
        assertThat(Mmr.select(RELEVANCE, VECTORS, 3, 0.7)).containsExactly(0, 2, 1);
    }

    @Test
    void neverMoreThanThePool() {
        assertThat(Mmr.select(RELEVANCE, VECTORS, 10, 0.5)).hasSize(4).doesNotHaveDuplicates();
    }
}
