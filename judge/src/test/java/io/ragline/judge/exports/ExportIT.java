package io.ragline.judge.exports;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.ragline.runtime.testing.KafkaTestResource;
import io.ragline.runtime.testing.PostgresTestResource;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Preference and supervised exports from answers, feedback and judgements in the real database. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
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
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement()) {
            st.execute("INSERT INTO conversations (tenant, id, title) VALUES ('" + tenant + "', 'c1', 'q')");
            String turn = "INSERT INTO conversation_turns (tenant, conversation_id, turn, question, answer, mode,"
                    + " event_id) VALUES ('" + tenant + "', 'c1', %d, '%s', '%s', 'generative', '%s')";
            st.execute(String.format(turn, 1, "Vacation days?", "Ten days [1].", "a1"));
            st.execute(String.format(turn, 2, "Who approves travel?", "Your manager approves it [1].", "a2"));
            st.execute(String.format(turn, 3, "who approves travel?", "Nobody does.", "a3"));
            st.execute(String.format(turn, 4, "Where is the office?", "In Berlin [1].", "a4"));
            st.execute(String.format(turn, 5, "What is the wifi password?", "It is secret.", "a5"));
            String feedback = "INSERT INTO answer_feedback (tenant, answer_id, rating, corrected_answer) VALUES" + " ('"
                    + tenant + "', '%s', %d, %s)";
            st.execute(String.format(feedback, "a1", -1, "'Thirty days [1].'"));
            st.execute(String.format(feedback, "a2", 1, "null"));
            st.execute(String.format(feedback, "a3", -1, "null"));
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
}
