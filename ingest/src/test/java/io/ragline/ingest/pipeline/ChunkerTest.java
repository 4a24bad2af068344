package io.ragline.ingest.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkerTest {

    @Test
    void offsetsPointBackIntoTheOriginalText() {
        String text = "First paragraph about vacations.\n\nSecond paragraph about expenses and receipts.\n\n"
                + "Third paragraph about travel booking rules and approvals.";
        List<Chunker.Chunk> chunks = new Chunker(60, 10).split(text);

        assertThat(chunks).hasSizeGreaterThan(1);
        for (Chunker.Chunk chunk : chunks) {
            assertThat(text.substring(chunk.start(), chunk.end())).isEqualTo(chunk.text());
        }
        assertThat(chunks)
                .extracting(Chunker.Chunk::ordinal)
                .containsExactly(java.util.stream.IntStream.range(0, chunks.size())
                        .boxed()
                        .toArray(Integer[]::new));
    }

    @Test
    void aShortTextIsOneChunk() {
        assertThat(new Chunker(1200, 150).split("Just one line."))
                .singleElement()
                .satisfies(c -> {
                    assertThat(c.start()).isZero();
                    assertThat(c.end()).isEqualTo("Just one line.".length());
                });
    }

    @Test
    void blankTextHasNoChunks() {
        assertThat(new Chunker(1200, 150).split(" \n ")).isEmpty();
    }

    @Test
    void overlapMustBeSmallerThanTheChunk() {
        assertThatThrownBy(() -> new Chunker(100, 100)).hasMessageContaining("overlapChars < maxChars");
    }
}
