package io.ragline.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import com.pgvector.PGvector;
import dev.langchain4j.model.embedding.EmbeddingModel;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.ragline.contracts.EventJson;
import io.ragline.contracts.document.ContentHash;
import io.ragline.contracts.document.DocumentDeleted;
import io.ragline.contracts.document.DocumentFailed;
import io.ragline.contracts.document.DocumentIndexed;
import io.ragline.contracts.document.DocumentSubmitted;
import io.ragline.ingest.parse.Fixtures;
import io.ragline.ingest.retention.ClaimCheckSweeper;
import io.ragline.runtime.testing.KafkaTestResource;
import io.ragline.runtime.testing.PostgresTestResource;
import io.ragline.runtime.testing.ServiceEndpointsContract;
import io.ragline.runtime.testing.TestInfrastructure;
import io.ragline.runtime.testing.Topic;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/** The indexing pipeline through the real broker into the real pgvector database, with the real ONNX model. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class IngestIT extends ServiceEndpointsContract {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    AgroalDataSource dataSource;

    @Inject
    EmbeddingModel embeddingModel;

    @Inject
    ClaimCheckSweeper sweeper;

    @Override
    protected String[] readinessChecks() {
        return new String[] {"Database connections health check", "Kafka connection health check"};
    }

    @Override
    protected String documentedPath() {
        return null;
    }

    @Test
    void aSubmittedDocumentBecomesSearchableChunksAndAResubmissionEmbedsNothing() throws Exception {
        String id = "handbook-" + UUID.randomUUID();
        String text = "Employees get thirty days of paid vacation per year.\n\n"
                + "Expense reports must be filed within two weeks, with receipts attached.";
        DocumentSubmitted first = submit(id, text);

        DocumentIndexed indexed = awaitIndexed(first.eventId());
        assertThat(indexed.chunkCount()).isPositive();
        assertThat(indexed.embeddedChunks()).isEqualTo(indexed.chunkCount());
        assertThat(indexed.embeddingModel()).isEqualTo("bge-small-en-v1.5-q");

        // nearest chunk to a paraphrased question, through the HNSW cosine index
        float[] query =
                embeddingModel.embed("How much vacation do I get?").content().vector();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT content, start_offset, end_offset FROM chunks"
                        + " WHERE tenant = 'acme' AND document_id = ? ORDER BY embedding <=> ? LIMIT 1")) {
            ps.setString(1, id);
            ps.setObject(2, new PGvector(query));
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).contains("thirty days of paid vacation");
                assertThat(text.substring(rs.getInt(2), rs.getInt(3))).isEqualTo(rs.getString(1));
            }
        }

        DocumentSubmitted again = submit(id, text);
        DocumentIndexed second = awaitIndexed(again.eventId());
        assertThat(second.embeddedChunks()).isZero();
        assertThat(second.reusedChunks()).isEqualTo(indexed.chunkCount());
    }

    @Test
    void aQueuedDocumentMovesThroughParsingAndEmbeddingToIndexedWithTheTimeOfEachStage() {
        // a document id may hold '/' (a folder's relative path): it travels in the intake API's path as it is
        String id = "stages/" + UUID.randomUUID() + "/notes.md";
        // what the gateway records when it accepts a submission
        given().contentType("application/json")
                .queryParam("tenant", "acme")
                .body("[{\"documentId\":\"" + id + "\",\"title\":\"Notes\",\"source\":\"api\","
                        + "\"mediaType\":\"text/plain\",\"sizeBytes\":25}]")
                .post("/v1/intake/queued")
                .then()
                .statusCode(204);
        given().queryParam("tenant", "acme")
                .get("/v1/intake/documents/" + id)
                .then()
                .statusCode(200)
                .body("status", equalTo("queued"))
                .body("title", equalTo("Notes"))
                .body("stages.queued", notNullValue())
                .body("stages.parsing", nullValue());
        DocumentSubmitted event = submit(id, "A paragraph about stages.");
        awaitIndexed(event.eventId());

        var status = given().queryParam("tenant", "acme")
                .get("/v1/intake/documents/" + id)
                .then()
                .statusCode(200)
                .body("documentId", equalTo(id))
                .body("status", equalTo("indexed"))
                .body("chunkCount", equalTo(1))
                .body("stages.failed", nullValue())
                .extract()
                .jsonPath();
        Instant queued = Instant.parse(status.getString("stages.queued"));
        Instant parsing = Instant.parse(status.getString("stages.parsing"));
        Instant embedding = Instant.parse(status.getString("stages.embedding"));
        Instant indexedAt = Instant.parse(status.getString("stages.indexed"));
        assertThat(queued).as("queued, then parsing").isBeforeOrEqualTo(parsing);
        assertThat(parsing).as("parsing, then embedding").isBeforeOrEqualTo(embedding);
        assertThat(embedding).as("embedding, then indexed").isBeforeOrEqualTo(indexedAt);
        // the other tenant sees nothing of it
        given().queryParam("tenant", "other")
                .get("/v1/intake/documents/" + id)
                .then()
                .statusCode(404)
                .body("detail", containsString("no document"));
    }

    @Test
    void theIntakeApiListsPagesTellsWhichSubmissionsWereAppliedAndRecordsRefusals() {
        String tenant = "intake-" + UUID.randomUUID();
        StringBuilder queued = new StringBuilder("[");
        for (int i = 0; i < 5; i++) {
            queued.append(i == 0 ? "" : ",")
                    .append("{\"documentId\":\"d")
                    .append(i)
                    .append("\",\"title\":\"D\",\"source\":\"api\",\"mediaType\":\"text/plain\",\"sizeBytes\":1}");
        }
        given().contentType("application/json")
                .queryParam("tenant", tenant)
                .body(queued.append("]").toString())
                .post("/v1/intake/queued")
                .then()
                .statusCode(204);

        // five documents, two per page, no repeats
        List<String> seen = new java.util.ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            var page = given().queryParam("tenant", tenant)
                    .queryParam("stage", "queued")
                    .queryParam("limit", 2)
                    .queryParam("after", after == null ? "" : after)
                    .get("/v1/intake/documents")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            seen.addAll(page.getList("documents.documentId", String.class));
            after = page.getString("next");
            pages++;
        } while (after != null && pages < 10);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyInAnyOrder("d0", "d1", "d2", "d3", "d4");

        // a refused publication fails the queued submission with the reason
        given().contentType("application/json")
                .queryParam("tenant", tenant)
                .body("{\"documentId\":\"d1\",\"reason\":\"the event broker did not accept the document: down\"}")
                .post("/v1/intake/not-published")
                .then()
                .statusCode(204);
        given().queryParam("tenant", tenant)
                .get("/v1/intake/documents/d1")
                .then()
                .statusCode(200)
                .body("status", equalTo("failed"))
                .body("reason", containsString("did not accept"))
                .body("stages.failed", notNullValue());

        // an event the indexer applied is reported processed, one it never saw is not; the request's order is kept
        DocumentSubmitted applied = submit("applied-" + UUID.randomUUID(), "An applied submission.");
        awaitIndexed(applied.eventId());
        given().contentType("application/json")
                .queryParam("tenant", "acme")
                .body("[{\"documentId\":\"never\",\"eventId\":\"" + UUID.randomUUID() + "\"},"
                        + "{\"documentId\":\"" + applied.documentId() + "\",\"eventId\":\"" + applied.eventId()
                        + "\"}]")
                .post("/v1/intake/submissions")
                .then()
                .statusCode(200)
                .body("documentId", contains("never", applied.documentId()))
                .body("processed", contains(false, true))
                .body("status[1]", equalTo("indexed"));

        // refusals carry a reason
        given().queryParam("tenant", tenant)
                .queryParam("stage", "ready")
                .get("/v1/intake/documents")
                .then()
                .statusCode(400)
                .body("detail", containsString("unknown status 'ready'"));
        given().queryParam("tenant", tenant)
                .queryParam("after", "nonsense")
                .get("/v1/intake/documents")
                .then()
                .statusCode(400)
                .body("detail", containsString("'next' value"));
        given().get("/v1/intake/documents").then().statusCode(400).body("detail", containsString("tenant"));
    }

    @Test
    void aRedeliveredEventIsAppliedOnce() throws Exception {
        String id = "once-" + UUID.randomUUID();
        DocumentSubmitted event = submit(id, "A single paragraph that is indexed once.");
        DocumentIndexed first = awaitIndexed(event.eventId());

        Topic.send(bootstrap(), "documents.submitted", event.partitionKey(), EventJson.toJson(event));
        String marker = submit("after-" + UUID.randomUUID(), "A later document on another key.")
                .eventId();
        awaitIndexed(marker);

        assertThat(count("SELECT count(*) FROM processed_events WHERE event_id = '" + event.eventId() + "'"))
                .isEqualTo(1);
        assertThat(count("SELECT count(*) FROM chunks WHERE document_id = '" + id + "'"))
                .isEqualTo(1);
        // the outcome is published again (a crash may have come between the commit and the first publish)
        DocumentIndexed again = EventJson.fromJson(
                Topic.await(
                                bootstrap(),
                                "documents.indexed",
                                r -> {
                                    DocumentIndexed e = EventJson.fromJson(r.value(), DocumentIndexed.class);
                                    return e.submittedEventId().equals(event.eventId())
                                            && !e.eventId().equals(first.eventId());
                                },
                                WAIT)
                        .value(),
                DocumentIndexed.class);
        assertThat(again.chunkCount()).isEqualTo(1);
        assertThat(again.embeddedChunks()).isZero();
    }

    @Test
    void aDeleteRemovesTheChunks() throws Exception {
        String id = "gone-" + UUID.randomUUID();
        awaitIndexed(submit(id, "Text that will be deleted.").eventId());
        assertThat(count("SELECT count(*) FROM chunks WHERE document_id = '" + id + "'"))
                .isPositive();

        DocumentDeleted delete = DocumentDeleted.of("acme", id, "test");
        Topic.send(bootstrap(), "documents.deleted", delete.partitionKey(), EventJson.toJson(delete));

        long deadline = System.currentTimeMillis() + WAIT.toMillis();
        while (count("SELECT count(*) FROM chunks WHERE document_id = '" + id + "'") > 0
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        assertThat(count("SELECT count(*) FROM chunks WHERE document_id = '" + id + "'"))
                .isZero();
        assertThat(count("SELECT count(*) FROM documents WHERE id = '" + id + "' AND status = 'deleted'"))
                .isEqualTo(1);
    }

    @Test
    void aPoisonRecordGoesToTheDeadLetterTopicWithItsReason() {
        String key = "acme/poison-" + UUID.randomUUID();
        Topic.send(bootstrap(), "documents.submitted", key, "{\"schemaVersion\":1,\"eventId\":\"x\"}");

        ConsumerRecord<String, String> dead = Topic.await(bootstrap(), "documents.dlq", r -> key.equals(r.key()), WAIT);
        Header reason = dead.headers().lastHeader("dead-letter-reason");
        assertThat(reason).isNotNull();
        assertThat(new String(reason.value(), StandardCharsets.UTF_8)).contains("tenant is required");
    }

    @Test
    void anUploadedDocxIsParsedAndIndexedThroughTheClaimCheck() throws Exception {
        String id = "docx-" + UUID.randomUUID();
        byte[] docx = Fixtures.docx("Handbook", "Parental leave is sixteen weeks at full pay.");
        String ref = storeContent(docx, "handbook.docx");
        DocumentSubmitted event = DocumentSubmitted.of(
                "acme",
                id,
                "handbook.docx",
                "upload:handbook.docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                ContentHash.of(docx),
                docx.length,
                null,
                ref,
                Map.of());
        Topic.send(bootstrap(), "documents.submitted", event.partitionKey(), EventJson.toJson(event));

        assertThat(awaitIndexed(event.eventId()).chunkCount()).isEqualTo(1);
        try (Connection c = dataSource.getConnection();
                ResultSet rs = c.createStatement()
                        .executeQuery("SELECT content FROM chunks WHERE document_id = '" + id + "'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).contains("Parental leave is sixteen weeks");
        }
    }

    @Test
    void anEncryptedPdfFailsWithItsReasonAndTheNextDocumentIsStillIndexed() throws Exception {
        String id = "locked-" + UUID.randomUUID();
        byte[] pdf = Fixtures.encryptedPdf("secret");
        String ref = storeContent(pdf, "locked.pdf");
        DocumentSubmitted event = DocumentSubmitted.of(
                "acme",
                id,
                "locked.pdf",
                "upload:locked.pdf",
                "application/pdf",
                "h-" + id,
                pdf.length,
                null,
                ref,
                Map.of());
        Topic.send(bootstrap(), "documents.submitted", event.partitionKey(), EventJson.toJson(event));
        String next = submit("after-locked-" + UUID.randomUUID(), "Indexed after the locked one.")
                .eventId();

        ConsumerRecord<String, String> failed =
                Topic.await(bootstrap(), "documents.failed", r -> r.value().contains(event.eventId()), WAIT);
        DocumentFailed reason = EventJson.fromJson(failed.value(), DocumentFailed.class);
        assertThat(reason.stage()).isEqualTo("parse");
        assertThat(reason.reason()).contains("encrypted");
        awaitIndexed(next);
        assertThat(count("SELECT count(*) FROM documents WHERE id = '" + id + "' AND status = 'failed'"))
                .isEqualTo(1);
    }

    /** Stores a body through the intake API, as the gateway does for an upload. */
    private static String storeContent(byte[] bytes, String fileName) {
        return given().contentType("application/octet-stream")
                .queryParam("tenant", "acme")
                .queryParam("mediaType", "application/octet-stream")
                .queryParam("fileName", fileName)
                .body(bytes)
                .post("/v1/intake/contents")
                .then()
                .statusCode(200)
                .extract()
                .path("id");
    }

    private DocumentSubmitted submit(String id, String text) {
        DocumentSubmitted event = DocumentSubmitted.of(
                "acme",
                id,
                id,
                "test",
                "text/plain",
                ContentHash.of(text),
                text.length(),
                text,
                null,
                Map.of("team", "hr"));
        Topic.send(bootstrap(), "documents.submitted", event.partitionKey(), EventJson.toJson(event));
        return event;
    }

    private DocumentIndexed awaitIndexed(String submittedEventId) {
        ConsumerRecord<String, String> r = Topic.await(
                bootstrap(),
                "documents.indexed",
                rec -> EventJson.fromJson(rec.value(), DocumentIndexed.class)
                        .submittedEventId()
                        .equals(submittedEventId),
                WAIT);
        return EventJson.fromJson(r.value(), DocumentIndexed.class);
    }

    private long count(String sql) throws Exception {
        try (Connection c = dataSource.getConnection();
                ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String bootstrap() {
        return TestInfrastructure.kafka().bootstrapServers();
    }

    @Test
    void claimCheckBodiesAreDeletedOnceTheSubmissionsTopicNoLongerKeepsTheirEvents() throws Exception {
        String old = storeBody(Instant.now().minus(Duration.ofDays(30)));
        String recent = storeBody(Instant.now().minus(Duration.ofDays(3)));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
            try {
                setRetention(admin, Duration.ofDays(7).toMillis());
                ClaimCheckSweeper.Sweep sweep = sweeper.sweep();
                assertThat(sweep.retention()).contains(Duration.ofDays(7));
                assertThat(sweep.deleted()).isPositive();
                // 30 days old: beyond 7 days of retention and the day of margin; 3 days old: a replay may still need it
                assertThat(bodyExists(old)).isFalse();
                assertThat(bodyExists(recent)).isTrue();

                // a topic that keeps its records forever keeps every body
                String older = storeBody(Instant.now().minus(Duration.ofDays(400)));
                setRetention(admin, -1);
                sweep = sweeper.sweep();
                assertThat(sweep.retention()).isEmpty();
                assertThat(sweep.deleted()).isZero();
                assertThat(bodyExists(older)).isTrue();
            } finally {
                admin.incrementalAlterConfigs(Map.of(
                                topic(),
                                List.of(new AlterConfigOp(
                                        new ConfigEntry("retention.ms", ""), AlterConfigOp.OpType.DELETE))))
                        .all()
                        .get();
            }
        }
    }

    private static ConfigResource topic() {
        return new ConfigResource(ConfigResource.Type.TOPIC, "documents.submitted");
    }

    private static void setRetention(Admin admin, long millis) throws Exception {
        admin.incrementalAlterConfigs(Map.of(
                        topic(),
                        List.of(new AlterConfigOp(
                                new ConfigEntry("retention.ms", Long.toString(millis)), AlterConfigOp.OpType.SET))))
                .all()
                .get();
        // the broker applies a topic's new configuration asynchronously: wait until it reports it
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!Long.toString(millis)
                .equals(admin.describeConfigs(List.of(topic()))
                        .all()
                        .get()
                        .get(topic())
                        .get("retention.ms")
                        .value())) {
            assertThat(System.nanoTime())
                    .as("retention.ms " + millis + " applied")
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private String storeBody(Instant createdAt) throws Exception {
        String id = UUID.randomUUID().toString();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO document_contents (id, tenant, media_type,"
                        + " bytes, created_at) VALUES (?, 'acme', 'text/plain', ?, ?)")) {
            ps.setString(1, id);
            ps.setBytes(2, "a body".getBytes(StandardCharsets.UTF_8));
            ps.setTimestamp(3, Timestamp.from(createdAt));
            ps.executeUpdate();
        }
        return id;
    }

    private boolean bodyExists(String id) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT 1 FROM document_contents WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
