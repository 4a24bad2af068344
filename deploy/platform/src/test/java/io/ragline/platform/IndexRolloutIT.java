package io.ragline.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pgvector.PGvector;
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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rolling out a new embedding model without a gap: version 1 (the in-process model) serves while a second ingest
 * deployment (index version 2, its own consumer, an embedding server's model) builds version 2 beside it — from the
 * submissions still in Kafka and by re-embedding version 1's chunks of a document older than the topic's retention —
 * keeps it current with new submissions and deletes, a retriever switched to version 2 sees only version 2, and
 * version 1 is then dropped.
 */
class IndexRolloutIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "scripted-hashed-words";

    @TempDir
    Path data;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aNewIndexVersionIsBuiltBesideTheServingOneAndSwitchedTo() throws Exception {
        Function<String, float[]> words = ScriptedModelServer.hashedWords(384);
        ScriptedModelServer server = ScriptedModelServer.start(r -> ScriptedModelServer.Reply.text("unused"));
        server.embeddings(words);
        Settings settings = Settings.from(Home.locate(), FreePorts.settings(data.resolve("data")));
        try (server;
                Platform platform = new Platform(settings)
                        .only("gateway", "ingest", "retriever")
                        .start(line -> {});
                Connection db = DriverManager.getConnection(platform.jdbcUrl(), "postgres", "postgres")) {
            ResearchScenario.ingest(http, platform.url("gateway"));
            int live = ResearchScenario.DOCS.length;
            // documents indexed long ago: their submissions are no longer in Kafka, only their version 1 chunks are;
            // the latest submission of the second failed, which keeps its earlier chunks searchable
            insertLegacyDocument(db, words, "legacy", "indexed");
            insertLegacyDocument(db, words, "legacy-failed", "failed");
            assertThat(documentsIn(db, 1)).isEqualTo(live + 2);
            int v1Chunks = chunksIn(db, 1);

            String green = platform.addInstance(
                    "ingest",
                    Map.of(
                            "INGEST_INDEX_VERSION",
                            "2",
                            "INGEST_CONSUMER",
                            "ingest-v2",
                            "INGEST_EMBEDDING_URL",
                            server.baseUrl(),
                            "INGEST_EMBEDDING_MODEL_NAME",
                            MODEL));
            // its own consumer group reads documents.submitted from the start: the live documents arrive by themselves
            Await.until(() -> documentsIn(db, 2) == live, Duration.ofSeconds(90), "version 2 built from Kafka");
            JsonNode versions = get(platform.url(green) + "/v1/index/versions");
            assertThat(versions.at("/writing/indexVersion").asInt()).isEqualTo(2);
            assertThat(versions.at("/writing/consumer").asText()).isEqualTo("ingest-v2");
            assertThat(versions.at("/versions/0/documents").asInt()).isEqualTo(live + 2);
            assertThat(versions.at("/versions/1/embeddingModel").asText()).isEqualTo(MODEL);

            // the rest by re-embedding version 1's chunks
            HttpResponse<String> backfill = post(platform.url(green) + "/v1/index/backfill", "{\"fromVersion\":1}");
            assertThat(backfill.statusCode()).as(backfill.body()).isEqualTo(202);
            assertThat(JSON.readTree(backfill.body()).path("queued").asInt()).isEqualTo(2);
            Await.until(
                    () -> documentsIn(db, 2) == live + 2, Duration.ofSeconds(60), "the legacy documents re-embedded");
            assertThat(chunksIn(db, 2)).isEqualTo(v1Chunks);
            assertThat(chunksIn(db, 1)).as("version 1 untouched").isEqualTo(v1Chunks);
            try (ResultSet rs = db.createStatement()
                    .executeQuery("SELECT a.content = b.content AND a.start_offset = b.start_offset"
                            + " AND a.heading_path IS NOT DISTINCT FROM b.heading_path, b.embedding_model, b.id <> a.id"
                            + " FROM chunks a JOIN chunks b ON b.document_id = a.document_id AND b.ordinal = a.ordinal"
                            + " WHERE a.document_id = 'legacy' AND a.index_version = 1 AND b.index_version = 2")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBoolean(1)).as("the same chunk").isTrue();
                assertThat(rs.getString(2)).isEqualTo(MODEL);
                assertThat(rs.getBoolean(3)).as("its own row").isTrue();
            }
            // asked again, nothing is missing
            assertThat(JSON.readTree(post(platform.url(green) + "/v1/index/backfill", "{\"fromVersion\":1}")
                                    .body())
                            .path("queued")
                            .asInt())
                    .isZero();
            assertThat(post(platform.url(green) + "/v1/index/backfill", "{\"fromVersion\":2}")
                            .statusCode())
                    .isEqualTo(400);

            // during the roll-out both versions follow new submissions and deletes
            HttpResponse<String> added = post(
                    platform.url("gateway") + "/v1/documents",
                    "{\"id\":\"lighthouses\",\"title\":\"Lighthouses\",\"text\":\"A lighthouse keeper tends the lamp"
                            + " and the fog signal through the night.\"}");
            assertThat(added.statusCode()).as(added.body()).isEqualTo(202);
            Await.until(
                    () -> versionsHolding(db, "lighthouses").equals(Set.of(1, 2)),
                    Duration.ofSeconds(60),
                    "the new document in both versions");
            HttpResponse<String> deleted = http.send(
                    HttpRequest.newBuilder(URI.create(platform.url("gateway") + "/v1/documents/kafka-offsets"))
                            .DELETE()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(202);
            Await.until(
                    () -> versionsHolding(db, "kafka-offsets").isEmpty() && chunkCount(db, "kafka-offsets") == 0,
                    Duration.ofSeconds(60),
                    "the deleted document gone from both versions");

            // the serving retriever sees version 1 only; one switched to version 2 sees version 2 only
            String query = "which consumer of a group reads the partitions of a topic";
            assertThat(versionsOf(db, searchIds(platform.url("retriever"), query, "hybrid")))
                    .containsExactly(1);
            String switched = platform.addInstance(
                    "retriever",
                    Map.of(
                            "RETRIEVER_EMBEDDING_INDEX_VERSION",
                            "2",
                            "RETRIEVER_EMBEDDING_URL",
                            server.baseUrl(),
                            "RETRIEVER_EMBEDDING_MODEL_NAME",
                            MODEL));
            for (String mode : List.of("hybrid", "keyword", "vector")) {
                List<String> ids = searchIds(platform.url(switched), query, mode);
                assertThat(ids).as(mode).isNotEmpty();
                assertThat(versionsOf(db, ids)).as(mode).containsExactly(2);
                assertThat(new HashSet<>(documentsOf(db, ids)))
                        .as(mode + ": one chunk per document here, never two versions of one")
                        .hasSameSizeAs(ids);
            }

            // version 1 is dropped from the deployment that replaced it; a deployment never drops its own version
            assertThat(http.send(
                                    HttpRequest.newBuilder(URI.create(platform.url(green) + "/v1/index/versions/2"))
                                            .DELETE()
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode())
                    .isEqualTo(409);
            HttpResponse<String> dropped = http.send(
                    HttpRequest.newBuilder(URI.create(platform.url(green) + "/v1/index/versions/1"))
                            .DELETE()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(dropped.statusCode()).as(dropped.body()).isEqualTo(200);
            assertThat(chunksIn(db, 1)).isZero();
            assertThat(documentsIn(db, 1)).isZero();
            assertThat(count(db, "SELECT count(*) FROM chunk_terms WHERE index_version = 1"))
                    .isZero();
            assertThat(documentsIn(db, 2)).isEqualTo(live + 2);
            assertThat(searchIds(platform.url(switched), query, "hybrid")).isNotEmpty();
        }
    }

    private static void insertLegacyDocument(
            Connection db, Function<String, float[]> anyVectors, String id, String status) throws Exception {
        String text = "Lamps of old lighthouses burned whale oil before kerosene and electric light (" + id + ").";
        db.setAutoCommit(false);
        try (PreparedStatement d = db.prepareStatement("INSERT INTO documents (tenant, id, title, media_type,"
                        + " content_hash, status, chunk_count, embedding_model, version_at, stage)"
                        + " VALUES ('default', ?, 'Old lamps', 'text/plain', 'h-legacy', ?, 1,"
                        + " 'bge-small-en-v1.5-q', ?, ?)");
                PreparedStatement v = db.prepareStatement("INSERT INTO document_index_versions (tenant, document_id,"
                        + " index_version, embedding_model, content_hash, title, chunk_count)"
                        + " VALUES ('default', ?, 1, 'bge-small-en-v1.5-q', 'h-legacy', 'Old lamps', 1)");
                PreparedStatement c = db.prepareStatement("INSERT INTO chunks (id, tenant, document_id, ordinal,"
                        + " content, content_hash, start_offset, end_offset, embedding, embedding_model,"
                        + " index_version) VALUES (?, 'default', ?, 0, ?, 'c-legacy', 0, ?, ?,"
                        + " 'bge-small-en-v1.5-q', 1)")) {
            d.setString(1, id);
            d.setString(2, status);
            d.setTimestamp(3, Timestamp.from(Instant.now().minus(Duration.ofDays(30))));
            d.setString(4, status);
            d.executeUpdate();
            v.setString(1, id);
            v.executeUpdate();
            c.setString(1, id + "-0");
            c.setString(2, id);
            c.setString(3, text);
            c.setInt(4, text.length());
            c.setObject(5, new PGvector(anyVectors.apply(text)));
            c.executeUpdate();
            db.commit();
        } finally {
            db.setAutoCommit(true);
        }
    }

    private static int count(Connection db, String sql) throws Exception {
        try (ResultSet rs = db.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static int documentsIn(Connection db, int version) throws Exception {
        return count(db, "SELECT count(*) FROM document_index_versions WHERE index_version = " + version);
    }

    private static int chunksIn(Connection db, int version) throws Exception {
        return count(db, "SELECT count(*) FROM chunks WHERE index_version = " + version);
    }

    private static int chunkCount(Connection db, String documentId) throws Exception {
        return count(db, "SELECT count(*) FROM chunks WHERE document_id = '" + documentId + "'");
    }

    private static Set<Integer> versionsHolding(Connection db, String documentId) throws Exception {
        Set<Integer> out = new HashSet<>();
        try (ResultSet rs = db.createStatement()
                .executeQuery(
                        "SELECT index_version FROM document_index_versions WHERE document_id = '" + documentId + "'")) {
            while (rs.next()) {
                out.add(rs.getInt(1));
            }
        }
        return out;
    }

    private static Set<Integer> versionsOf(Connection db, List<String> chunkIds) throws Exception {
        Set<Integer> out = new HashSet<>();
        columnOf(db, "index_version", chunkIds).forEach(v -> out.add(Integer.parseInt(v)));
        return out;
    }

    private static List<String> documentsOf(Connection db, List<String> chunkIds) throws Exception {
        return columnOf(db, "document_id", chunkIds);
    }

    /** One column of the given chunks, as text. */
    private static List<String> columnOf(Connection db, String column, List<String> chunkIds) throws Exception {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement("SELECT " + column + "::text FROM chunks WHERE id = ANY (?)")) {
            ps.setArray(1, db.createArrayOf("text", chunkIds.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private List<String> searchIds(String retriever, String query, String mode) throws Exception {
        HttpResponse<String> r = post(
                retriever + "/v1/search", JSON.writeValueAsString(Map.of("query", query, "topK", 10, "mode", mode)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        JSON.readTree(r.body())
                .path("hits")
                .forEach(h -> ids.add(h.path("chunkId").asText()));
        return ids;
    }

    private JsonNode get(String url) throws Exception {
        HttpResponse<String> r =
                http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private HttpResponse<String> post(String url, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/json")
                        .header("Ragline-Tenant", "default")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
