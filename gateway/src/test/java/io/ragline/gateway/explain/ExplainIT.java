package io.ragline.gateway.explain;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.ragline.gateway.chat.ChatStubs;
import io.ragline.model.JsonAnswer;
import io.ragline.model.testing.ScriptedModelServer.Reply;
import io.ragline.retriever.client.testing.StubRetriever;
import io.ragline.runtime.testing.KafkaTestResource;
import io.ragline.runtime.testing.PostgresTestResource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(ChatStubs.class)
class ExplainIT {

    private static final String CODE = """
            public class RateLimiter {
                private final Map<String, Integer> counts = new HashMap<>();

                public boolean allow(String key) {
                    int n = counts.getOrDefault(key, 0) + 1;
                    counts.put(key, n);
                    return n <= 10;
                }
            }
            """;

    @BeforeEach
    void reset() {
        ChatStubs.model.clearRequests();
        ChatStubs.retriever.clear();
        ChatStubs.retriever.answer(List.of(new StubRetriever.Hit(
                "c-limits", "docs/limits.md", "Limits", "Each key may send 10 requests per minute.", 0.7)));
    }

    private static io.restassured.response.Response explain(Object body) {
        return given().contentType("application/json").body(body).post("/v1/explain");
    }

    @Test
    void codeIsExplainedInTwoJsonStepsWithAMalformedAnswerAskedForAgain() {
        AtomicInteger stepsCalls = new AtomicInteger();
        ChatStubs.model.script(r -> {
            if (r.system().startsWith("You explain source code")) {
                return stepsCalls.incrementAndGet() == 1
                        ? Reply.text("Sure! Here is the explanation you asked for.")
                        : Reply.text("```json\n{\"summary\":\"Counts requests per key and allows ten.\","
                                + "\"steps\":[\"allow reads the count\",\"stores count + 1\"]}\n```");
            }
            return Reply.text("{\"risks\":[{\"severity\":\"HIGH\",\"line\":2,\"description\":\"HashMap is not"
                    + " thread-safe; use ConcurrentHashMap.merge\"}]}");
        });

        explain(Map.of("code", CODE))
                .then()
                .statusCode(200)
                .body("mode", equalTo("generative"))
                .body("language", equalTo("java"))
                .body("summary", equalTo("Counts requests per key and allows ten."))
                .body("steps", equalTo(List.of("allow reads the count", "stores count + 1")))
                .body("risks[0].severity", equalTo("high"))
                .body("risks[0].line", equalTo(2))
                .body("outline.name", hasItems("RateLimiter", "allow"))
                .body("related[0].documentId", equalTo("docs/limits.md"));
        assertThat(stepsCalls.get()).isEqualTo(2);
        var requests = ChatStubs.model.requests();
        assertThat(requests).hasSize(3);
        assertThat(requests.get(0).body().path("response_format").path("type").asText())
                .isEqualTo("json_object");
        assertThat(requests.get(0).user()).contains("2:     private final Map<String, Integer> counts");
        assertThat(requests.get(1).user()).contains(JsonAnswer.REPROMPT);
    }

    @Test
    void withoutAWorkingModelTheAnswerSaysAModelIsNeededAndGivesTheOutline() {
        ChatStubs.model.script(r -> Reply.error(503, "overloaded"));

        explain(Map.of("code", CODE, "language", "java"))
                .then()
                .statusCode(200)
                .body("mode", equalTo("extractive"))
                .body("notice", containsString("needs a model server"))
                .body("summary", equalTo(null))
                .body("outline[0].kind", equalTo("class"))
                .body("outline[0].name", equalTo("RateLimiter"))
                .body("outline[1].name", equalTo("allow"))
                .body("outline[1].line", equalTo(4));
    }

    @Test
    void requestsMustNameExactlyOneSource() {
        explain(Map.of())
                .then()
                .statusCode(400)
                .body("detail", containsString("exactly one of 'code' and 'documentId'"));
        explain(Map.of("code", "x", "documentId", "y")).then().statusCode(400);
        explain(Map.of("documentId", "nope.java"))
                .then()
                .statusCode(404)
                .body("detail", containsString("'nope.java' is not indexed"));
        explain(Map.of("code", "x".repeat(CodeExplainer.MAX_CODE_CHARS + 1)))
                .then()
                .statusCode(413)
                .body("detail", containsString("limit is 40000"));
    }
}
