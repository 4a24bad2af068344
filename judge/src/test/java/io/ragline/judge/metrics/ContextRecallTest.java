package io.ragline.judge.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.ragline.judge.model.JudgeModel;
import io.ragline.model.testing.ScriptedModelServer;
import io.ragline.model.testing.ScriptedModelServer.Reply;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RAGAS context recall on the worked example of the RAGAS documentation (metrics → context recall, "how it's
 * calculated"): question "Where is France and what is it's capital?", reference "France is in Western Europe and its
 * capital is Paris."; the low-recall context mentions Western Europe but not the capital, so of the reference's two
 * statements one is attributed: context recall 0.5.
 */
@QuarkusTest
@WithTestResource(ScriptedJudge.class)
class ContextRecallTest {

    @Inject
    JudgeModel judge;

    private static final String LOW_RECALL_CONTEXT = "France, in Western Europe, encompasses medieval cities, alpine"
            + " villages and Mediterranean beaches. The country is also renowned for its wines and sophisticated"
            + " cuisine. Lascaux's ancient cave drawings, Lyon's Roman theater and the vast Palace of Versailles attest"
            + " to its rich history.";

    @Test
    void theDocumentedExampleScoresOneHalf() {
        {
            ScriptedModelServer stub = ScriptedJudge.scripted(
                    r -> Reply.text(
                            "{\"classifications\": ["
                                    + "{\"statement\": \"France is in Western Europe.\", \"reason\": \"stated\", \"attributed\": 1},"
                                    + "{\"statement\": \"Its capital is Paris.\", \"reason\": \"not mentioned\", \"attributed\": 0}]}"));
            ContextRecall.Result r = ContextRecall.score(
                    judge,
                    "Where is France and what is it's capital?",
                    "France is in Western Europe and its capital is Paris.",
                    List.of(LOW_RECALL_CONTEXT));

            assertThat(r.value()).isEqualTo(0.5);
            assertThat(r.statements()).containsExactly("France is in Western Europe.", "Its capital is Paris.");
            assertThat(stub.requests().get(0).user())
                    .contains("<reference>France is in Western Europe and its capital is Paris.</reference>")
                    .contains("Lascaux");
        }
    }

    @Test
    void aReferenceWithoutStatementsHasNoScore() {
        {
            ScriptedModelServer stub = ScriptedJudge.scripted(r -> Reply.text("{\"classifications\": []}"));
            assertThat(ContextRecall.score(judge, "q", "-", List.of("c")).value())
                    .isNaN();
        }
    }
}
