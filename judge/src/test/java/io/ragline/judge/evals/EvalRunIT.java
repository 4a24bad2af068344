package io.ragline.judge.evals;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.ragline.judge.StubIndex;
import io.ragline.runtime.testing.KafkaTestResource;
import io.ragline.runtime.testing.PostgresTestResource;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A golden dataset run end to end through (a stub of) the gateway's public API on the real database: a good run, then
 * a degraded answerer whose run is marked regressed; the report renders summary, trends and worst questions.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(StubGateway.class)
@WithTestResource(StubIndex.class)
class EvalRunIT {

    @io.quarkus.test.common.http.TestHTTPResource("/v1/evals/runs/")
    java.net.URL reportUrl;

    private static final String DATASET = """
            {"question":"Who wrote Hamlet?","reference_answer":"William Shakespeare","relevant_doc_ids":["doc-hamlet"]}
            {"question":"What is the capital of France?","reference_answer":"Paris","relevant_doc_ids":["doc-france"]}
            {"id":"x1","question":"How many legs does a spider have?","answer":"eight","passage_id":"doc-spider"}
            {"question":"What gas do plants absorb?","reference_answer":"carbon dioxide"}
            """;

    private static JsonPath awaitRun(String id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            JsonPath run = given().get("/v1/evals/runs/" + id)
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            if (!run.getString("status").equals("running")) {
                return run;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("run " + id + " did not finish");
    }

    private static String start(String dataset) {
        return given().contentType("application/json")
                .body("{\"dataset\":\"" + dataset + "\"}")
                .post("/v1/evals/runs")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
    }

    @Test
    void aDegradedAnswererIsCaughtAsARegressionAndTheReportShowsIt() throws Exception {
        String dataset = "golden-" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType("text/plain")
                .body(DATASET)
                .post("/v1/evals/datasets/" + dataset)
                .then()
                .statusCode(201)
                .body("questions", equalTo(4));

        StubGateway.DEGRADED.set(false);
        JsonPath good = awaitRun(start(dataset));
        assertThat(good.getString("status")).isEqualTo("completed");
        assertThat(good.getDouble("summary.exact_match.mean")).isEqualTo(1.0);
        assertThat(good.getDouble("summary.recall_at_5.mean")).isEqualTo(1.0);
        assertThat(good.getInt("summary.recall_at_5.n"))
                .as("only items with relevant ids")
                .isEqualTo(3);
        assertThat(good.getBoolean("regressed")).isFalse();
        given().contentType("application/json")
                .body("{\"runId\":\"" + good.getString("id") + "\"}")
                .put("/v1/evals/baselines/" + dataset)
                .then()
                .statusCode(204);

        StubGateway.DEGRADED.set(true);
        String badId = start(dataset);
        JsonPath bad = awaitRun(badId);
        assertThat(bad.getString("status")).isEqualTo("completed");
        assertThat(bad.getBoolean("regressed")).isTrue();
        assertThat(bad.getInt("metadata.models.none")).isEqualTo(4);
        assertThat(bad.getInt("metadata.modes.extractive")).isEqualTo(4);
        assertThat(bad.getLong("metadata.index.chunks")).isGreaterThanOrEqualTo(0);
        assertThat(bad.getString("reason")).contains("exact_match fell by 1.0000 against the previous run");
        assertThat(bad.getString("reason")).contains("against the baseline");
        assertThat(bad.getDouble("comparison.previous.token_f1")).isNegative();
        var alert = io.ragline.runtime.testing.Topic.await(
                io.ragline.runtime.testing.TestInfrastructure.kafka().bootstrapServers(),
                "evals.completed",
                r -> r.value().contains(badId),
                Duration.ofSeconds(30));
        var event = io.ragline.contracts.EventJson.fromJson(
                alert.value(), io.ragline.contracts.evaluation.EvaluationCompleted.class);
        assertThat(alert.key()).isEqualTo("default/" + dataset);
        assertThat(event.regressed()).isTrue();
        assertThat(event.means()).containsEntry("exact_match", 0.0);
        assertThat(event.reasons()).anySatisfy(r -> assertThat(r).contains("exact_match fell by 1.0000"));

        String html = given().get("/v1/evals/runs/" + badId + "/report")
                .then()
                .statusCode(200)
                .contentType(containsString("text/html"))
                .extract()
                .asString();
        assertThat(html)
                .contains("id=\"regressed\"")
                .contains("id=\"metadata\"")
                .contains("<svg")
                .contains("data-metric=\"exact_match\"")
                .contains("I think it is unknown")
                .doesNotContain("<script")
                .doesNotContain("http://cdn")
                .doesNotContain("https://");
        given().get("/v1/evals/runs/" + badId + "/results")
                .then()
                .statusCode(200)
                .body("size()", equalTo(4));

        // the report in a real headless Chromium: the charts render, the regression shows
        java.nio.file.Path playwright = java.nio.file.Path.of("../gateway/src/test/browser/node_modules")
                .toAbsolutePath();
        java.nio.file.Path chromium =
                java.nio.file.Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
        org.junit.jupiter.api.Assumptions.assumeTrue(
                java.nio.file.Files.isExecutable(chromium) && java.nio.file.Files.isDirectory(playwright),
                "Chromium or playwright-core absent (.ci/run installs them)");
        java.nio.file.Path shot =
                java.nio.file.Path.of("target/screenshots/eval-report.png").toAbsolutePath();
        java.nio.file.Files.createDirectories(shot.getParent());
        ProcessBuilder pb = new ProcessBuilder(
                        "node", "src/test/browser/report.cjs", reportUrl + badId + "/report", shot.toString())
                .redirectErrorStream(true);
        pb.environment().put("NODE_PATH", playwright.toString());
        Process node = pb.start();
        boolean finished = node.waitFor(90, java.util.concurrent.TimeUnit.SECONDS);
        String output = new String(node.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!finished) {
            node.destroyForcibly();
        }
        assertThat(finished && node.exitValue() == 0).as(output).isTrue();
        assertThat(output).contains("charts rendered");
        assertThat(shot).isNotEmptyFile();
    }

    @Test
    void badUploadsAndUnknownRunsAreRefusedWithTheReason() {
        given().contentType("text/plain")
                .body("{\"question\":\"q\"}\n")
                .post("/v1/evals/datasets/empty-ref")
                .then()
                .statusCode(400)
                .body("detail", containsString("neither a reference answer nor relevant document ids"));
        given().contentType("text/plain")
                .body("not json\n")
                .post("/v1/evals/datasets/broken")
                .then()
                .statusCode(400)
                .body("detail", containsString("line 1 is not JSON"));
        given().contentType("application/json")
                .body("{\"dataset\":\"nope\"}")
                .post("/v1/evals/runs")
                .then()
                .statusCode(404)
                .body("detail", containsString("has no questions"));
        given().get("/v1/evals/runs/run-missing").then().statusCode(404);
    }
}
