package io.ragline.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ragline.platform.testing.PrometheusText;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingest service SIGKILLed in the middle of indexing a stream of documents, then restarted: every document ends up
 * indexed exactly once. Each document has three Markdown sections, so each is exactly three chunks; after the restart
 * the chunk table holds three per document, ordinals 0..2 once each, and the document rows agree; the restarted
 * service embedded exactly the chunks of the documents that were not in the database yet and skipped, without
 * embedding or writing, every document that was applied but whose offset had not been committed.
 */
class IngestCrashIT {

    private static final int DOCUMENTS = 200;
    private static final int SECTIONS = 3;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void anIngestKilledMidBatchIndexesEveryDocumentExactlyOnceAfterRestart() throws Exception {
        String prefix = "crash-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        Settings settings = Settings.from(Home.locate(), FreePorts.settings(data.resolve("data")));
        try (Platform platform = new Platform(settings).start(line -> {})) {
            String gateway = platform.url("gateway");
            submit(gateway, prefix);

            // kill while ingest is writing: some documents are in, most are not
            Await.until(
                    () -> indexed(platform.jdbcUrl(), prefix) >= 20, Duration.ofSeconds(180), "ingest indexed nothing");
            platform.crash("ingest");
            int indexedAtCrash = indexed(platform.jdbcUrl(), prefix);
            long committedAtCrash = committedOffsets(platform.bootstrapServers());
            System.out.printf(
                    "ingest killed with %d of %d documents indexed, %d records committed%n",
                    indexedAtCrash, DOCUMENTS, committedAtCrash);
            assertThat(indexedAtCrash).as("the crash came mid-stream").isLessThan(DOCUMENTS);
            // what makes this a crash test: records already applied to the database but not yet committed to Kafka
            // come again after the restart, and must not be applied twice
            assertThat((long) indexedAtCrash)
                    .as("documents applied but not committed when ingest died")
                    .isGreaterThan(committedAtCrash);

            platform.restart("ingest");
            Await.until(
                    () -> indexed(platform.jdbcUrl(), prefix) == DOCUMENTS,
                    Duration.ofSeconds(300),
                    "not every document was indexed after the restart");

            // the restarted ingest embedded only what was not in the database and skipped what was
            String ingest = platform.url("ingest");
            assertThat(PrometheusText.metric(http, ingest, "ragline_ingest_chunks_embedded_total"))
                    .as("chunks embedded after the restart")
                    .isEqualTo((double) (DOCUMENTS - indexedAtCrash) * SECTIONS);
            assertThat(PrometheusText.metric(http, ingest, "ragline_ingest_documents_total{outcome=\"redelivered\"}"))
                    .as("applied documents delivered again and skipped")
                    .isEqualTo((double) (indexedAtCrash - committedAtCrash));

            try (Connection c = DriverManager.getConnection(platform.jdbcUrl(), "postgres", "postgres")) {
                assertThat(scalar(c, "SELECT count(*) FROM chunks WHERE document_id LIKE ?", prefix + "%"))
                        .as("chunks in total")
                        .isEqualTo((long) DOCUMENTS * SECTIONS);
                assertThat(scalar(
                                c,
                                "SELECT count(*) FROM (SELECT document_id, ordinal FROM chunks WHERE document_id LIKE ?"
                                        + " GROUP BY document_id, ordinal HAVING count(*) > 1) d",
                                prefix + "%"))
                        .as("chunks stored twice")
                        .isZero();
                assertThat(scalar(
                                c,
                                "SELECT count(*) FROM documents d WHERE d.id LIKE ? AND (d.chunk_count <> "
                                        + SECTIONS + " OR (SELECT count(*) FROM chunks k WHERE k.tenant = d.tenant"
                                        + " AND k.document_id = d.id) <> " + SECTIONS + ")",
                                prefix + "%"))
                        .as("documents whose row or chunks disagree with their three sections")
                        .isZero();
            }
        }
    }

    private void submit(String gateway, String prefix) throws Exception {
        List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
        for (int i = 0; i < DOCUMENTS; i++) {
            StringBuilder text = new StringBuilder();
            for (int s = 0; s < SECTIONS; s++) {
                text.append("## Finding ")
                        .append(s + 1)
                        .append(" of study ")
                        .append(i)
                        .append("\n\n");
                text.append("Study ")
                        .append(i)
                        .append(" measured outcome ")
                        .append(s)
                        .append(" in a cohort of ")
                        .append(100 + i * 7 + s)
                        .append(" patients over ")
                        .append(3 + s)
                        .append(" years. The treated group improved on the primary end point, while adverse events"
                                + " stayed within the expected range and no new safety signal appeared.\n\n");
            }
            String body = JSON.createObjectNode()
                    .put("id", prefix + i)
                    .put("title", "Study " + i)
                    .put("text", text.toString())
                    .toString();
            inFlight.add(http.sendAsync(
                    HttpRequest.newBuilder(URI.create(gateway + "/v1/documents"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
            if (inFlight.size() == 8) {
                drain(inFlight);
            }
        }
        drain(inFlight);
    }

    private static void drain(List<CompletableFuture<HttpResponse<String>>> inFlight) {
        for (CompletableFuture<HttpResponse<String>> f : inFlight) {
            HttpResponse<String> r = f.join();
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        }
        inFlight.clear();
    }

    private static int indexed(String jdbcUrl, String prefix) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", "postgres")) {
            return (int)
                    scalar(c, "SELECT count(*) FROM documents WHERE id LIKE ? AND status = 'indexed'", prefix + "%");
        }
    }

    private static long scalar(Connection c, String sql, String parameter) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, parameter);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Sum of the ingest group's committed offsets on documents.submitted (records it will not see again). */
    private static long committedOffsets(String bootstrapServers) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(props)) {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(admin.listConsumerGroupOffsets("ingest")
                    .partitionsToOffsetAndMetadata()
                    .get());
            return offsets.entrySet().stream()
                    .filter(e -> e.getKey().topic().equals("documents.submitted") && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset())
                    .sum();
        }
    }
}
