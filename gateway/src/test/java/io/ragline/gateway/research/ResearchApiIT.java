package io.ragline.gateway.research;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.ragline.contracts.EventJson;
import io.ragline.contracts.research.ResearchRequested;
import io.ragline.gateway.chat.ChatStubs;
import io.ragline.runtime.testing.KafkaTestResource;
import io.ragline.runtime.testing.PostgresTestResource;
import io.ragline.runtime.testing.TestInfrastructure;
import io.ragline.runtime.testing.Topic;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The research API on the real broker and database: requests are checked with reasons, a job is stored and published
 * on research.requested, read back, followed as Server-Sent Events while (here) the test plays the agents, and
 * cancelled.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(ChatStubs.class)
class ResearchApiIT {

    @Inject
    AgroalDataSource dataSource;

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
    void aJobIsStoredPublishedAndReadBackAndARepeatReturnsIt() {
        String id = "r-" + UUID.randomUUID();
        String body = "{\"id\":\"" + id + "\",\"question\":\"How do consumers share partitions?\",\"breadth\":2,"
                + "\"depth\":2,\"filters\":{\"source\":\"api\"}}";

        post(body)
                .then()
                .statusCode(202)
                .header("Location", "/v1/research/" + id)
                .body("status", equalTo("queued"))
                .body("links.events", equalTo("/v1/research/" + id + "/events"));
        var record = Topic.await(
                TestInfrastructure.kafka().bootstrapServers(),
                "research.requested",
                r -> r.key().equals(id),
                Duration.ofSeconds(30));
        ResearchRequested event = EventJson.fromJson(record.value(), ResearchRequested.class);
        assertThat(event.breadth()).isEqualTo(2);
        assertThat(event.depth()).isEqualTo(2);
        assertThat(event.maxSources()).isEqualTo(20);
        assertThat(event.filters()).containsEntry("source", "api");

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
    void theEventsFollowTheJobToItsReport() throws Exception {
        String id = "r-" + UUID.randomUUID();
        post("{\"id\":\"" + id + "\",\"question\":\"Why?\"}").then().statusCode(202);
        CompletableFuture<Void> agents = CompletableFuture.runAsync(() -> {
            try {
                Thread.sleep(700);
                sql("UPDATE research_jobs SET status = 'researching', mode = 'model' WHERE id = '" + id + "'");
                sql("INSERT INTO research_steps (job_id, step_id, kind, question) VALUES ('" + id
                        + "', 'research-1-1', 'research', 'Why exactly?')");
                Thread.sleep(700);
                sql("UPDATE research_steps SET status = 'done' WHERE job_id = '" + id + "'");
                sql("UPDATE research_jobs SET status = 'completed', report_markdown = '# Why\n\nBecause [1].',"
                        + " finished_at = now() WHERE id = '" + id + "'");
            } catch (Exception e) {
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

    private void sql(String statement) throws Exception {
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement()) {
            st.executeUpdate(statement);
        }
    }
}
