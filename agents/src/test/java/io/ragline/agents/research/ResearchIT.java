package io.ragline.agents.research;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.ragline.agents.review.ReviewStubs;
import io.ragline.contracts.EventJson;
import io.ragline.contracts.research.ResearchCompleted;
import io.ragline.contracts.research.ResearchRequested;
import io.ragline.contracts.research.api.NewResearchJob;
import io.ragline.model.testing.ScriptedModelServer.Reply;
import io.ragline.runtime.testing.KafkaTestResource;
import io.ragline.runtime.testing.PostgresTestResource;
import io.ragline.runtime.testing.TestInfrastructure;
import io.ragline.runtime.testing.Topic;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Research jobs through the real broker and database with the scripted model server and a stub retriever: a full
 * planner → researchers → writer → reviewer run with a revision, the extractive brief when the model fails, a failed
 * sub-question, cancellation and a budget running out. The job rows are made as the gateway makes them.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(ReviewStubs.class)
class ResearchIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ResearchStore store;

    @BeforeEach
    void script() {
        ReviewStubs.model.script(ResearchScript::answer);
        ReviewStubs.retriever.answer(ResearchScript::search);
    }

    private String start(String question, int breadth, int depth, int maxSteps) {
        return start(question, breadth, depth, maxSteps, 100_000, 300);
    }

    /** Creates a job through the agents' API, as the gateway does (budget: steps, tokens, seconds from now). */
    private String start(String question, int breadth, int depth, int maxSteps, int maxTokens, int seconds) {
        String id = "job-" + UUID.randomUUID();
        given().contentType("application/json")
                .body(new NewResearchJob(
                        "default", question, breadth, depth, 10, Map.of(), maxSteps, maxTokens, seconds))
                .put("/research/jobs/" + id)
                .then()
                .statusCode(201)
                .body("status", equalTo("queued"));
        return id;
    }

    @Test
    void theJobsApiCreatesOnceKeepsTenantsApartAndRefusesWithReasons() {
        String id = "job-" + UUID.randomUUID();
        NewResearchJob job =
                new NewResearchJob("acme", "What is a partition?", 1, 1, 5, Map.of("source", "kafka"), 10, 1000, 300);
        given().contentType("application/json")
                .body(job)
                .put("/research/jobs/" + id)
                .then()
                .statusCode(201);
        var record = Topic.await(
                TestInfrastructure.kafka().bootstrapServers(),
                "research.requested",
                r -> r.key().equals(id),
                Duration.ofSeconds(30));
        ResearchRequested requested = EventJson.fromJson(record.value(), ResearchRequested.class);
        assertThat(requested.tenant()).isEqualTo("acme");
        assertThat(requested.filters()).containsEntry("source", "kafka");

        given().contentType("application/json")
                .body(job)
                .put("/research/jobs/" + id)
                .then()
                .statusCode(200)
                .body("id", equalTo(id))
                .body("budget.steps", equalTo(10));
        given().contentType("application/json")
                .body(new NewResearchJob("other", "Mine?", 1, 1, 5, Map.of(), 10, 1000, 300))
                .put("/research/jobs/" + id)
                .then()
                .statusCode(409)
                .body("detail", containsString("is taken"));
        given().get("/research/jobs/" + id + "?tenant=other").then().statusCode(404);
        given().get("/research/jobs/" + id + "?tenant=acme")
                .then()
                .statusCode(200)
                .body("question", equalTo("What is a partition?"));
        given().contentType("application/json")
                .body(new NewResearchJob("acme", " ", 1, 1, 5, Map.of(), 10, 1000, 300))
                .put("/research/jobs/x-1")
                .then()
                .statusCode(400)
                .body("detail", equalTo("question is required"));
        given().contentType("application/json")
                .body(job)
                .put("/research/jobs/bad!id")
                .then()
                .statusCode(400);
        given().delete("/research/jobs/unknown?tenant=acme").then().statusCode(404);
    }

    private static ResearchCompleted completed(String id) {
        var record = Topic.await(
                TestInfrastructure.kafka().bootstrapServers(),
                "research.completed",
                r -> r.key().equals(id),
                Duration.ofSeconds(90));
        return EventJson.fromJson(record.value(), ResearchCompleted.class);
    }

    @Test
    void plannerResearchersWriterAndReviewerProduceACitedReport() throws Exception {
        String id = start("How do Kafka consumers and PostgreSQL work together?", 3, 2, 40);

        ResearchCompleted done = completed(id);

        assertThat(done.status()).isEqualTo(ResearchCompleted.Status.COMPLETED);
        assertThat(done.mode()).isEqualTo("model");
        assertThat(done.usage().totalTokens()).isPositive();
        List<ResearchStore.Step> research = store.steps(id, "research");
        assertThat(research).hasSize(6).allMatch(s -> s.status().equals("done"));
        assertThat(research).extracting(ResearchStore.Step::level).containsExactly(1, 1, 1, 2, 2, 2);
        assertThat(store.steps(id, "write"))
                .extracting(ResearchStore.Step::stepId)
                .containsExactly("write-0", "write-1");
        assertThat(store.steps(id, "review"))
                .extracting(ResearchStore.Step::stepId)
                .containsExactly("review-0", "review-1");

        String md = done.reportMarkdown();
        assertThat(md)
                .startsWith("# How ragline's stack works")
                .contains("## References")
                .doesNotContain("cheese");
        Set<String> corpus =
                ResearchScript.CORPUS.stream().map(h -> h.chunkId()).collect(Collectors.toSet());
        assertThat(done.sources())
                .isNotEmpty()
                .allSatisfy(s -> assertThat(corpus).contains(s.chunkId()));
        Matcher cited = Pattern.compile("\\[(\\d+)]").matcher(md);
        int citations = 0;
        while (cited.find()) {
            citations++;
            assertThat(Integer.parseInt(cited.group(1)))
                    .isBetween(1, done.sources().size());
        }
        assertThat(citations).isGreaterThanOrEqualTo(3);
        // every sentence of the findings ends with a citation
        String findings = md.substring(md.indexOf("## Findings"), md.indexOf("## References"));
        for (String sentence : findings.replace("## Findings", "").strip().split("(?<=\\.) ")) {
            assertThat(sentence).matches("(?s).*\\[\\d+]\\.$");
        }
        ResearchStore.Job job = store.job(id).orElseThrow();
        assertThat(job.status()).isEqualTo("completed");
        assertThat(JSON.readTree(JSON.writeValueAsString(job.missing()))).isEmpty();
        var progress = Topic.await(
                TestInfrastructure.kafka().bootstrapServers(),
                "research.progress",
                r -> r.key().equals(id) && r.value().contains("\"stage\":\"done\""),
                Duration.ofSeconds(10));
        assertThat(progress.value()).contains("\"completedSteps\":10");
    }

    @Test
    void withoutTheModelTheBriefIsExtractiveAndSaysSo() throws Exception {
        ReviewStubs.model.script(r -> Reply.error(503, "model loading"));

        String id = start("How are offsets committed by Kafka consumers?", 2, 2, 40);
        ResearchCompleted done = completed(id);

        assertThat(done.status()).isEqualTo(ResearchCompleted.Status.COMPLETED);
        assertThat(done.mode()).isEqualTo("extractive");
        assertThat(done.reportMarkdown())
                .contains("Extractive research brief")
                .contains("Offsets are committed after the records are processed [")
                .contains("## References");
        assertThat(store.steps(id, "research"))
                .as("depth needs a model: one level")
                .hasSize(2);
        assertThat(store.steps(id, "review")).as("quotes need no review").isEmpty();
    }

    @Test
    void aFailedSubQuestionIsNamedAndTheJobGoesOn() throws Exception {
        ReviewStubs.model.script(r -> r.system().startsWith("You plan a research report")
                ? Reply.text("{\"outline\":[\"A\"],\"questions\":[\"How do kafka consumers work?\",\"FAIL this one\"]}")
                : ResearchScript.answer(r));

        String id = start("Kafka consumers", 2, 1, 40);
        ResearchCompleted done = completed(id);

        assertThat(done.status()).isEqualTo(ResearchCompleted.Status.COMPLETED);
        assertThat(done.missing()).anySatisfy(m -> assertThat(m).contains("FAIL this one"));
        assertThat(done.reportMarkdown()).contains("## What is missing").contains("FAIL this one");
        assertThat(store.steps(id, "research"))
                .extracting(ResearchStore.Step::status)
                .containsExactlyInAnyOrder("done", "failed");
    }

    @Test
    void aCancelledJobStopsWithinSeconds() throws Exception {
        ReviewStubs.model.script(r -> r.system().startsWith("Extract research notes")
                ? ResearchScript.answer(r).delayed(Duration.ofSeconds(3))
                : ResearchScript.answer(r));
        String id = start("How do Kafka consumers and PostgreSQL work together?", 3, 2, 40);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!store.job(id).orElseThrow().status().equals("researching") && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }

        long cancelledAt = System.nanoTime();
        given().delete("/research/jobs/" + id + "?tenant=default")
                .then()
                .statusCode(200)
                .body("cancelRequested", equalTo(true));
        ResearchCompleted done = completed(id);

        assertThat(done.status()).isEqualTo(ResearchCompleted.Status.CANCELLED);
        assertThat(Duration.ofNanos(System.nanoTime() - cancelledAt)).isLessThan(Duration.ofSeconds(10));
        assertThat(store.job(id).orElseThrow().status()).isEqualTo("cancelled");
        assertThat(store.steps(id, "write"))
                .as("no report written after the cancellation")
                .isEmpty();
    }

    @Test
    void aJobOutOfStepsEndsWithAPartialBriefNamingWhatIsMissing() throws Exception {
        // planning takes 1 step, the three researchers (run at once) 3 more: the budget of 3 runs out before the report
        ReviewStubs.model.script(r -> r.system().startsWith("Extract research notes")
                ? ResearchScript.answer(r).delayed(Duration.ofMillis(300))
                : ResearchScript.answer(r));
        String id = start("How do Kafka consumers and PostgreSQL work together?", 3, 1, 3);

        ResearchCompleted done = completed(id);

        assertThat(done.status()).isEqualTo(ResearchCompleted.Status.BUDGET_EXHAUSTED);
        assertThat(done.mode()).isEqualTo("partial");
        assertThat(done.reportMarkdown()).contains("Partial research brief").contains("step budget (3) ran out");
        assertThat(done.missing())
                .as("what the budget left out is named")
                .anySatisfy(m -> assertThat(m).contains("step budget (3) ran out"));
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT steps_used FROM research_jobs WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getInt(1))
                        .as("steps are checked before they start: concurrent ones may overshoot by their number")
                        .isLessThanOrEqualTo(1 + 3);
            }
        }
    }

    @Test
    void aJobOutOfTokensEndsAfterPlanningWithWhatIsMissingNamed() throws Exception {
        String id = start("How do Kafka consumers and PostgreSQL work together?", 3, 2, 40, 10, 300);

        ResearchCompleted done = completed(id);

        assertThat(done.status()).isEqualTo(ResearchCompleted.Status.BUDGET_EXHAUSTED);
        assertThat(done.usage().totalTokens())
                .as("the planner spent more than the budget of 10")
                .isGreaterThan(10);
        assertThat(done.missing())
                .hasSize(3)
                .allSatisfy(m -> assertThat(m).contains("not researched, the token budget (10) ran out"));
        assertThat(store.steps(id, "write")).isEmpty();
    }

    @Test
    void aJobPastItsDeadlineEndsWithoutFurtherSteps() throws Exception {
        ReviewStubs.model.script(r -> r.system().startsWith("You plan a research report")
                ? ResearchScript.answer(r).delayed(Duration.ofSeconds(3))
                : ResearchScript.answer(r));
        String id = start("How do Kafka consumers and PostgreSQL work together?", 2, 1, 40, 100_000, 2);

        ResearchCompleted done = completed(id);

        assertThat(done.status()).isEqualTo(ResearchCompleted.Status.BUDGET_EXHAUSTED);
        assertThat(done.reportMarkdown()).contains("the time budget ran out");
        assertThat(store.steps(id, "research"))
                .as("planned, then nothing researched")
                .allMatch(s -> s.status().equals("pending"));
    }

    @Test
    void aJobLeftAtAStageWithoutItsStepIsMovedOnByTheSweep() throws Exception {
        String id = "job-" + UUID.randomUUID();
        try (Connection c = dataSource.getConnection();
                PreparedStatement job = c.prepareStatement("INSERT INTO research_jobs (id, tenant, question, breadth,"
                        + " depth, max_sources, status, mode, max_steps, max_tokens, deadline, updated_at) VALUES (?,"
                        + " 'default', 'Kafka consumers', 1, 1, 10, 'writing', 'extractive', 40, 100000, now() +"
                        + " interval '5 minutes', now() - interval '1 minute')");
                PreparedStatement step = c.prepareStatement("INSERT INTO research_steps (job_id, step_id, kind,"
                        + " question, status, result) VALUES (?, 'research-1-1', 'research', 'Kafka consumers', 'done',"
                        + " ?::jsonb)")) {
            job.setString(1, id);
            job.executeUpdate();
            step.setString(1, id);
            step.setString(
                    2,
                    "{\"queries\":[\"Kafka consumers\"],\"passages\":[{\"chunkId\":\"k1\","
                            + "\"documentId\":\"kafka-guide\",\"title\":\"Kafka guide\",\"text\":\"" + GROUPS + "\"}],"
                            + "\"notes\":[{\"text\":\"" + GROUPS + "\",\"passages\":[0]}]}");
            step.executeUpdate();
        }
        ResearchCompleted done = completed(id);

        assertThat(done.status()).isEqualTo(ResearchCompleted.Status.COMPLETED);
        assertThat(done.reportMarkdown()).contains(GROUPS.replace(".", "") + " [1].");
        assertThat(store.steps(id, "write"))
                .extracting(ResearchStore.Step::stepId)
                .containsExactly("write-0");
    }

    @Test
    void aFinishedJobsCompletionLeavesTheOutboxOnceSentAndOneLeftBehindIsSentByTheSweep() throws Exception {
        String id = start("How do Kafka consumers share work?", 1, 1, 40);
        ResearchCompleted done = completed(id);
        awaitNoOutboxRow(done.eventId());

        // as an instance leaves it when it stops between finishing a job and the broker's acknowledgement
        ResearchCompleted lost = ResearchCompleted.of(
                "default",
                "job-" + UUID.randomUUID(),
                "Where did the report go?",
                ResearchCompleted.Status.COMPLETED,
                "extractive",
                "# Where did the report go?\n\nNowhere.",
                List.of(),
                List.of(),
                1_000,
                new io.ragline.contracts.TokenUsage(0, 0));
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO agents_outbox (event_id, topic, partition_key,"
                                + " payload, created_at) VALUES (?, 'research.completed', ?, ?, now() - interval '5 minutes')")) {
            ps.setString(1, lost.eventId());
            ps.setString(2, lost.partitionKey());
            ps.setString(3, EventJson.toJson(lost));
            ps.executeUpdate();
        }

        var record = Topic.await(
                TestInfrastructure.kafka().bootstrapServers(),
                "research.completed",
                r -> r.value().contains(lost.eventId()),
                Duration.ofSeconds(60));
        assertThat(record.key()).isEqualTo(lost.jobId());
        assertThat(EventJson.fromJson(record.value(), ResearchCompleted.class)).isEqualTo(lost);
        awaitNoOutboxRow(lost.eventId());
    }

    private void awaitNoOutboxRow(String eventId) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            try (Connection c = dataSource.getConnection();
                    PreparedStatement ps = c.prepareStatement("SELECT 1 FROM agents_outbox WHERE event_id = ?")) {
                ps.setString(1, eventId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return;
                    }
                }
            }
            assertThat(System.nanoTime())
                    .as("outbox row of " + eventId + " still there")
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static final String GROUPS = "Consumers in a group share the partitions of a topic.";
}
