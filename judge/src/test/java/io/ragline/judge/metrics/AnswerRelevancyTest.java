package io.ragline.judge.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import dev.langchain4j.store.embedding.CosineSimilarity;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.ragline.judge.model.JudgeModel;
import io.ragline.model.testing.ScriptedModelServer;
import io.ragline.model.testing.ScriptedModelServer.Reply;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RAGAS answer relevancy on the worked example of the RAGAS documentation (metrics → answer relevance): for "Where is
 * France and what is it's capital?", the low-relevance answer "France is in western Europe." makes the judge write
 * questions about France's location only ("In which part of Europe is France located?", ...), which are further from
 * the question than those written for the high-relevance answer "France is in western Europe and Paris is its
 * capital.". The embeddings are the real in-process model, so the value is checked against the definition (mean
 * cosine, computed here independently), not against the documentation's number (made with OpenAI embeddings).
 */
@QuarkusTest
@WithTestResource(ScriptedJudge.class)
class AnswerRelevancyTest {

    @Inject
    JudgeModel judge;

    private static final String QUESTION = "Where is France and what is it's capital?";
    private static final List<String> LOW = List.of(
            "In which part of Europe is France located?",
            "What is the geographical location of France within Europe?",
            "Can you identify the region of Europe where France is situated?");
    private static final List<String> HIGH = List.of(
            "Where is France and what is its capital?",
            "In which part of Europe is France, and which city is its capital?",
            "What is the capital of France and where in Europe is the country?");
    private static final EmbeddingModel EMBEDDINGS = new BgeSmallEnV15QuantizedEmbeddingModel();

    private static String questions(List<String> qs, int noncommittal) {
        return "{\"questions\": [\"" + String.join("\", \"", qs) + "\"], \"noncommittal\": " + noncommittal + "}";
    }

    @Test
    void theMoreCompleteAnswerIsTheMoreRelevantOne() {
        {
            ScriptedModelServer stub = ScriptedJudge.scripted(
                    r -> r.user().contains("Paris") ? Reply.text(questions(HIGH, 0)) : Reply.text(questions(LOW, 0)));
            AnswerRelevancy.Result low =
                    AnswerRelevancy.score(judge, EMBEDDINGS, QUESTION, "France is in western Europe.");
            AnswerRelevancy.Result high = AnswerRelevancy.score(
                    judge, EMBEDDINGS, QUESTION, "France is in western Europe and Paris is its capital.");

            double expectedLow = LOW.stream()
                    .mapToDouble(q -> CosineSimilarity.between(
                            EMBEDDINGS.embed(QUESTION).content(),
                            EMBEDDINGS.embed(q).content()))
                    .average()
                    .orElseThrow();
            assertThat(low.value()).isCloseTo(expectedLow, within(1e-6));
            assertThat(low.questions()).containsExactlyElementsOf(LOW);
            assertThat(high.value()).isGreaterThan(low.value());
            assertThat(stub.requests().get(0).user()).isEqualTo("<answer>France is in western Europe.</answer>");
        }
    }

    @Test
    void aNoncommittalAnswerScoresZero() {
        {
            ScriptedModelServer stub = ScriptedJudge.scripted(r -> Reply.text(questions(HIGH, 1)));
            AnswerRelevancy.Result r = AnswerRelevancy.score(judge, EMBEDDINGS, QUESTION, "I don't know.");

            assertThat(r.noncommittal()).isTrue();
            assertThat(r.value()).isZero();
        }
    }
}
