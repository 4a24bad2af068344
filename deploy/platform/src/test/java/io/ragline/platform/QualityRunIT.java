package io.ragline.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ragline.model.testing.ScriptedModelServer;
import io.ragline.model.testing.ScriptedModelServer.Reply;
import io.ragline.runtime.Home;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A nightly quality run end to end on the packaged platform: documents ingested through the gateway, a golden set
 * registered with the judge, the run asking every question through the gateway's public chat API (the gateway and the
 * judge both talking to a scripted model server), scored on references, sources and the RAGAS metrics; then the
 * answerer degrades and the next run is marked regressed against the first.
 */
class QualityRunIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[][] DOCS = {
        {"travel", "Travel policy", "Trains are preferred over planes for trips under five hours."},
        {"laptops", "Equipment", "Every employee receives a laptop with 32 GB of memory."},
        {"leave", "Leave policy", "Employees have twenty-five days of paid leave per year."}
    };
    private static final String GOLDEN = """
            {"question":"Which transport is preferred for trips under five hours?","reference_answer":"Trains","relevant_doc_ids":["travel"]}
            {"question":"How much memory do employee laptops have?","reference_answer":"32 GB","relevant_doc_ids":["laptops"]}
            {"question":"How many days of paid leave do employees have?","reference_answer":"twenty-five days","relevant_doc_ids":["leave"]}
            """;

    @TempDir
    Path data;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aRunIsScoredThroughTheGatewayAndADegradedAnswererIsCaught() throws Exception {
        AtomicBoolean degraded = new AtomicBoolean();
        try (ScriptedModelServer model = ScriptedModelServer.start(r -> answer(r, degraded.get()))) {
            Settings settings = Settings.from(Home.locate(), FreePorts.settings(data.resolve("data")));
            try (Platform platform = new Platform(settings)
                    .withEnv("gateway", "GATEWAY_MODEL_BASE_URL", model.baseUrl())
                    .withEnv("judge", "JUDGE_MODEL_BASE_URL", model.baseUrl())
                    .start(line -> {})) {
                String gateway = platform.url("gateway");
                String judge = platform.url("judge");
                for (String[] d : DOCS) {
                    send(
                            "POST",
                            gateway + "/v1/documents",
                            "application/json",
                            JSON.createObjectNode()
                                    .put("id", d[0])
                                    .put("title", d[1])
                                    .put("text", d[2])
                                    .toString());
                }
                for (String[] d : DOCS) {
                    awaitIndexed(gateway, d[0]);
                }
                assertThat(send("POST", judge + "/v1/evals/datasets/handbook", "text/plain", GOLDEN)
                                .path("questions")
                                .asInt())
                        .isEqualTo(3);

                JsonNode good = run(judge);
                assertThat(good.path("status").asText()).as(good.toString()).isEqualTo("completed");
                JsonNode summary = good.path("summary");
                assertThat(summary.path("recall_at_5").path("mean").asDouble()).isEqualTo(1.0);
                assertThat(summary.path("token_f1").path("mean").asDouble()).isGreaterThan(0.3);
                assertThat(summary.path("faithfulness").path("mean").asDouble()).isEqualTo(1.0);
                assertThat(summary.path("context_recall").path("mean").asDouble())
                        .isEqualTo(1.0);
                assertThat(summary.has("answer_relevancy")).isTrue();
                assertThat(summary.has("context_precision")).isTrue();
                assertThat(good.path("metadata")
                                .path("modes")
                                .path("generative")
                                .asInt())
                        .isEqualTo(3);
                assertThat(good.path("metadata").path("judgeModels").size())
                        .as("the judge model is recorded")
                        .isEqualTo(1);

                degraded.set(true);
                JsonNode bad = run(judge);
                assertThat(bad.path("status").asText()).isEqualTo("completed");
                assertThat(bad.path("regressed").asBoolean()).as(bad.toString()).isTrue();
                assertThat(bad.path("reason").asText()).contains("token_f1 fell by");
                assertThat(bad.path("summary").path("faithfulness").path("mean").asDouble())
                        .isLessThan(1.0);
            }
        }
    }

    /** The chat answers from its sources (or, degraded, evades); the judge prompts get their JSON. */
    private static Reply answer(ScriptedModelServer.Request r, boolean degraded) {
        String system = r.system();
        String user = r.user();
        if (system.startsWith("You are ragline")) {
            if (degraded) {
                return Reply.text("I am not sure about that.");
            }
            for (String[] d : DOCS) {
                if (user.contains(d[2])) {
                    return Reply.text(d[2] + " [1]");
                }
            }
            return Reply.text("The documents do not say.");
        }
        boolean evasive = user.contains("not sure") || user.contains("unsure");
        if (system.startsWith("Break the answer")) {
            return Reply.text(
                    "{\"statements\":[\"" + (evasive ? "The speaker is unsure." : "The answer holds.") + "\"]}");
        }
        if (system.startsWith("Judge whether each statement")) {
            return Reply.text(
                    "{\"verdicts\":[{\"statement\":\"s\",\"reason\":\"r\",\"verdict\":" + (evasive ? 0 : 1) + "}]}");
        }
        if (system.startsWith("Write the questions")) {
            return Reply.text("{\"questions\":[\"What does the policy say?\",\"What is the rule?\",\"What applies?\"],"
                    + "\"noncommittal\":" + (evasive ? 1 : 0) + "}");
        }
        if (system.startsWith("Given a question, an answer to it and numbered passages")) {
            int passages = user.split("<passage n=", -1).length - 1;
            StringBuilder v = new StringBuilder("{\"verdicts\":[");
            for (int i = 1; i <= passages; i++) {
                v.append(i > 1 ? "," : "")
                        .append("{\"passage\":")
                        .append(i)
                        .append(",\"reason\":\"r\",\"verdict\":")
                        .append(i == 1 ? 1 : 0)
                        .append('}');
            }
            return Reply.text(v.append("]}").toString());
        }
        if (system.startsWith("Given a context and a reference answer")) {
            return Reply.text("{\"classifications\":[{\"statement\":\"s\",\"reason\":\"r\",\"attributed\":1}]}");
        }
        return Reply.error(
                400, "unexpected prompt: " + system.lines().findFirst().orElse(""));
    }

    private JsonNode run(String judge) throws Exception {
        String id = send("POST", judge + "/v1/evals/runs", "application/json", "{\"dataset\":\"handbook\"}")
                .path("id")
                .asText();
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        JsonNode run = null;
        while (System.nanoTime() < deadline) {
            run = send("GET", judge + "/v1/evals/runs/" + id, null, null);
            if (!run.path("status").asText().equals("running")) {
                return run;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("run " + id + " did not finish: " + run);
    }

    private void awaitIndexed(String gateway, String id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        String doc = null;
        while (System.nanoTime() < deadline) {
            doc = http.send(
                            HttpRequest.newBuilder(URI.create(gateway + "/v1/documents/" + id))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            if (doc.contains("\"status\":\"indexed\"")) {
                return;
            }
            Thread.sleep(300);
        }
        throw new AssertionError("document " + id + " was not indexed: " + doc);
    }

    private JsonNode send(String method, String url, String type, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (body != null) {
            b.header("Content-Type", type).method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        HttpResponse<String> response = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode())
                .as(method + " " + url + ": " + response.body())
                .isBetween(200, 299);
        return JSON.readTree(response.body());
    }
}
