package io.ragline.judge.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.ragline.judge.model.JudgeModel;
import io.ragline.model.testing.ScriptedModelServer;
import io.ragline.model.testing.ScriptedModelServer.Reply;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * RAGAS context precision on the examples of the RAGAS documentation (metrics → context precision): for "Where is the
 * Eiffel Tower located?" answered "The Eiffel Tower is located in Paris.", the passage "The Eiffel Tower is located in
 * Paris." alone scores 0.9999999999, followed by the irrelevant "The Brandenburg Gate is located in Berlin." still
 * 0.9999999999, and preceded by it 0.49999999995.
 */
@QuarkusTest
@WithTestResource(ScriptedJudge.class)
class ContextPrecisionTest {

    @Inject
    JudgeModel judge;

    private static final String EIFFEL = "The Eiffel Tower is located in Paris.";
    private static final String BERLIN = "The Brandenburg Gate is located in Berlin.";

    @Test
    void averagePrecisionReproducesTheDocumentedOutputs() {
        assertThat(ContextPrecision.averagePrecision(List.of(1))).isCloseTo(0.9999999999, within(1e-12));
        assertThat(ContextPrecision.averagePrecision(List.of(1, 0))).isCloseTo(0.9999999999, within(1e-12));
        assertThat(ContextPrecision.averagePrecision(List.of(0, 1))).isCloseTo(0.49999999995, within(1e-12));
        assertThat(ContextPrecision.averagePrecision(List.of(0, 0))).isZero();
        // (1/1 + 2/3) / 2: the useful passages at ranks 1 and 3
        assertThat(ContextPrecision.averagePrecision(List.of(1, 0, 1))).isCloseTo(5 / 6.0, within(1e-9));
    }

    @Test
    void theJudgeGivesOneVerdictPerPassageInRankOrder() {
        AtomicInteger calls = new AtomicInteger();
        {
            ScriptedModelServer stub = ScriptedJudge.scripted(r -> calls.incrementAndGet() == 1
                    ? Reply.text("{\"verdicts\": [{\"passage\": 1, \"reason\": \"only one\", \"verdict\": 1}]}")
                    : Reply.text("{\"verdicts\": [{\"passage\": 1, \"reason\": \"Berlin\", \"verdict\": 0},"
                            + " {\"passage\": 2, \"reason\": \"says where\", \"verdict\": 1}]}"));
            ContextPrecision.Result r = ContextPrecision.score(
                    judge, "Where is the Eiffel Tower located?", EIFFEL, List.of(BERLIN, EIFFEL));

            assertThat(r.verdicts()).containsExactly(0, 1);
            assertThat(r.value()).isCloseTo(0.49999999995, within(1e-12));
            assertThat(calls.get())
                    .as("one verdict for two passages was asked for again")
                    .isEqualTo(2);
            assertThat(stub.requests().get(0).user())
                    .contains("<passage n=\"1\">" + BERLIN + "</passage>")
                    .contains("<passage n=\"2\">" + EIFFEL + "</passage>")
                    .contains("<answer>" + EIFFEL + "</answer>");
        }
    }
}
