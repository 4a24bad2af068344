package io.ragline.gateway.research;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.ragline.gateway.chat.ChatStubs;
import io.ragline.runtime.testing.KafkaTestResource;
import io.ragline.runtime.testing.PostgresTestResource;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The research API in front of the agents, which own the jobs (here a scripted agents API the test plays): requests
 * are checked with reasons, a job is created through the agents with the gateway's limits, read back, followed as
 * Server-Sent Events while the job moves on, and cancelled.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(ChatStubs.class)
@WithTestResource(ScriptedAgents.class)
class ResearchApiIT {

    @Test
    void badRequestsAreRefusedWithTheReason() {
        post("{}").then().statusCode(400).body("detail", containsString("question is required"));
        post("{\"question\":\"q\",\"breadth\":99}")
                .then()
                .statusCode(400)
                .body("detail", equalTo("breadth must be between 1 and 8, was 99"));
        post("{\"question\":\"q\",\"depth\":0}").then().statusCode(400).body("detail", containsString("depth"));
        post("{\"question\":\"q\",\"filters\":[1]}")
                .then()
                .statusCode(400)
                .body("detail", containsString("filters must be an object"));
        post("{\"question\":\"q\",\"id\":\"../etc\"}").then().statusCode(400).body("detail", containsString("id may"));
        given().get("/v1/research/nope").then().statusCode(404).body("detail", containsString("does not exist"));
    }

    @Test
    void aJobIsCreatedThroughTheAgentsWithTheLimitsAndARepeatReturnsIt() {
        String id = "r-" + UUID.randomUUID();
        String body = "{\"id\":\"" + id + "\",\"question\":\"How do consumers share partitions?\",\"breadth\":2,"
                + "\"depth\":2,\"filters\":{\"source\":\"api\"}}";

        post(body)
                .then()
                .statusCode(202)
                .header("Location", "/v1/research/" + id)
                .body("status", equalTo("queued"))
                .body("links.events", equalTo("/v1/research/" + id + "/events"));
        JsonNode created = ScriptedAgents.CREATED.get(ScriptedAgents.CREATED.size() - 1);
        assertThat(created.path("question").asText()).isEqualTo("How do consumers share partitions?");
        assertThat(created.path("breadth").asInt()).isEqualTo(2);
        assertThat(created.path("depth").asInt()).isEqualTo(2);
        assertThat(created.path("maxSources").asInt()).isEqualTo(20);
        assertThat(created.path("maxSteps").asInt()).isEqualTo(60);
        assertThat(created.path("maxTimeSeconds").asLong()).isPositive();
        assertThat(created.path("tenant").asText()).isNotBlank();
        assertThat(created.path("filters").path("source").asText()).isEqualTo("api");

        post(body).then().statusCode(200).body("id", equalTo(id));
        given().get("/v1/research/" + id)
                .then()
                .statusCode(200)
                .body("status", equalTo("queued"))
                .body("budget.steps", equalTo(60))
                .body("progress.totalSteps", equalTo(0));
        given().get("/v1/research/" + id + "/report")
                .then()
                .statusCode(409)
                .body("detail", containsString("no report"));
    }

    @Test
    void anIdOfAnotherTenantsJobIsTakenAndHidden() {
        String id = "r-" + UUID.randomUUID();
        ScriptedAgents.TENANTS.put(id, "someone-else");
        post("{\"id\":\"" + id + "\",\"question\":\"Mine?\"}")
                .then()
                .statusCode(409)
                .body("detail", containsString("is taken"));
        given().get("/v1/research/" + id).then().statusCode(404);
    }

    @Test
    void theEventsFollowTheJobToItsReport() throws Exception {
        String id = "r-" + UUID.randomUUID();
        post("{\"id\":\"" + id + "\",\"question\":\"Why?\"}").then().statusCode(202);
        CompletableFuture<Void> agents = CompletableFuture.runAsync(() -> {
            try {
                Thread.sleep(700);
                ScriptedAgents.update(id, job -> {
                    job.put("status", "researching").put("mode", "model");
                    job.withArray("steps")
                            .addObject()
                            .put("stepId", "research-1-1")
                            .put("kind", "research")
                            .put("question", "Why exactly?")
                            .put("status", "pending");
                    job.putObject("progress")
                            .put("stage", "researching")
                            .put("completedSteps", 0)
                            .put("totalSteps", 1);
                });
                Thread.sleep(700);
                ScriptedAgents.update(id, job -> {
                    ((com.fasterxml.jackson.databind.node.ObjectNode)
                                    job.withArray("steps").get(0))
                            .put("status", "done");
                    job.put("status", "completed").put("reportMarkdown", "# Why\n\nBecause [1].");
                    job.putObject("progress")
                            .put("stage", "completed")
                            .put("completedSteps", 1)
                            .put("totalSteps", 1);
                });
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        String stream = given().accept("text/event-stream")
                .get("/v1/research/" + id + "/events")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        agents.join();

        assertThat(stream)
                .contains("event: progress\ndata: {\"stage\":\"queued\"")
                .contains("\"stage\":\"researching\",\"completedSteps\":0,\"totalSteps\":1")
                .contains("event: step\ndata: {\"stepId\":\"research-1-1\"")
                .contains("event: done");
        assertThat(stream.indexOf("event: step")).isLessThan(stream.indexOf("event: done"));
        assertThat(stream.substring(stream.indexOf("event: done"))).contains("Because [1].");
        given().get("/v1/research/" + id + "/report")
                .then()
                .statusCode(200)
                .contentType(containsString("text/markdown"))
                .body(equalTo("# Why\n\nBecause [1]."));
    }

    @Test
    void aQueuedJobIsCancelledAtOnceAndAFinishedOneCannotBe() {
        String id = given().contentType("application/json")
                .body("{\"question\":\"Anything?\"}")
                .post("/v1/research")
                .then()
                .statusCode(202)
                .extract()
                .path("id");

        given().delete("/v1/research/" + id).then().statusCode(202).body("status", equalTo("cancelled"));
        given().delete("/v1/research/" + id).then().statusCode(409).body("detail", containsString("finished"));
        given().delete("/v1/research/unknown-job").then().statusCode(404);
    }

    private static io.restassured.response.Response post(String body) {
        return given().contentType("application/json").body(body).post("/v1/research");
    }
}
