package io.ragline.judge.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.ragline.model.ModelServer;
import io.ragline.model.testing.ScriptedModelServer;
import io.ragline.model.testing.ScriptedModelServer.Reply;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * RAGAS faithfulness, on the example of the RAGAS documentation (metrics → faithfulness): question "Where and when was
 * Einstein born?", context "Albert Einstein (born 14 March 1879) was a German-born theoretical physicist, ...", the
 * low-faithfulness answer "Einstein was born in Germany on 20th March 1879." has two statements of which the context
 * supports one: faithfulness 0.5. The judge model is scripted to give the documentation's statements and verdicts.
 */
class FaithfulnessTest {

    private static final String CONTEXT = "Albert Einstein (born 14 March 1879) was a German-born theoretical"
            + " physicist, widely held to be one of the greatest and most influential scientists of all time";

    @Test
    void theRagasDocumentationExampleScoresOneHalf() {
        AtomicInteger calls = new AtomicInteger();
        try (ScriptedModelServer stub = ScriptedModelServer.start(r -> switch (calls.incrementAndGet()) {
            case 1 ->
                Reply.text("{\"statements\": [\"Einstein was born in Germany.\","
                        + " \"Einstein was born on 20th March 1879.\"]}");
            case 2 -> Reply.text("Here you go: verdicts");
            default ->
                Reply.text("```json\n{\"verdicts\": ["
                        + "{\"statement\": \"Einstein was born in Germany.\", \"reason\": \"German-born\", \"verdict\": 1},"
                        + "{\"statement\": \"Einstein was born on 20th March 1879.\", \"reason\": \"14 March\","
                        + " \"verdict\": 0}]}\n```");
        })) {
            ModelServer models = JudgeModels.at(stub);

            Faithfulness.Result r = Faithfulness.score(
                    models,
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
        }
    }
}
