package io.ragline.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.ragline.contracts.EventJson;
import io.ragline.contracts.document.DocumentSubmitted;
import io.ragline.gateway.chat.ChatStubs;
import io.ragline.gateway.document.ScriptedIngest;
import io.ragline.runtime.testing.KafkaTestResource;
import io.ragline.runtime.testing.PostgresTestResource;
import io.ragline.runtime.testing.ServiceEndpointsContract;
import io.ragline.runtime.testing.TestInfrastructure;
import io.ragline.runtime.testing.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The gateway against the real broker and database the project starts itself; ingest's intake API is scripted
 * ({@link ScriptedIngest}: no indexer runs, so accepted documents stay queued).
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(ChatStubs.class)
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

        ConsumerRecord<String, String> r = Topic.await(
                TestInfrastructure.kafka().bootstrapServers(),
                "documents.submitted",
                rec -> EventJson.fromJson(rec.value(), DocumentSubmitted.class)
                        .documentId()
                        .equals(id),
                Duration.ofSeconds(30));
        assertThat(r.key()).isEqualTo("default/" + id);
        assertThat(EventJson.fromJson(r.value(), DocumentSubmitted.class).inlineText())
                .isEqualTo("Hello Kafka.");
    }

    @Test
    void uploadedFilesAreStoredAndPublishedByClaimCheck() throws Exception {
        String id = "upload-" + UUID.randomUUID();
        given().multiPart("file", "notes.md", "# Notes\n\nUploads work.".getBytes(StandardCharsets.UTF_8))
                .multiPart("id", id)
                .multiPart("metadata", "{\"team\":\"docs\"}")
                .post("/v1/documents")
                .then()
                .statusCode(202)
                .body("documents[0].documentId", equalTo(id))
                .body("documents[0].fileName", equalTo("notes.md"))
                .body("documents[0].mediaType", startsWith("text/"));

        ConsumerRecord<String, String> r = Topic.await(
                TestInfrastructure.kafka().bootstrapServers(),
                "documents.submitted",
                rec -> rec.value().contains(id),
                Duration.ofSeconds(30));
        DocumentSubmitted event = EventJson.fromJson(r.value(), DocumentSubmitted.class);
        assertThat(event.inlineText()).isNull();
        assertThat(event.metadata()).containsEntry("team", "docs");
        // the body went to ingest's claim-check store before the event that references it
        ScriptedIngest.Stored stored = ScriptedIngest.CONTENTS.get(event.contentRef());
        assertThat(stored).isNotNull();
        assertThat(stored.tenant()).isEqualTo("default");
        assertThat(stored.fileName()).isEqualTo("notes.md");
        assertThat(new String(stored.bytes(), StandardCharsets.UTF_8)).contains("Uploads work.");
    }

    @Test
    void anUnsupportedFileIs415ListingWhatIsSupported() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
        given().multiPart("file", "diagram.png", png)
                .post("/v1/documents")
                .then()
                .statusCode(415)
                .body("detail", containsString("image/png"))
                .body("detail", containsString("application/pdf"));
    }

    @Test
    void aFileOverTheLimitIs413AndNothingIsStored() {
        given().multiPart("file", "big.txt", new byte[1_048_577])
                .post("/v1/documents")
                .then()
                .statusCode(413)
                .body("detail", containsString("the limit is 1048576"));
    }

    @Test
    void anIdWithSeveralFilesIsRefused() {
        given().multiPart("file", "a.txt", "a".getBytes(StandardCharsets.UTF_8))
                .multiPart("file", "b.txt", "b".getBytes(StandardCharsets.UTF_8))
                .multiPart("id", "one")
                .post("/v1/documents")
                .then()
                .statusCode(400)
                .body("detail", containsString("send one file with it"));
    }

    @Test
    void aBatchIsRecordedQueuedAndPublishedWithEachDocumentOnItsKey() {
        String prefix = "batch-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        StringBuilder body = new StringBuilder("{\"documents\":[");
        for (int i = 0; i < 50; i++) {
            body.append(i == 0 ? "" : ",")
                    .append("{\"id\":\"")
                    .append(prefix)
                    .append(i)
                    .append("\",\"title\":\"T\",\"text\":\"Batch text ")
                    .append(i)
                    .append(".\"}");
        }
        List<String> eventIds = given().contentType("application/json")
                .body(body.append("]}").toString())
                .post("/v1/documents/batch")
                .then()
                .statusCode(202)
                .extract()
                .jsonPath()
                .getList("documents.eventId", String.class);
        assertThat(eventIds).hasSize(50).doesNotHaveDuplicates();

        // every one recorded as queued by one call to ingest's intake API
        assertThat(ScriptedIngest.CALLS.stream().filter(c -> c.startsWith("POST /queued")))
                .isNotEmpty();
        for (int i : new int[] {0, 24, 49}) {
            given().get("/v1/documents/" + prefix + i)
                    .then()
                    .statusCode(200)
                    .body("status", equalTo("queued"))
                    .body("stages.queued", notNullValue());
        }
        ConsumerRecord<String, String> last = Topic.await(
                TestInfrastructure.kafka().bootstrapServers(),
                "documents.submitted",
                rec -> rec.value().contains(eventIds.get(49)),
                Duration.ofSeconds(30));
        assertThat(last.key()).isEqualTo("default/" + prefix + 49);
        assertThat(EventJson.fromJson(last.value(), DocumentSubmitted.class).inlineText())
                .isEqualTo("Batch text 49.");
    }

    @Test
    void anAcceptedDocumentIsQueuedAndListedByStatusPageByPage() {
        String prefix = "list-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        for (int i = 0; i < 3; i++) {
            given().contentType("application/json")
                    .body("{\"id\":\"" + prefix + i + "\",\"title\":\"T\",\"text\":\"Queued text " + i + ".\"}")
                    .post("/v1/documents")
                    .then()
                    .statusCode(202)
                    .body("status", equalTo("queued"));
        }
        // no ingest runs in this test: the documents stay queued, with the time they were accepted
        given().get("/v1/documents/" + prefix + "0")
                .then()
                .statusCode(200)
                .body("status", equalTo("queued"))
                .body("stages.queued", notNullValue())
                .body("stages.indexed", nullValue());

        List<String> seen = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            var page = given().queryParam("status", "queued")
                    .queryParam("limit", 2)
                    .queryParam("after", after == null ? "" : after)
                    .get("/v1/documents")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            List<String> ids = page.getList("documents.documentId", String.class);
            assertThat(ids.size()).isLessThanOrEqualTo(2);
            assertThat(page.getList("documents.status", String.class)).containsOnly("queued");
            seen.addAll(ids);
            after = page.getString("next");
            pages++;
        } while (after != null && pages < 1000);
        assertThat(seen).contains(prefix + "0", prefix + "1", prefix + "2").doesNotHaveDuplicates();

        given().queryParam("status", "indexed")
                .get("/v1/documents")
                .then()
                .statusCode(200)
                .body("documents.documentId", not(hasItem(prefix + "0")));
        given().queryParam("status", "ready")
                .get("/v1/documents")
                .then()
                .statusCode(400)
                .body("detail", containsString("unknown status 'ready'"));
        given().queryParam("limit", 0).get("/v1/documents").then().statusCode(400);
        // ingest's refusal reaches the caller with ingest's reason
        given().queryParam("after", "nonsense")
                .get("/v1/documents")
                .then()
                .statusCode(400)
                .body("detail", containsString("'next' value"));
    }

    @Test
    void aDocumentIdWithSlashesIsAskedOfIngestAsItIs() {
        String id = "folder/" + UUID.randomUUID() + "/notes.md";
        given().contentType("application/json")
                .body("{\"id\":\"" + id + "\",\"title\":\"Notes\",\"text\":\"Nested.\"}")
                .post("/v1/documents")
                .then()
                .statusCode(202);
        given().get("/v1/documents/" + id)
                .then()
                .statusCode(200)
                .body("documentId", equalTo(id))
                .body("title", equalTo("Notes"));
    }

    @Test
    void statusOfAnUnknownDocumentIs404WithAReason() {
        given().get("/v1/documents/nope").then().statusCode(404).body("detail", containsString("no document 'nope'"));
    }
}
