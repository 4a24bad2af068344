package io.ragline.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.ragline.runtime.Ports;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Readiness really asks the database and the broker: with neither reachable, the gateway is not ready. */
@QuarkusTest
@TestProfile(ReadinessTest.NothingReachable.class)
class ReadinessTest {

    public static class NothingReachable implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            int closed = Ports.freePort();
            return Map.of(
                    "quarkus.datasource.jdbc.url",
                    "jdbc:postgresql://127.0.0.1:" + closed + "/postgres",
                    "kafka.bootstrap.servers",
                    "127.0.0.1:" + closed,
                    // Quarkus's Kafka check waits for the admin client's API timeout: keep the test short
                    "kafka.default.api.timeout.ms",
                    "3000",
                    "kafka.request.timeout.ms",
                    "2000",
                    // a submission gives up on the broker after 2 s instead of the producer's 60, and on the
                    // database (its best-effort stage record) after 1 s
                    "mp.messaging.outgoing.documents-submitted.max.block.ms",
                    "2000",
                    "quarkus.datasource.jdbc.acquisition-timeout",
                    "1S");
        }
    }

    @Test
    void readinessIsDownAndNamesTheDatabaseAndKafka() {
        given().get("/q/health/ready")
                .then()
                .statusCode(503)
                .body("status", equalTo("DOWN"))
                .body("checks.findAll { it.status == 'DOWN' }.name", hasItem("Database connections health check"))
                .body("checks.findAll { it.status == 'DOWN' }.name", hasItem("Kafka connection health check"));
    }

    @Test
    void aSubmissionTheBrokerDoesNotTakeIsRefusedAndABatchSaysForEachDocument() {
        given().contentType("application/json")
                .body("{\"id\":\"one\",\"text\":\"Some text.\"}")
                .post("/v1/documents")
                .then()
                .statusCode(503)
                .body("detail", containsString("the event broker did not accept the document"));

        given().contentType("application/json")
                .body("{\"documents\":[{\"id\":\"a\",\"text\":\"Alpha.\"},{\"id\":\"b\",\"text\":\"Beta.\"}]}")
                .post("/v1/documents/batch")
                .then()
                .statusCode(207)
                .body("documents.documentId", contains("a", "b"))
                .body("documents.status", everyItem(equalTo("failed")))
                .body("documents.reason", everyItem(containsString("the event broker did not accept the document")));
    }

    @Test
    void livenessStaysUpSoTheProcessIsNotRestartedForSomeoneElsesOutage() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }
}
