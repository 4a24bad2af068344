package io.ragline.judge.exports;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.ragline.judge.StubIndex;
import io.ragline.judge.evals.StubGateway;
import io.ragline.runtime.testing.KafkaTestResource;
import io.ragline.runtime.testing.PostgresTestResource;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Preference and supervised exports: answers and feedback from the gateway's answers API (played by
 * {@link StubGateway}, read page by page), scores from the judge's judgements in the real database.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(StubGateway.class)
@WithTestResource(StubIndex.class)
class ExportIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    AgroalDataSource dataSource;

    private static List<JsonNode> lines(String path) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String l :
                given().get(path).then().statusCode(200).extract().asString().split("\n")) {
            if (!l.isBlank()) {
                out.add(JSON.readTree(l));
            }
        }
        return out;
    }

    @Test
    void correctionsAndOpposedRatingsBecomePreferencePairsAndGoodAnswersSupervisedPairs() throws Exception {
        String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
        // the gateway's answered turns and feedback, oldest first (served two per page)
        StubGateway.ANSWERS.put(
                tenant,
                List.of(
                        answer("a1", "Vacation days?", "Ten days [1].", -1, "Thirty days [1]."),
                        answer("a2", "Who approves travel?", "Your manager approves it [1].", 1, null),
                        answer("a3", "who approves travel?", "Nobody does.", -1, null),
                        answer("a4", "Where is the office?", "In Berlin [1].", null, null),
                        answer("a5", "What is the wifi password?", "It is secret.", null, null)));
        // the judge's own scores
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement()) {
            String judgement = "INSERT INTO judgements (subject_type, subject_event_id, event_id, tenant, scores,"
                    + " judge_model) VALUES ('answer', '%s', '%s', '" + tenant
                    + "', '[{\"metric\":\"embedding_support\","
                    + "\"value\":%s,\"method\":\"embedding\"}]', 'none')";
            st.execute(String.format(judgement, "a4", UUID.randomUUID(), "0.91"));
            st.execute(String.format(judgement, "a5", UUID.randomUUID(), "0.41"));
        }

        List<JsonNode> prefs = lines("/v1/exports/preferences?tenant=" + tenant);
        assertThat(prefs).hasSize(2);
        assertThat(prefs.get(0).path("prompt").asText()).isEqualTo("Vacation days?");
        assertThat(prefs.get(0).path("chosen").asText()).isEqualTo("Thirty days [1].");
        assertThat(prefs.get(0).path("rejected").asText()).isEqualTo("Ten days [1].");
        assertThat(prefs.get(1).path("chosen").asText()).isEqualTo("Your manager approves it [1].");
        assertThat(prefs.get(1).path("rejected").asText()).isEqualTo("Nobody does.");

        List<JsonNode> sft = lines("/v1/exports/sft?tenant=" + tenant + "&minSupport=0.8");
        List<String> answers = new ArrayList<>();
        sft.forEach(l -> answers.add(l.path("messages").get(1).path("content").asText()));
        assertThat(answers).containsExactly("Thirty days [1].", "Your manager approves it [1].", "In Berlin [1].");
        assertThat(sft.get(0).path("messages").get(0).path("role").asText()).isEqualTo("user");
        assertThat(lines("/v1/exports/sft?tenant=other-tenant")).isEmpty();
    }

    @Test
    void anUnknownTenantExportsNothing() throws Exception {
        assertThat(lines("/v1/exports/preferences?tenant=nobody")).isEmpty();
        assertThat(lines("/v1/exports/sft?tenant=nobody")).isEmpty();
    }

    private static ObjectNode answer(String id, String question, String answer, Integer rating, String corrected) {
        ObjectNode a = JSON.createObjectNode()
                .put("eventId", id)
                .put("question", question)
                .put("answer", answer)
                .put("mode", "generative")
                .put("createdAt", "2026-12-01T10:00:0" + id.charAt(1) + "Z")
                .put("rating", rating)
                .put("correctedAnswer", corrected);
        return a;
    }
}
