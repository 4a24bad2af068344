package io.ragline.judge.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.ragline.judge.model.JudgeModel;
import io.ragline.model.ModelUnavailableException;
import io.ragline.model.testing.ScriptedModelServer;
import io.ragline.model.testing.ScriptedModelServer.Reply;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * RAGAS faithfulness, on the example of the RAGAS documentation (metrics → faithfulness): question "Where and when was
 * Einstein born?", context "Albert Einstein (born 14 March 1879) was a German-born theoretical physicist, ...", the
 * low-faithfulness answer "Einstein was born in Germany on 20th March 1879." has two statements of which the context
 * supports one: faithfulness 0.5. The judge model is scripted to give the documentation's statements and verdicts.
 */
@QuarkusTest
@WithTestResource(ScriptedJudge.class)
class FaithfulnessTest {

    @Inject
    JudgeModel judge;

    private static final String CONTEXT = "Albert Einstein (born 14 March 1879) was a German-born theoretical"
            + " physicist, widely held to be one of the greatest and most influential scientists of all time";

    @Test
    void theRagasDocumentationExampleScoresOneHalf() {
        AtomicInteger calls = new AtomicInteger();
        {
            ScriptedModelServer stub = ScriptedJudge.scripted(r -> switch (calls.incrementAndGet()) {
                case 1 ->
                    Reply.text("{\"statements\": [\"Einstein was born in Germany.\","
                            + " \"Einstein was born on 20th March 1879.\"]}");
                case 2 -> Reply.text("Here you go: verdicts");
                default ->
                    Reply.text("```json\n{\"verdicts\": ["
                            + "{\"statement\": \"Einstein was born in Germany.\", \"reason\": \"German-born\", \"verdict\": 1},"
                            + "{\"statement\": \"Einstein was born on 20th March 1879.\", \"reason\": \"14 March\","
                            + " \"verdict\": 0}]}\n```");
            });

            Faithfulness.Result r = Faithfulness.score(
                    judge,
                    "Where and when was Einstein born?",
                    "Einstein was born in Germany on 20th March 1879.",
                    List.of(CONTEXT));

            assertThat(r.value()).isEqualTo(0.5);
            assertThat(r.statements()).hasSize(2);
            assertThat(r.verdicts()).containsExactly(1, 0);
            assertThat(calls.get())
                    .as("the malformed verdicts were asked for again")
                    .isEqualTo(3);
            assertThat(stub.requests().get(1).user())
                    .contains("<context>")
                    .contains("14 March 1879")
                    .contains("2. Einstein was born on 20th March 1879.");
            assertThat(stub.requests()
                            .get(0)
                            .body()
                            .path("response_format")
                            .path("type")
                            .asText())
                    .isEqualTo("json_object");
            ScriptedModelServer.Request reasked = stub.requests().get(2);
            assertThat(reasked.system())
                    .as("the re-ask continues the conversation")
                    .startsWith("Judge whether each statement");
            assertThat(reasked.content("user"))
                    .contains("2. Einstein was born on 20th March 1879.")
                    .contains("That was not the JSON object asked for.");
            assertThat(reasked.model()).isEqualTo("judge-model");
            assertThat(r.model()).isEqualTo("judge-model");
        }
    }

    @Test
    void anAnswerMalformedTwiceIsAFailureAfterTwoCalls() {
        ScriptedModelServer stub = ScriptedJudge.scripted(r -> Reply.text("I would rather not."));

        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> Faithfulness.score(judge, "Where?", "In Ulm.", List.of(CONTEXT)))
                    .isInstanceOf(ModelUnavailableException.class)
                    .hasMessageContaining("invalid JSON twice");
        }
        assertThat(stub.requests()).as("each time asked, asked again, given up").hasSize(10);
        assertThat(judge.available())
                .as("stubborn answers are no server failures: the circuit stays closed")
                .isTrue();
    }

    @Test
    void aRefusedRequestIsNotRetriedAndAFailingServerOpensTheCircuit() {
        ScriptedModelServer stub = ScriptedJudge.scripted(r -> Reply.error(400, "context too long"));
        assertThatThrownBy(() -> Faithfulness.score(judge, "Where?", "In Ulm.", List.of(CONTEXT)))
                .isInstanceOf(ModelUnavailableException.class);
        assertThat(stub.requests()).as("a refusal is final").hasSize(1);

        ScriptedJudge.scripted(r -> Reply.error(503, "loading"));
        for (int i = 0; i < 5 && judge.available(); i++) {
            assertThatThrownBy(() -> Faithfulness.score(judge, "Where?", "In Ulm.", List.of(CONTEXT)))
                    .isInstanceOf(ModelUnavailableException.class);
        }
        assertThat(stub.requests().size()).as("5xx answers are retried").isGreaterThan(5);
        assertThat(judge.available()).as("the circuit opened").isFalse();
        int asked = stub.requests().size();
        assertThatThrownBy(() -> Faithfulness.score(judge, "Where?", "In Ulm.", List.of(CONTEXT)))
                .hasMessageContaining("circuit open");
        assertThat(stub.requests()).as("an open circuit asks nobody").hasSize(asked);
    }

    @AfterEach
    void closeTheCircuit() {
        CircuitBreakerMaintenance.get().resetAll();
    }
}
