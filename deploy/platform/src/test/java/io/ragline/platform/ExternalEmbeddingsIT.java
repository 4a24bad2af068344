package io.ragline.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ragline.model.testing.ScriptedModelServer;
import io.ragline.platform.testing.ResearchScenario;
import io.ragline.runtime.Home;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ingest and the retriever configured with an external OpenAI-compatible embedding server (here a scripted one whose
 * vectors are hashed bags of words, nothing like bge's; it refuses its first two requests, which ingest retries):
 * chunks carry the server's vectors and model name, queries are
 * embedded by the same server, and when the server goes away hybrid search answers from BM25 alone and says so, while
 * vector search answers 503 with the reason.
 */
class ExternalEmbeddingsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "scripted-hashed-words";

    @TempDir
    Path data;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void chunksAndQueriesAreEmbeddedByTheConfiguredServer() throws Exception {
        ScriptedModelServer server = ScriptedModelServer.start(r -> ScriptedModelServer.Reply.text("unused"));
        // the first two requests find the server unavailable (503): ingest retries, nothing is lost
        AtomicInteger unavailable = new AtomicInteger();
        Function<String, float[]> words = ScriptedModelServer.hashedWords(384);
        server.embeddings(text -> {
            if (unavailable.get() < 2) {
                unavailable.incrementAndGet();
                throw new IllegalStateException("warming up");
            }
            return words.apply(text);
        });
        Settings settings = Settings.from(Home.locate(), FreePorts.settings(data.resolve("data")));
        try (server;
                Platform platform = new Platform(settings)
                        .withEnv("ingest", "INGEST_EMBEDDING_URL", server.baseUrl())
                        .withEnv("ingest", "INGEST_EMBEDDING_MODEL_NAME", MODEL)
                        .withEnv("retriever", "RETRIEVER_EMBEDDING_URL", server.baseUrl())
                        .withEnv("retriever", "RETRIEVER_EMBEDDING_MODEL_NAME", MODEL)
                        .start(line -> {})) {
            ResearchScenario.ingest(http, platform.url("gateway"));
            int documents = ResearchScenario.DOCS.length;
            assertThat(unavailable.get())
                    .as("requests refused before the server came up")
                    .isEqualTo(2);

            try (Connection c = DriverManager.getConnection(platform.jdbcUrl(), "postgres", "postgres");
                    ResultSet rs = c.createStatement()
                            .executeQuery("SELECT count(*), count(*) FILTER (WHERE embedding_model = '" + MODEL
                                    + "') FROM chunks")) {
                rs.next();
                assertThat(rs.getInt(1)).isGreaterThanOrEqualTo(documents);
                assertThat(rs.getInt(2)).as("chunks embedded by the server").isEqualTo(rs.getInt(1));
                assertThat(server.embeddedTexts())
                        .as("texts the server embedded")
                        .isEqualTo(rs.getInt(1));
            }

            String[] first = ResearchScenario.DOCS[0];
            String query = "which consumer of a group reads the partitions of a topic";
            JsonNode vector = search(platform, query, "vector", 200);
            assertThat(vector.path("hits").get(0).path("documentId").asText())
                    .as("the document sharing the query's words, by the server's vectors")
                    .isEqualTo(first[0]);
            assertThat(vector.path("degraded").isNull()).isTrue();
            assertThat(server.embeddedTexts())
                    .as("the query was embedded by the server too")
                    .isGreaterThan(documents);

            server.close();
            JsonNode hybrid = search(platform, query + " again", "hybrid", 200);
            assertThat(hybrid.path("degraded").asText()).startsWith("keyword only: the embedding server at");
            assertThat(hybrid.path("hits").get(0).path("documentId").asText()).isEqualTo(first[0]);
            JsonNode refused = search(platform, query + " once more", "vector", 503);
            assertThat(refused.path("detail").asText()).contains("cannot embed the query");
        }
    }

    private JsonNode search(Platform platform, String query, String mode, int status) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(platform.url("retriever") + "/v1/search"))
                        .header("Content-Type", "application/json")
                        .header("Ragline-Tenant", "default")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                JSON.writeValueAsString(Map.of("query", query, "topK", 3, "mode", mode))))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return JSON.readTree(r.body());
    }
}
