package io.ragline.gateway.openai;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.ragline.gateway.chat.ChatStubs;
import io.ragline.model.testing.ScriptedModelServer.Reply;
import io.ragline.retriever.client.testing.StubRetriever;
import io.ragline.runtime.testing.KafkaTestResource;
import io.ragline.runtime.testing.PostgresTestResource;
import io.restassured.response.Response;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The OpenAI-compatible facade, including LangChain4j's own OpenAI client pointed at the gateway. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(ChatStubs.class)
class OpenAiCompatibleIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final StubRetriever.Hit KAFKA = new StubRetriever.Hit(
            "chunk-kafka-1",
            "kafka-guide",
            "Kafka guide",
            "Consumers in a group share the partitions of a topic.",
            0.8);

    @TestHTTPResource("/v1")
    URL v1;

    @BeforeEach
    void reset() {
        ChatStubs.retriever.clear();
        ChatStubs.retriever.answer(List.of(KAFKA));
        ChatStubs.model.clearRequests();
        ChatStubs.model.script(r -> Reply.text("They share the partitions [1]."));
    }

    private static Response post(String body) {
        return given().contentType("application/json").body(body).post("/v1/chat/completions");
    }

    @Test
    void modelsListTheCollections() {
        given().get("/v1/models")
                .then()
                .statusCode(200)
                .body("object", equalTo("list"))
                .body("data.id", hasItems("ragline", "kafka-docs"));
    }

    @Test
    void aCompletionCarriesTheAnswerItsSourcesAndTheCitationsField() {
        post("{\"model\":\"ragline\",\"messages\":[{\"role\":\"system\",\"content\":\"Talk like a pirate.\"},"
                        + "{\"role\":\"user\",\"content\":\"How do consumers share work?\"}],\"temperature\":0.2}")
                .then()
                .statusCode(200)
                .body("object", equalTo("chat.completion"))
                .body("model", equalTo("ragline"))
                .body("choices[0].message.role", equalTo("assistant"))
                .body(
                        "choices[0].message.content",
                        equalTo("They share the partitions [1].\n\nSources:\n[1] Kafka guide (kafka-guide)"))
                .body("choices[0].finish_reason", equalTo("stop"))
                .body("citations[0].chunkId", equalTo("chunk-kafka-1"))
                .body("ragline.mode", equalTo("generative"));
        assertThat(ChatStubs.model.requests().get(0).system()).doesNotContain("pirate");
    }

    @Test
    void theModelNameSelectsACollectionAndEarlierMessagesAreTheHistory() {
        post("{\"model\":\"kafka-docs\",\"messages\":["
                        + "{\"role\":\"user\",\"content\":\"What is a consumer group?\"},"
                        + "{\"role\":\"assistant\",\"content\":\"A set of consumers [1].\\n\\nSources:\\n[1] Kafka guide\"},"
                        + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"How do they share work?\"}]}]}")
                .then()
                .statusCode(200);

        JsonNode filters = ChatStubs.retriever.received().get(0).body().path("filters");
        assertThat(filters.toString()).isEqualTo("{\"sources\":[\"kafka\"]}");
        var answer = ChatStubs.model.requests().stream()
                .filter(r -> r.model().equals("base-model"))
                .findFirst()
                .orElseThrow();
        JsonNode messages = answer.body().path("messages");
        assertThat(messages.get(1).path("content").asText()).isEqualTo("What is a consumer group?");
        assertThat(messages.get(2).path("content").asText()).isEqualTo("A set of consumers [1].");
        assertThat(answer.user()).contains("How do they share work?");
    }

    @Test
    void aStreamedCompletionIsChunksThenDone() throws Exception {
        String body = post("{\"messages\":[{\"role\":\"user\",\"content\":\"How do consumers share work?\"}],"
                        + "\"stream\":true}")
                .then()
                .statusCode(200)
                .extract()
                .asString();

        List<String> data = new ArrayList<>();
        for (String frame : body.split("\n\n")) {
            if (frame.startsWith("data: ")) {
                data.add(frame.substring(6));
            }
        }
        assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
        StringBuilder content = new StringBuilder();
        for (String d : data.subList(0, data.size() - 1)) {
            JsonNode chunk = JSON.readTree(d);
            assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
            content.append(
                    chunk.path("choices").get(0).path("delta").path("content").asText(""));
        }
        assertThat(JSON.readTree(data.get(0))
                        .path("choices")
                        .get(0)
                        .path("delta")
                        .path("role")
                        .asText())
                .isEqualTo("assistant");
        JsonNode last = JSON.readTree(data.get(data.size() - 2));
        assertThat(last.path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
        assertThat(last.path("citations").get(0).path("chunkId").asText()).isEqualTo("chunk-kafka-1");
        assertThat(content.toString())
                .isEqualTo("They share the partitions [1].\n\nSources:\n[1] Kafka guide (kafka-guide)");
    }

    @Test
    void refusalsUseOpenAiErrorBodies() {
        post("{\"model\":\"gpt-4\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .then()
                .statusCode(404)
                .body("error.code", equalTo("model_not_found"))
                .body("error.message", containsString("available: [kafka-docs, ragline]"));
        post("{\"messages\":[{\"role\":\"assistant\",\"content\":\"hi\"}]}")
                .then()
                .statusCode(400)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.message", containsString("last message must have role 'user'"));
        post("{\"messages\":[]}").then().statusCode(400).body("error.message", containsString("messages is required"));
    }

    @Test
    void anOpenAiClientCanUseRaglineAsItsModel() {
        OpenAiChatModel client = OpenAiChatModel.builder()
                .baseUrl(v1.toString())
                .apiKey("unused")
                .modelName("ragline")
                .timeout(Duration.ofSeconds(20))
                .build();

        ChatResponse response = client.chat(UserMessage.from("How do consumers share work?"));

        assertThat(response.aiMessage().text())
                .startsWith("They share the partitions [1].")
                .contains("Sources:");
        assertThat(response.tokenUsage().totalTokenCount()).isPositive();
    }
}
