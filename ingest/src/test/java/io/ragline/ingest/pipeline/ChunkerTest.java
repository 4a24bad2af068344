package io.ragline.ingest.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ragline.ingest.embedding.TokenCounter;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Chunking against the real bge-small-en-v1.5 tokenizer. */
class ChunkerTest {

    static TokenCounter tokens;

    @BeforeAll
    static void load() {
        tokens = TokenCounter.bgeSmall();
    }

    @AfterAll
    static void close() {
        tokens.close();
    }

    @Test
    void embeddedTextCarriesTheTitleAndHeadingPathOnTop() {
        Chunker.Chunk middle = new Chunker.Chunk(3, "Book trains two weeks ahead.", 900, 928, "Policies > Travel");
        Chunker.Chunk first = new Chunker.Chunk(0, "Handbook\n\nWelcome.", 0, 19, null);

        assertThat(Chunker.embeddedText("Handbook", middle))
                .isEqualTo("Handbook\nPolicies > Travel\n\nBook trains two weeks ahead.");
        // a chunk that starts with the title does not repeat it; no title and no heading: the chunk alone
        assertThat(Chunker.embeddedText("Handbook", first)).isEqualTo("Handbook\n\nWelcome.");
        assertThat(Chunker.embeddedText(null, first)).isEqualTo(first.text());
        assertThat(Chunker.embeddedText(" ", middle)).isEqualTo("Policies > Travel\n\nBook trains two weeks ahead.");
    }

    @Test
    void theTokenizerIsTheModels() {
        // WordPiece: "tokenization" -> "token", "##ization"
        assertThat(tokens.count("tokenization")).isEqualTo(2);
        assertThat(tokens.count("Hello world")).isEqualTo(2);
    }

    @Test
    void chunksStayWithinTheTokenBudgetAndPointBackIntoTheText() {
        String text = IntStream.range(0, 60)
                .mapToObj(i -> "Paragraph " + i + " explains rule number " + i + " of the travel policy in detail.")
                .collect(Collectors.joining("\n\n"));

        List<Chunker.Chunk> chunks = new Chunker(64, 16, tokens::count).split(text);

        assertThat(chunks).hasSizeGreaterThan(5);
        for (Chunker.Chunk chunk : chunks) {
            assertThat(tokens.count(chunk.text())).isLessThanOrEqualTo(64);
            assertThat(text.substring(chunk.start(), chunk.end())).isEqualTo(chunk.text());
        }
        assertThat(chunks)
                .extracting(Chunker.Chunk::ordinal)
                .containsExactlyElementsOf(
                        IntStream.range(0, chunks.size()).boxed().toList());
        // consecutive chunks overlap, and together they cover the whole text
        assertThat(chunks.get(1).start()).isLessThan(chunks.get(0).end());
        assertThat(chunks.get(0).start()).isZero();
        assertThat(chunks.get(chunks.size() - 1).end()).isEqualTo(text.length());
    }

    @Test
    void markdownHeadingsStartSectionsAndGiveEachChunkItsPath() {
        String text = """
                # Policies

                Intro to all policies.

                ## Travel

                Trains are preferred.

                ### Abroad

                Passports are required.

                ## Expenses

                Receipts within two weeks.
                """;

        List<Chunker.Chunk> chunks = new Chunker(200, 20, tokens::count).split(text);

        assertThat(chunks)
                .extracting(Chunker.Chunk::headingPath)
                .containsExactly("Policies", "Policies > Travel", "Policies > Travel > Abroad", "Policies > Expenses");
        assertThat(chunks.get(1).text()).startsWith("## Travel").contains("Trains are preferred.");
        assertThat(chunks.get(3).text()).doesNotContain("Passports");
    }

    @Test
    void aParagraphOverBudgetIsSplitAtSentencesAndAHugeSentenceAtWords() {
        String sentences = IntStream.range(0, 30)
                .mapToObj(i -> "Sentence number " + i + " is here.")
                .collect(Collectors.joining(" "));
        String words = IntStream.range(0, 300).mapToObj(i -> "word" + i).collect(Collectors.joining(" "));

        for (String text : List.of(sentences, words)) {
            List<Chunker.Chunk> chunks = new Chunker(40, 0, tokens::count).split(text);
            assertThat(chunks).hasSizeGreaterThan(2);
            assertThat(chunks).allSatisfy(c -> {
                assertThat(tokens.count(c.text())).isLessThanOrEqualTo(40);
                assertThat(text.substring(c.start(), c.end())).isEqualTo(c.text());
            });
        }
    }

    @Test
    void aShortTextIsOneChunkWithoutHeading() {
        assertThat(new Chunker(384, 48, tokens::count).split("Just one line."))
                .singleElement()
                .satisfies(c -> {
                    assertThat(c.start()).isZero();
                    assertThat(c.end()).isEqualTo("Just one line.".length());
                    assertThat(c.headingPath()).isNull();
                });
    }

    @Test
    void blankTextHasNoChunks() {
        assertThat(new Chunker(384, 48, tokens::count).split(" \n ")).isEmpty();
    }

    @Test
    void overlapMustBeSmallerThanTheChunk() {
        assertThatThrownBy(() -> new Chunker(100, 100, tokens::count))
                .hasMessageContaining("overlapTokens < maxTokens");
    }
}
