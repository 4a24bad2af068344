package io.ragline.judge.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EmbeddingSupportTest {

    @Test
    void sentencesDropCitationMarkersAndFragments() {
        assertThat(EmbeddingSupport.sentences("Kafka keeps logs [1]. Offsets are per partition [2, 3]! Ok [4]."))
                .containsExactly("Kafka keeps logs.", "Offsets are per partition!");
    }
}
