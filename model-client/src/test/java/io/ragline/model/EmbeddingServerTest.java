package io.ragline.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import io.ragline.model.testing.ScriptedModelServer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EmbeddingServerTest {

    private static EmbeddingServer client(String url, int dimension) {
        return EmbeddingServer.connect(url, Optional.empty(), "bge-small-gpu", dimension, Duration.ofSeconds(5), 0, 2);
    }

    @Test
    void embedsEveryTextInBatchesWithTheServersVectors() {
        try (ScriptedModelServer server = ScriptedModelServer.start(r -> ScriptedModelServer.Reply.text("unused"))) {
            server.embeddings(ScriptedModelServer.hashedWords(16));
            List<TextSegment> texts = List.of(
                    TextSegment.from("zebras migrate"),
                    TextSegment.from("zebras migrate north"),
                    TextSegment.from("quarterly revenue"));
            List<Embedding> vectors =
                    client(server.baseUrl(), 16).embedAll(texts).content();

            assertThat(vectors).hasSize(3);
            for (int i = 0; i < texts.size(); i++) {
                assertThat(vectors.get(i).vector())
                        .containsExactly(ScriptedModelServer.hashedWords(16)
                                .apply(texts.get(i).text()));
            }
            assertThat(vectors.get(0).vector())
                    .as("order kept across the two requests a batch size of 2 makes")
                    .isNotEqualTo(vectors.get(2).vector());
            assertThat(server.embeddedTexts()).isEqualTo(3);
        }
    }

    @Test
    void aVectorOfAnotherSizeThanTheIndexIsRefusedWithTheReason() {
        try (ScriptedModelServer server = ScriptedModelServer.start(r -> ScriptedModelServer.Reply.text("unused"))) {
            server.embeddings(ScriptedModelServer.hashedWords(768));
            assertThatThrownBy(() -> client(server.baseUrl(), 384).embed("a text"))
                    .isInstanceOfSatisfying(
                            EmbeddingServer.EmbeddingServerException.class,
                            e -> assertThat(e.isTransient()).isFalse())
                    .hasMessageContaining("768-dimensional")
                    .hasMessageContaining("the index holds 384");
        }
    }

    @Test
    void aServerErrorOrNoServerIsATransientFailure() {
        try (ScriptedModelServer server = ScriptedModelServer.start(r -> ScriptedModelServer.Reply.text("unused"))) {
            // no embedder: the server answers 404
            assertThatThrownBy(() -> client(server.baseUrl(), 16).embed("a text"))
                    .isInstanceOfSatisfying(
                            EmbeddingServer.EmbeddingServerException.class,
                            e -> assertThat(e.isTransient()).isTrue())
                    .hasMessageContaining(server.baseUrl());
        }
        assertThatThrownBy(() -> client("http://127.0.0.1:9/v1", 16).embed("a text"))
                .isInstanceOfSatisfying(
                        EmbeddingServer.EmbeddingServerException.class,
                        e -> assertThat(e.isTransient()).isTrue());
    }
}
