package io.ragline.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ragline.runtime.Home;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README command one, end to end: the packaged services on the embedded broker and database. A document posted to the
 * gateway travels as an event through Kafka to ingest, lands in pgvector behind an HNSW index, survives a restart, and
 * stopping leaves no process behind.
 */
class PlatformIT {

    @TempDir
    Path data;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aDocumentTravelsFromGatewayThroughKafkaToIngestAndSurvivesARestart() throws Exception {
        Settings settings = Settings.from(Home.locate(), FreePorts.settings(data.resolve("data")));
        String id = "e2e-" + UUID.randomUUID();
        List<Long> pids;

        try (Platform platform = new Platform(settings).start(line -> {})) {
            assertThat(platform.readyAfter()).containsOnlyKeys(Settings.SERVICES);
            String gateway = platform.url("gateway");

            HttpResponse<String> accepted = http.send(
                    HttpRequest.newBuilder(URI.create(gateway + "/v1/documents"))
                            .header("content-type", "application/json")
                            .POST(
                                    HttpRequest.BodyPublishers.ofString(
                                            "{\"id\":\"" + id + "\",\"title\":\"Travel policy\","
                                                    + "\"text\":\"Trains are preferred over planes for trips under five hours.\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(accepted.statusCode()).isEqualTo(202);

            String indexed = awaitStatus(gateway, id, "indexed");
            assertThat(indexed).contains("\"chunkCount\":1");
            // every stage of the submission, with its time, through the public API
            JsonNode stages = new ObjectMapper().readTree(indexed).path("stages");
            for (String stage : List.of("queued", "parsing", "embedding", "indexed")) {
                assertThat(stages.path(stage).isTextual())
                        .as(stage + " in " + indexed)
                        .isTrue();
            }
            assertThat(Instant.parse(stages.path("queued").asText()))
                    .isBeforeOrEqualTo(Instant.parse(stages.path("indexed").asText()));
            try (Connection c = connect(platform.jdbcUrl());
                    Statement st = c.createStatement()) {
                st.execute("SET enable_seqscan = off");
                String nearest = "SELECT id, content FROM chunks ORDER BY embedding <=> (SELECT embedding FROM chunks"
                        + " WHERE document_id = '" + id + "') LIMIT 1";
                try (ResultSet rs = st.executeQuery(nearest)) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString("content")).contains("Trains are preferred");
                }
                StringBuilder plan = new StringBuilder();
                try (ResultSet rs = st.executeQuery("EXPLAIN " + nearest)) {
                    while (rs.next()) {
                        plan.append(rs.getString(1));
                    }
                }
                st.execute("RESET enable_seqscan");
                assertThat(plan).contains("chunks_embedding_hnsw");
            }
            HttpResponse<String> answer = http.send(
                    HttpRequest.newBuilder(URI.create(gateway + "/v1/chat"))
                            .header("content-type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"message\":\"Should I take the train or the plane for a short trip?\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(answer.body())
                    .contains("\"mode\":\"extractive\"")
                    .contains("No language model is configured")
                    .contains("Trains are preferred over planes for trips under five hours [1].")
                    .contains("\"documentId\":\"" + id + "\"");
            String citedChunk =
                    answer.body().replaceAll("(?s).*\"citations\":\\[\\{[^}]*?\"chunkId\":\"([^\"]+)\".*", "$1");
            try (Connection c = connect(platform.jdbcUrl());
                    Statement st = c.createStatement();
                    ResultSet rs =
                            st.executeQuery("SELECT document_id FROM chunks WHERE id::text = '" + citedChunk + "'")) {
                assertThat(rs.next()).as("cited chunk %s exists", citedChunk).isTrue();
                assertThat(rs.getString(1)).isEqualTo(id);
            }

            HttpResponse<String> uncovered = http.send(
                    HttpRequest.newBuilder(URI.create(gateway + "/v1/chat"))
                            .header("content-type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"message\":\"What is the boiling point of mercury?\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(uncovered.body()).contains("\"mode\":\"no_evidence\"").contains("\"citations\":[]");

            Path folder = data.resolve("docs");
            Files.createDirectories(folder.resolve("guides"));
            Files.writeString(folder.resolve("guides/setup.md"), "# Setup\n\nRun the installer, then sign in.");
            Files.writeString(folder.resolve("budget.csv"), "item,cost\nlaptop,1200\n");
            Files.write(folder.resolve("logo.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
            Files.writeString(folder.resolve("draft.tmp"), "excluded");
            ByteArrayOutputStream console = new ByteArrayOutputStream();
            FolderIngest.Summary summary = new FolderIngest(
                            new FolderIngest.Options(
                                    folder, gateway, List.of(), List.of("**/*.tmp"), 2, Duration.ofSeconds(90)),
                            new PrintStream(console, true, StandardCharsets.UTF_8))
                    .run();
            assertThat(summary.files()).isEqualTo(3);
            assertThat(summary.indexed()).isEqualTo(2);
            assertThat(summary.rejected()).isEqualTo(1);
            assertThat(summary.problems()).containsOnlyKeys("logo.png");
            assertThat(console.toString(StandardCharsets.UTF_8)).contains("2 indexed, 0 failed, 1 rejected");
            assertThat(awaitStatus(gateway, "guides/setup.md", "indexed")).contains("\"chunkCount\":1");

            pids = platform.pids();
            assertThat(pids).hasSize(7);
        }
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                    .as("process %d still running after stop", pid)
                    .isFalse();
        }

        try (Platform again = new Platform(settings).start(line -> {})) {
            assertThat(awaitStatus(again.url("gateway"), id, "indexed")).contains("Travel policy");
        }
    }

    private String awaitStatus(String gateway, String id, String status) throws Exception {
        long deadline = System.currentTimeMillis() + Duration.ofSeconds(90).toMillis();
        String last = "";
        while (System.currentTimeMillis() < deadline) {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(gateway + "/v1/documents/" + id))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            last = response.statusCode() + " " + response.body();
            if (response.statusCode() == 200 && response.body().contains("\"status\":\"" + status + "\"")) {
                return response.body();
            }
            Thread.sleep(300);
        }
        throw new AssertionError("document " + id + " never became " + status + "; last answer: " + last);
    }

    private static Connection connect(String url) throws Exception {
        return DriverManager.getConnection(url, "postgres", "postgres");
    }
}
