package io.ragline.gateway.document;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.ragline.contracts.document.DocumentDeleted;
import io.ragline.contracts.document.DocumentSubmitted;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import io.smallrye.reactive.messaging.memory.InMemorySink;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import java.util.List;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(InMemoryChannels.class)
@WithTestResource(ScriptedIngest.class)
class DocumentResourceTest {

    @Inject
    @Any
    InMemoryConnector connector;

    @BeforeEach
    void clear() {
        connector.sink(DocumentResource.SUBMITTED_CHANNEL).clear();
        connector.sink(DocumentResource.DELETED_CHANNEL).clear();
    }

    @Test
    void aTextDocumentIsAcceptedAtOnceAndPublishedKeyedByTenantAndId() {
        given().contentType("application/json")
                .body("{\"id\":\"handbook\",\"title\":\"Handbook\",\"text\":\"Vacation is 30 days.\","
                        + "\"metadata\":{\"team\":\"hr\"}}")
                .post("/v1/documents")
                .then()
                .statusCode(202)
                .body("documentId", equalTo("handbook"))
                .body("status", equalTo("queued"));

        InMemorySink<DocumentSubmitted> sink = connector.sink(DocumentResource.SUBMITTED_CHANNEL);
        List<? extends Message<DocumentSubmitted>> sent = sink.received();
        assertThat(sent).hasSize(1);
        DocumentSubmitted event = sent.get(0).getPayload();
        assertThat(event.tenant()).isEqualTo("default");
        assertThat(event.inlineText()).isEqualTo("Vacation is 30 days.");
        assertThat(event.metadata()).containsEntry("team", "hr");
        assertThat(event.contentHash()).hasSize(64);
        assertThat(sent.get(0).getMetadata(OutgoingKafkaRecordMetadata.class))
                .hasValueSatisfying(m -> assertThat(m.getKey()).isEqualTo("default/handbook"));
    }

    @Test
    void aBatchIsAcceptedInOneRequestAndEachDocumentPublishedKeyedByItsId() {
        given().contentType("application/json")
                .body("{\"documents\":[{\"id\":\"a\",\"title\":\"A\",\"text\":\"Alpha text.\"},"
                        + "{\"text\":\"No id given.\"},"
                        + "{\"id\":\"c\",\"text\":\"Gamma text.\",\"metadata\":{\"team\":\"ops\"}}]}")
                .post("/v1/documents/batch")
                .then()
                .statusCode(202)
                .body("documents.size()", equalTo(3))
                .body("documents[0].documentId", equalTo("a"))
                .body("documents[0].status", equalTo("queued"))
                .body("documents[2].documentId", equalTo("c"))
                .body("documents.status", org.hamcrest.Matchers.everyItem(equalTo("queued")));
        // recorded as queued with ingest before publishing
        assertThat(ScriptedIngest.DOCUMENTS).containsKeys("default/a", "default/c");
        assertThat(ScriptedIngest.DOCUMENTS.get("default/a").path("title").asText())
                .isEqualTo("A");

        List<? extends Message<DocumentSubmitted>> sent = connector
                .<DocumentSubmitted>sink(DocumentResource.SUBMITTED_CHANNEL)
                .received();
        assertThat(sent).hasSize(3);
        assertThat(sent)
                .extracting(m -> m.getMetadata(OutgoingKafkaRecordMetadata.class)
                        .orElseThrow()
                        .getKey())
                .containsExactlyInAnyOrder(
                        "default/a",
                        "default/"
                                + sent.stream()
                                        .map(Message::getPayload)
                                        .filter(e -> e.inlineText().equals("No id given."))
                                        .findFirst()
                                        .orElseThrow()
                                        .documentId(),
                        "default/c");
        assertThat(sent)
                .extracting(m -> m.getPayload().inlineText())
                .containsExactlyInAnyOrder("Alpha text.", "No id given.", "Gamma text.");
        assertThat(sent.stream()
                        .map(Message::getPayload)
                        .filter(e -> e.documentId().equals("c")))
                .singleElement()
                .satisfies(e -> assertThat(e.metadata()).containsEntry("team", "ops"));
    }

