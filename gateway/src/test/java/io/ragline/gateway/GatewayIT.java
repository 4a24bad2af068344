package io.ragline.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.ragline.contracts.EventJson;
import io.ragline.contracts.document.DocumentSubmitted;
import io.ragline.runtime.testing.KafkaTestResource;
import io.ragline.runtime.testing.PostgresTestResource;
import io.ragline.runtime.testing.ServiceEndpointsContract;
import io.ragline.runtime.testing.TestInfrastructure;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/** The gateway against the real broker and database the project starts itself. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class GatewayIT extends ServiceEndpointsContract {

    @Override
    protected String[] readinessChecks() {
        return new String[] {"Database connections health check", "Kafka connection health check"};
    }

    @Override
    protected String documentedPath() {
        return "/v1/documents";
    }

    @Test
    void aSubmittedDocumentLandsOnTheTopicKeyedByTenantAndId() {
        String id = "doc-" + UUID.randomUUID();
        given().contentType("application/json")
                .body("{\"id\":\"" + id + "\",\"title\":\"T\",\"text\":\"Hello Kafka.\"}")
                .post("/v1/documents")
                .then()
                .statusCode(202);

        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestInfrastructure.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "gateway-it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest");
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of("documents.submitted"));
            long deadline = System.currentTimeMillis() + 30_000;
            DocumentSubmitted found = null;
            String key = null;
            while (found == null && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    DocumentSubmitted event = EventJson.fromBytes(r.value(), DocumentSubmitted.class);
                    if (event.documentId().equals(id)) {
                        found = event;
                        key = r.key();
                    }
                }
            }
            assertThat(found).as("event for %s on documents.submitted", id).isNotNull();
            assertThat(key).isEqualTo("default/" + id);
            assertThat(found.inlineText()).isEqualTo("Hello Kafka.");
        }
    }

    @Test
    void statusOfAnUnknownDocumentIs404WithAReason() {
        given().get("/v1/documents/nope").then().statusCode(404).body("detail", containsString("no document 'nope'"));
    }
}
