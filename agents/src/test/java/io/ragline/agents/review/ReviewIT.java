package io.ragline.agents.review;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.ragline.contracts.EventJson;
import io.ragline.contracts.review.ReviewCompleted;
import io.ragline.contracts.review.ReviewRequested;
import io.ragline.model.testing.ScriptedModelServer.Reply;
import io.ragline.runtime.testing.KafkaTestResource;
import io.ragline.runtime.testing.PostgresTestResource;
import io.ragline.runtime.testing.TestInfrastructure;
import io.ragline.runtime.testing.Topic;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The review agent end to end: review-requested on the real broker, the review store in the real database, a WireMock
 * GitHub API and the scripted model server; review-completed read back from Kafka.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(ReviewStubs.class)
class ReviewIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PATCH = "@@ -10,6 +10,9 @@ public class Cache {\n"
            + "     private final Map<String, String> values = new HashMap<>();\n"
            + " \n"
            + "     public String get(String key) {\n"
            + "-        return values.get(key);\n"
            + "+        String v = values.get(key);\n"
            + "+        System.out.println(\"cache hit \" + key);\n"
            + "+        return v.trim();\n"
            + "+        // TODO evict\n"
            + "     }\n"
            + " }\n";

    /** Stubs one pull request of a fresh repository; returns the repository name. */
    private static String pullRequest(String headSha, String existingReviewBody) throws Exception {
        String repo = "acme/svc-" + UUID.randomUUID().toString().substring(0, 8);
        ObjectNode pr = JSON.createObjectNode()
                .put("number", 7)
                .put("title", "Trim cached values")
                .put("body", "")
                .put("state", "open")
                .put("draft", false);
        pr.putObject("head").put("sha", headSha);
        pr.putObject("base").put("sha", "base000");
        ReviewStubs.github.stubFor(
                get(urlPathEqualTo("/repos/" + repo + "/pulls/7")).willReturn(okJson(pr.toString())));
        ArrayNode reviews = JSON.createArrayNode();
        if (existingReviewBody != null) {
            reviews.addObject().put("id", 1).put("body", existingReviewBody);
        }
        ReviewStubs.github.stubFor(
                get(urlPathEqualTo("/repos/" + repo + "/pulls/7/reviews")).willReturn(okJson(reviews.toString())));
        ArrayNode files = JSON.createArrayNode();
        files.addObject()
                .put("filename", "src/main/java/Cache.java")
                .put("status", "modified")
                .put("patch", PATCH);
        files.addObject()
                .put("filename", "package-lock.json")
                .put("status", "modified")
                .put("patch", "@@ -1 +1 @@\n-a\n+b\n");
        ReviewStubs.github.stubFor(get(urlPathEqualTo("/repos/" + repo + "/pulls/7/files"))
                .withQueryParam("page", equalTo("1"))
                .willReturn(okJson(files.toString())));
        ReviewStubs.github.stubFor(get(urlPathEqualTo("/repos/" + repo + "/contents/.ragline/review.yml"))
                .willReturn(aResponse().withStatus(200).withBody("severity_floor: info\nmax_findings: 5\n")));
        ReviewStubs.github.stubFor(post(urlPathEqualTo("/repos/" + repo + "/pulls/7/reviews"))
                .willReturn(okJson("{\"id\":99,\"html_url\":\"https://github.test/" + repo + "/pull/7#review-99\"}")));
        return repo;
    }

    private static ReviewCompleted request(String repo, String headSha) {
        ReviewRequested r = ReviewRequested.of(
                "default", UUID.randomUUID().toString(), repo, 7, headSha, "base000", "synchronize", null, null);
        String bootstrap = TestInfrastructure.kafka().bootstrapServers();
        Topic.send(bootstrap, "reviews.requested", r.partitionKey(), EventJson.toJson(r));
        var record = Topic.await(
                bootstrap, "reviews.completed", rec -> rec.value().contains(r.eventId()), Duration.ofSeconds(60));
        return EventJson.fromJson(record.value(), ReviewCompleted.class);
    }

    private static List<LoggedRequest> posts(String repo) {
        return ReviewStubs.github.findAll(postRequestedFor(urlPathEqualTo("/repos/" + repo + "/pulls/7/reviews")));
    }

    /** The stubs are shared with the other tests of this application (research): set them for reviews. */
    @BeforeEach
    void stubs() {
        ReviewStubs.retriever.answer(ReviewStubs.RELATED);
        ReviewStubs.model.clearRequests();
    }

    @Test
    void aReviewThatKeepsFailingIsTriedThreeTimesReportedFailedAndDeadLettered() throws Exception {
        String sha = "f1" + UUID.randomUUID().toString().replace("-", "");
        String repo = pullRequest(sha, null);
        ReviewStubs.github.stubFor(post(urlPathEqualTo("/repos/" + repo + "/pulls/7/reviews"))
                .willReturn(aResponse().withStatus(422).withBody("{\"message\":\"Validation Failed\"}")));
        ReviewStubs.model.script(r -> Reply.text("{\"findings\":[]}"));
        ReviewRequested r = ReviewRequested.of(
                "default", UUID.randomUUID().toString(), repo, 7, sha, "base000", "synchronize", null, null);
        String bootstrap = TestInfrastructure.kafka().bootstrapServers();

        Topic.send(bootstrap, "reviews.requested", r.partitionKey(), EventJson.toJson(r));

        var completed = Topic.await(
                bootstrap, "reviews.completed", rec -> rec.value().contains(r.eventId()), Duration.ofSeconds(60));
        assertThat(EventJson.fromJson(completed.value(), ReviewCompleted.class).outcome())
                .isEqualTo(ReviewCompleted.Outcome.FAILED);
        var dead =
                Topic.await(bootstrap, "reviews.dlq", rec -> rec.value().contains(r.eventId()), Duration.ofSeconds(30));
        assertThat(new String(dead.headers().lastHeader("dead-letter-reason").value()))
                .contains("422");
        assertThat(posts(repo)).hasSize(3);
    }

    @Test
    void aPullRequestGetsOneReviewWithInlineCommentsOnDiffLinesOnly() throws Exception {
        String sha = "a1" + UUID.randomUUID().toString().replace("-", "");
        String repo = pullRequest(sha, null);
        AtomicInteger calls = new AtomicInteger();
        ReviewStubs.model.script(r -> calls.incrementAndGet() == 1
                ? Reply.text("Here are my thoughts: the code looks risky.")
                : Reply.text("{\"findings\":["
                        + "{\"path\":\"src/main/java/Cache.java\",\"line\":15,\"side\":\"RIGHT\",\"severity\":\"major\","
                        + "\"category\":\"bug\",\"message\":\"v is null for a missing key: trim() throws.\","
                        + "\"suggestion\":\"return v == null ? null : v.trim();\"},"
                        + "{\"path\":\"src/main/java/Cache.java\",\"line\":300,\"side\":\"RIGHT\",\"severity\":\"major\","
                        + "\"category\":\"bug\",\"message\":\"outside the diff\"}]}"));

        ReviewCompleted done = request(repo, sha);

        assertThat(done.outcome()).isEqualTo(ReviewCompleted.Outcome.POSTED);
        assertThat(done.mode()).isEqualTo("model");
        assertThat(done.reviewUrl()).endsWith("#review-99");
        assertThat(done.filesSkipped()).containsExactly("package-lock.json: lock file");
        assertThat(done.usage().totalTokens()).isPositive();
        assertThat(done.findings())
                .filteredOn(f -> f.line() == 15 && "model".equals(f.source()))
                .singleElement()
                .as("the judge gets the lines the finding is about")
                .satisfies(f -> assertThat(f.excerpt()).contains(">+"));
        assertThat(calls.get()).as("malformed answer asked for again").isEqualTo(2);
        assertThat(ReviewStubs.model.requests().stream().map(r -> r.model())).contains("review-lora");
        assertThat(ReviewStubs.model.requests().stream()
                        .filter(r -> r.model().equals("review-lora"))
                        .findFirst()
                        .orElseThrow()
                        .user())
                .as("related context from the retriever, tenant-scoped")
                .contains("<context>\nCaching guide:\nCache values may be absent: always null-check.");
        assertThat(ReviewStubs.retriever.received().get(0).tenant()).isEqualTo("default");

        List<LoggedRequest> posted = posts(repo);
        assertThat(posted).hasSize(1);
        JsonNode review = JSON.readTree(posted.get(0).getBodyAsString());
        assertThat(review.path("commit_id").asText()).isEqualTo(sha);
        assertThat(review.path("event").asText()).isEqualTo("COMMENT");
        assertThat(review.path("body").asText())
                .contains("package-lock.json")
                .contains("1 model finding(s) pointed outside the diff")
                .contains(ReviewService.marker(sha));
        List<String> comments = review.path("comments").findValuesAsText("body");
        assertThat(review.path("comments")).hasSize(3);
        assertThat(review.path("comments").get(0).path("line").asInt()).isEqualTo(15);
        assertThat(review.path("comments").get(0).path("side").asText()).isEqualTo("RIGHT");
        assertThat(comments.get(0)).contains("trim() throws").contains("Suggestion:");
        assertThat(comments).anySatisfy(c -> assertThat(c).contains("debug print"));
        assertThat(comments).anySatisfy(c -> assertThat(c).contains("TODO"));

        // the same request again (a redelivery, a restart): nothing is posted twice
        assertThat(request(repo, sha).outcome()).isEqualTo(ReviewCompleted.Outcome.DUPLICATE);
        assertThat(posts(repo)).hasSize(1);
    }

    @Test
    void aRepositoryModelNamesTheModelOfEveryCallOfItsReview() throws Exception {
        String sha = "e5" + UUID.randomUUID().toString().replace("-", "");
        String repo = pullRequest(sha, null);
        ReviewStubs.github.stubFor(get(urlPathEqualTo("/repos/" + repo + "/contents/.ragline/review.yml"))
                .willReturn(aResponse().withStatus(200).withBody("model: acme-review-lora\n")));
        AtomicInteger calls = new AtomicInteger();
        ReviewStubs.model.script(
                r -> calls.incrementAndGet() == 1 ? Reply.text("not json") : Reply.text("{\"findings\":[]}"));

        ReviewCompleted done = request(repo, sha);

        assertThat(done.outcome()).isEqualTo(ReviewCompleted.Outcome.POSTED);
        assertThat(done.mode()).isEqualTo("model");
        assertThat(ReviewStubs.model.requests())
                .as("the first answer and its re-ask")
                .hasSize(2)
                .allSatisfy(r -> assertThat(r.model()).isEqualTo("acme-review-lora"));

        // the next repository, without a model setting, is reviewed by the task's model again
        String otherSha = "e6" + UUID.randomUUID().toString().replace("-", "");
        String other = pullRequest(otherSha, null);
        ReviewStubs.model.clearRequests();
        assertThat(request(other, otherSha).outcome()).isEqualTo(ReviewCompleted.Outcome.POSTED);
        assertThat(ReviewStubs.model.requests())
                .isNotEmpty()
                .allSatisfy(r -> assertThat(r.model()).isEqualTo("review-lora"));
    }

    @Test
    void aReviewAlreadyOnGithubForTheCommitIsNotPostedAgain() throws Exception {
        String sha = "b2" + UUID.randomUUID().toString().replace("-", "");
        String repo = pullRequest(sha, "## ragline review\n\n" + ReviewService.marker(sha));

        assertThat(request(repo, sha).outcome()).isEqualTo(ReviewCompleted.Outcome.DUPLICATE);
        assertThat(posts(repo)).isEmpty();
    }

    @Test
    void aRequestForAnOlderHeadIsSuperseded() throws Exception {
        String repo = pullRequest("newhead" + UUID.randomUUID().toString().replace("-", ""), null);

        assertThat(request(repo, "oldhead123").outcome()).isEqualTo(ReviewCompleted.Outcome.SUPERSEDED);
        assertThat(posts(repo)).isEmpty();
    }

    @Test
    void aRateLimitedGithubIsWaitedOut() throws Exception {
        String sha = "c3" + UUID.randomUUID().toString().replace("-", "");
        String repo = pullRequest(sha, null);
        ReviewStubs.model.script(r -> Reply.text("{\"findings\":[]}"));
        String reset = Long.toString(Instant.now().getEpochSecond() + 1);
        ReviewStubs.github.stubFor(get(urlPathEqualTo("/repos/" + repo + "/pulls/7"))
                .inScenario(repo)
                .whenScenarioStateIs(STARTED)
                .willReturn(aResponse()
                        .withStatus(403)
                        .withHeader("x-ratelimit-remaining", "0")
                        .withHeader("x-ratelimit-reset", reset)
                        .withBody("{\"message\":\"API rate limit exceeded\"}"))
                .willSetStateTo("reset"));
        ObjectNode pr =
                JSON.createObjectNode().put("number", 7).put("title", "t").put("state", "open");
        pr.putObject("head").put("sha", sha);
        pr.putObject("base").put("sha", "base000");
        ReviewStubs.github.stubFor(get(urlPathEqualTo("/repos/" + repo + "/pulls/7"))
                .inScenario(repo)
                .whenScenarioStateIs("reset")
                .willReturn(okJson(pr.toString())));

        long t0 = System.nanoTime();
        assertThat(request(repo, sha).outcome()).isEqualTo(ReviewCompleted.Outcome.POSTED);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThan(Duration.ofMillis(400));
        assertThat(posts(repo)).hasSize(1);
    }

    @Test
    void aModelTimeoutPostsAPartialReviewFlaggedAsSuch() throws Exception {
        String sha = "d4" + UUID.randomUUID().toString().replace("-", "");
        String repo = pullRequest(sha, null);
        ReviewStubs.model.script(r -> Reply.text("{\"findings\":[]}").delayed(Duration.ofSeconds(7)));

        ReviewCompleted done = request(repo, sha);

        assertThat(done.outcome()).isEqualTo(ReviewCompleted.Outcome.POSTED);
        assertThat(done.partial()).isTrue();
        JsonNode review = JSON.readTree(posts(repo).get(0).getBodyAsString());
        assertThat(review.path("body").asText()).contains("**Partial review:** the model reviewed 0 of 1 parts");
        assertThat(review.path("comments").findValuesAsText("body"))
                .as("the deterministic findings are still posted")
                .anySatisfy(c -> assertThat(c).contains("debug print"));
    }
}
