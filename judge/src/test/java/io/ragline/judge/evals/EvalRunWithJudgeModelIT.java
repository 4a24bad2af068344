package io.ragline.judge.evals;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.ragline.judge.StubIndex;
import io.ragline.judge.online.JudgeModel;
import io.ragline.retriever.api.ChunksApi;
import io.ragline.runtime.testing.KafkaTestResource;
import io.ragline.runtime.testing.PostgresTestResource;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A quality run with a judge model: every answer also gets the RAGAS metrics that use the reference answer (context
 * precision against the reference, context recall) besides faithfulness and answer relevancy, judged on the full text
 * of the retrieved chunks (not the gateway's shortened snippets), and the run records the judge model.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(StubGateway.class)
@WithTestResource(JudgeModel.class)
@WithTestResource(StubIndex.class)
class EvalRunWithJudgeModelIT {

    private static final String HAMLET_CHUNK = "Hamlet is a tragedy written by William Shakespeare sometime between"
            + " 1599 and 1601. It is Shakespeare's longest play.";

    @Test
    void runsAreJudgedOnTheRagasMetricsOverTheFullPassages() throws Exception {
        StubIndex.retriever.index(
                "default",
                List.of(new ChunksApi.Chunk("doc-hamlet#0", "doc-hamlet", 0, 0, HAMLET_CHUNK.length(), HAMLET_CHUNK)));
        String dataset = "judged-" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType("text/plain")
                .body("{\"question\":\"Who wrote Hamlet?\",\"reference_answer\":\"William Shakespeare\","
                        + "\"relevant_doc_ids\":[\"doc-hamlet\"]}\n")
                .post("/v1/evals/datasets/" + dataset)
                .then()
                .statusCode(201);
        StubGateway.DEGRADED.set(false);
        String id = given().contentType("application/json")
                .body("{\"dataset\":\"" + dataset + "\"}")
                .post("/v1/evals/runs")
                .then()
                .statusCode(202)
                .extract()
                .path("id");

        JsonPath run = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            run = given().get("/v1/evals/runs/" + id).then().extract().jsonPath();
            if (!run.getString("status").equals("running")) {
                break;
            }
            Thread.sleep(200);
        }

        assertThat(run.getString("status")).isEqualTo("completed");
        assertThat(run.getMap("summary"))
                .containsKeys(
                        "faithfulness",
                        "answer_relevancy",
                        "context_precision",
                        "context_recall",
                        "semantic_similarity",
                        "embedding_support");
        assertThat(run.getMap("summary")).doesNotContainKey("context_utilization");
        assertThat(run.getDouble("summary.context_recall.mean")).isEqualTo(1.0);
        assertThat(run.getDouble("summary.semantic_similarity.mean"))
                .as("the answer is the reference, with a full stop")
                .isGreaterThan(0.85);
        assertThat(run.getInt("metadata.judgeModels.judge-lora")).isEqualTo(1);
        assertThat(run.getList("metadata.judgePrompts", String.class)).contains("context-recall.v1");
        assertThat(JudgeModel.model.requests())
                .filteredOn(r -> r.system().startsWith("Given a context and a reference answer"))
                .singleElement()
                .satisfies(r -> assertThat(r.user())
                        .as("the full chunk, not the snippet")
                        .contains("Shakespeare's longest play")
                        .contains("<reference>William Shakespeare</reference>"));
    }
}
