package io.ragline.gateway.webhook;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.ragline.contracts.EventJson;
import io.ragline.contracts.review.ReviewRequested;
import io.ragline.runtime.testing.KafkaTestResource;
import io.ragline.runtime.testing.PostgresTestResource;
import io.ragline.runtime.testing.TestInfrastructure;
import io.ragline.runtime.testing.Topic;
import io.restassured.response.Response;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real GitHub deliveries (octokit's recorded payloads) against the real broker and database. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(WebhookSecret.class)
class GitHubWebhookIT {

    private static final Path PAYLOADS = Path.of("../../shared/data/github-webhooks/octokit-payload-examples");
    private static final ObjectMapper JSON = new ObjectMapper();

    @io.quarkus.test.common.http.TestHTTPResource("/webhooks/github")
    java.net.URL webhook;

    @BeforeEach
    void requireData() {
        assumeTrue(Files.isDirectory(PAYLOADS), "../shared/data/github-webhooks is absent");
    }

    /** The recorded payload, with a fresh head SHA so runs don't collide on the topic. */
    private static byte[] payload(String name, String headSha) throws IOException {
        ObjectNode p = (ObjectNode) JSON.readTree(PAYLOADS.resolve(name).toFile());
        if (headSha != null) {
            ((ObjectNode) p.path("pull_request").path("head")).put("sha", headSha);
        }
        return JSON.writeValueAsBytes(p);
    }

    private static Response deliver(byte[] body, String event, String delivery, String signature) {
        var request = given().contentType("application/json").header("X-GitHub-Event", event);
        if (delivery != null) {
            request.header("X-GitHub-Delivery", delivery);
        }
        if (signature != null) {
            request.header("X-Hub-Signature-256", signature);
        }
        return request.body(body).post("/webhooks/github");
    }

    private static List<ConsumerRecord<String, String>> recordsFor(String headSha, Duration wait) {
        Properties props = new Properties();
        props.put(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestInfrastructure.kafka().bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "webhook-it-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("reviews.requested"));
            long deadline = System.nanoTime() + wait.toNanos();
            while (System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (r.value().contains(headSha)) {
                        found.add(r);
                    }
                });
            }
        }
        return found;
    }

    @Test
    void anOpenedPullRequestIsQueuedOnceKeyedByRepositoryAndNumber() throws Exception {
        String sha = UUID.randomUUID().toString().replace("-", "") + "abcdefgh";
        byte[] body = payload("pull_request/opened.payload.json", sha);
        String delivery = UUID.randomUUID().toString();

        deliver(body, "pull_request", delivery, WebhookSignature.sign(WebhookSecret.SECRET, body))
                .then()
                .statusCode(202)
                .body("status", equalTo("queued"))
                .body("pullRequest", equalTo("Codertocat/Hello-World#2"));
        // GitHub redelivers the same delivery id: nothing new is queued
        deliver(body, "pull_request", delivery, WebhookSignature.sign(WebhookSecret.SECRET, body))
                .then()
                .statusCode(200)
                .body("status", equalTo("duplicate"));

        ConsumerRecord<String, String> first = Topic.await(
                TestInfrastructure.kafka().bootstrapServers(),
                "reviews.requested",
                r -> r.value().contains(sha),
                Duration.ofSeconds(30));
        ReviewRequested event = EventJson.fromJson(first.value(), ReviewRequested.class);
        assertThat(first.key()).isEqualTo("Codertocat/Hello-World#2");
        assertThat(event.deliveryId()).isEqualTo(delivery);
        assertThat(event.action()).isEqualTo("opened");
        assertThat(event.baseSha()).isEqualTo("f95f852bd8fca8fcc58a9a2d6c842781e32a215e");
        assertThat(event.installationId()).isEqualTo(1L);
        assertThat(recordsFor(sha, Duration.ofSeconds(3))).hasSize(1);
    }

    @Test
    void badSignaturesAreRefusedAndNothingIsQueued() throws Exception {
        String sha = UUID.randomUUID().toString().replace("-", "") + "tampered";
        byte[] body = payload("pull_request/synchronize.payload.json", sha);
        String good = WebhookSignature.sign(WebhookSecret.SECRET, body);
        byte[] tampered = new String(body, StandardCharsets.UTF_8)
                .replace("Hello-World", "Hello-Worle")
                .getBytes(StandardCharsets.UTF_8);

        deliver(tampered, "pull_request", UUID.randomUUID().toString(), good)
                .then()
                .statusCode(401)
                .body("detail", containsString("does not match"));
        deliver(body, "pull_request", UUID.randomUUID().toString(), WebhookSignature.sign("wrong secret", body))
                .then()
                .statusCode(401);
        deliver(body, "pull_request", UUID.randomUUID().toString(), null)
                .then()
                .statusCode(401)
                .body("detail", containsString("missing"));

        assertThat(recordsFor(sha, Duration.ofSeconds(3))).isEmpty();
    }

    @Test
    void pingsClosedAndDraftPullRequestsAreAnsweredWithoutAReview() throws Exception {
        byte[] ping = Files.readAllBytes(PAYLOADS.resolve("ping/payload.json"));
        deliver(ping, "ping", UUID.randomUUID().toString(), WebhookSignature.sign(WebhookSecret.SECRET, ping))
                .then()
                .statusCode(200)
                .body("status", equalTo("pong"));

        byte[] closed = payload("pull_request/closed.payload.json", null);
        deliver(
                        closed,
                        "pull_request",
                        UUID.randomUUID().toString(),
                        WebhookSignature.sign(WebhookSecret.SECRET, closed))
                .then()
                .statusCode(200)
                .body("status", equalTo("ignored"))
                .body("reason", containsString("'closed'"));

        ObjectNode draft = (ObjectNode) JSON.readTree(
                PAYLOADS.resolve("pull_request/opened.payload.json").toFile());
        ((ObjectNode) draft.path("pull_request")).put("draft", true);
        byte[] draftBody = JSON.writeValueAsBytes(draft);
        deliver(
                        draftBody,
                        "pull_request",
                        UUID.randomUUID().toString(),
                        WebhookSignature.sign(WebhookSecret.SECRET, draftBody))
                .then()
                .statusCode(200)
                .body("reason", containsString("draft"));
    }

    @Test
    void aFormEncodedDeliveryIsVerifiedOverItsRawBytes() throws Exception {
        String sha = UUID.randomUUID().toString().replace("-", "") + "formform";
        String form = "payload="
                + URLEncoder.encode(
                        new String(payload("pull_request/reopened.payload.json", sha), StandardCharsets.UTF_8),
                        StandardCharsets.UTF_8);
        byte[] body = form.getBytes(StandardCharsets.UTF_8);

        var response = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(webhook.toURI())
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .header("X-GitHub-Event", "pull_request")
                                .header("X-GitHub-Delivery", UUID.randomUUID().toString())
                                .header("X-Hub-Signature-256", WebhookSignature.sign(WebhookSecret.SECRET, body))
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(JSON.readTree(response.body()).path("headSha").asText()).isEqualTo(sha);
    }

    @Test
    void anOversizedDeliveryIs413() {
        byte[] big = new byte[1_048_577];
        deliver(big, "pull_request", UUID.randomUUID().toString(), "sha256=00")
                .then()
                .statusCode(413)
                .body("detail", containsString("limit is 1048576"));
    }
}