    @Test
    void aBatchWithAnyInvalidDocumentIsRefusedWholeWithEveryReasonAndNothingIsPublished() {
        given().contentType("application/json")
                .body("{\"documents\":[{\"id\":\"a\",\"text\":\"fine\"},{\"id\":\"b\",\"text\":\" \"},"
                        + "{\"id\":\"a\",\"text\":\"again\"},{\"id\":\"bad id!\",\"text\":\"x\"}]}")
                .post("/v1/documents/batch")
                .then()
                .statusCode(400)
                .body("detail", containsString("nothing was accepted; 3 invalid"))
                .body("detail", containsString("documents[1]: text is required and must not be blank"))
                .body("detail", containsString("documents[2]: id 'a' is also documents[0]"))
                .body("detail", containsString("documents[3]: id must be"));

        given().contentType("application/json")
                .body("{\"documents\":[]}")
                .post("/v1/documents/batch")
                .then()
                .statusCode(400)
                .body("detail", containsString("documents"));

        StringBuilder many = new StringBuilder("{\"documents\":[");
        for (int i = 0; i <= 1000; i++) {
            many.append(i == 0 ? "" : ",").append("{\"text\":\"t\"}");
        }
        given().contentType("application/json")
                .body(many.append("]}").toString())
                .post("/v1/documents/batch")
                .then()
                .statusCode(413)
                .body("detail", containsString("1001 documents; at most 1000"));

        assertThat(connector.sink(DocumentResource.SUBMITTED_CHANNEL).received())
                .isEmpty();
    }

    @Test
    void aDocumentWithoutIdGetsOne() {
        String id = given().contentType("application/json")
                .body("{\"text\":\"Some text.\"}")
                .post("/v1/documents")
                .then()
                .statusCode(202)
                .extract()
                .path("documentId");

        assertThat(id).isNotBlank();
        InMemorySink<DocumentSubmitted> sink = connector.sink(DocumentResource.SUBMITTED_CHANNEL);
        assertThat(sink.received().get(0).getPayload().title()).isEqualTo(id);
    }

    @Test
    void blankTextIsRefusedWithAReasonAndNothingIsPublished() {
        given().contentType("application/json")
                .body("{\"title\":\"empty\",\"text\":\"  \"}")
                .post("/v1/documents")
                .then()
                .statusCode(400)
                .contentType(containsString("application/problem+json"))
                .body("detail", containsString("text is required"));

        assertThat(connector.sink(DocumentResource.SUBMITTED_CHANNEL).received())
                .isEmpty();
    }

    @Test
    void tooLargeTextIsRefusedWith413NamingTheLimit() {
        String big = "x".repeat(1_048_577);
        given().contentType("application/json")
                .body("{\"text\":\"" + big + "\"}")
                .post("/v1/documents")
                .then()
                .statusCode(413)
                .body("detail", containsString("the limit is 1048576"));
    }

    @Test
    void anInvalidIdIsRefused() {
        given().contentType("application/json")
                .body("{\"id\":\"a b\",\"text\":\"t\"}")
                .post("/v1/documents")
                .then()
                .statusCode(400)
                .body("detail", containsString("id must be"));
    }

    @Test
    void deleteIsPublishedKeyedLikeTheSubmission() {
        given().delete("/v1/documents/handbook").then().statusCode(202).body("status", equalTo("deleting"));

        InMemorySink<DocumentDeleted> sink = connector.sink(DocumentResource.DELETED_CHANNEL);
        assertThat(sink.received()).hasSize(1);
        assertThat(sink.received().get(0).getPayload().partitionKey()).isEqualTo("default/handbook");
    }
}
