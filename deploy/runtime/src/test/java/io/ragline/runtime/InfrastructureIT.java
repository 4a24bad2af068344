package io.ragline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.pgvector.PGvector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded runtime against itself: a real broker and a real pgvector database start, keep their data across a
 * {@code kill -9}, and come back on the same folders.
 */
class InfrastructureIT {

    @TempDir
    Path dir;

    @Test
    void brokerKeepsTopicsAndRecordsAcrossAKillAndRestart() throws Exception {
        int port = Ports.freePort();
        int controllerPort = Ports.freePort();
        KafkaBroker.Settings settings = new KafkaBroker.Settings(
                "127.0.0.1", port, controllerPort, dir.resolve("kafka"), dir.resolve("run"), dir.resolve("log"));
        String value = "hello-" + UUID.randomUUID();

        KafkaBroker first = KafkaBroker.start(settings, Duration.ofSeconds(90));
        Topics.ensure(first.bootstrapServers(), Map.of("it.topic", 2), (short) 1);
        try (KafkaProducer<String, String> producer = producer(first.bootstrapServers())) {
            producer.send(new ProducerRecord<>("it.topic", "k", value)).get();
        }
        ProcessHandle.of(first.pid()).orElseThrow().destroyForcibly(); // kill -9
        ProcessHandle.of(first.pid()).orElseThrow().onExit().get();

        // the crashed run left its pid file; a new start must cope with it and with formatted storage
        assertThat(dir.resolve("run/kafka.pid")).exists();
        try (KafkaBroker second = KafkaBroker.start(settings, Duration.ofSeconds(90))) {
            Topics.ensure(second.bootstrapServers(), Map.of("it.topic", 3), (short) 1);
            List<String> values = consumeAll(second.bootstrapServers(), "it.topic", 1);
            assertThat(values).containsExactly(value);
        }
        assertThat(dir.resolve("run/kafka.pid")).doesNotExist();
    }

    @Test
    void databaseKeepsVectorsAcrossAKillAndRestartAndAnswersThroughHnsw() throws Exception {
        Path data = dir.resolve("pgdata");
        PostgresServer.Settings settings = new PostgresServer.Settings(
                "127.0.0.1", Ports.freePort(), data, dir.resolve("run"), dir.resolve("log"), 8);

        PostgresServer first = PostgresServer.start(settings, Duration.ofSeconds(90));
        assertThat(migrate(first.jdbcUrl())).isEqualTo(2);
        try (Connection c = connect(first.jdbcUrl())) {
            insertDocumentWithChunks(c, "doc-1", 50);
        }
        ProcessHandle.of(first.pid()).orElseThrow().destroyForcibly();
        ProcessHandle.of(first.pid()).orElseThrow().onExit().get();

        try (PostgresServer second = PostgresServer.start(settings, Duration.ofSeconds(90));
                Connection c = connect(second.jdbcUrl())) {
            assertThat(migrate(second.jdbcUrl())).isZero();
            float[] query = vector(7);
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, embedding <=> ? AS distance FROM chunks WHERE tenant = ? ORDER BY embedding <=> ? LIMIT 3")) {
                ps.setObject(1, new PGvector(query));
                ps.setString(2, "acme");
                ps.setObject(3, new PGvector(query));
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString("id")).isEqualTo("doc-1#7");
                    assertThat(rs.getDouble("distance")).isLessThan(1e-5);
                }
            }
            assertThat(explain(c, "SELECT id FROM chunks ORDER BY embedding <=> '" + new PGvector(query) + "' LIMIT 3"))
                    .contains("chunks_embedding_hnsw");
        }
    }

    @Test
    void anIncompleteDataFolderIsMovedAsideNotFatal() throws Exception {
        Path data = dir.resolve("half");
        Files.createDirectories(data.resolve("base"));
        Files.writeString(data.resolve("base/junk"), "half-written");

        PostgresServer.prepareDataDir(data);

        assertThat(data).doesNotExist();
        try (var siblings = Files.list(dir)) {
            assertThat(siblings.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("half.incomplete-"));
        }
    }

    static void insertDocumentWithChunks(Connection c, String documentId, int chunks) throws SQLException {
        try (PreparedStatement doc = c.prepareStatement(
                "INSERT INTO documents (tenant, id, title, media_type, content_hash, status, version_at)"
                        + " VALUES ('acme', ?, 'T', 'text/plain', 'h', 'indexed', now())")) {
            doc.setString(1, documentId);
            doc.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO chunks (id, tenant, document_id, ordinal, content, content_hash, start_offset, end_offset,"
                        + " embedding, embedding_model) VALUES (?, 'acme', ?, ?, ?, ?, 0, 10, ?, 'test')")) {
            for (int i = 0; i < chunks; i++) {
                ps.setString(1, documentId + "#" + i);
                ps.setString(2, documentId);
                ps.setInt(3, i);
                ps.setString(4, "chunk number " + i);
                ps.setString(5, "h" + i);
                ps.setObject(6, new PGvector(vector(i)));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** A unit vector per seed, far from the others. */
    static float[] vector(int seed) {
        float[] v = new float[384];
        v[seed % 384] = 1f;
        v[(seed * 31 + 7) % 384] += 0.5f;
        return v;
    }

    private static String explain(Connection c, String sql) throws SQLException {
        try (var st = c.createStatement()) {
            st.execute("SET enable_seqscan = off");
            StringBuilder plan = new StringBuilder();
            try (ResultSet rs = st.executeQuery("EXPLAIN " + sql)) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
            st.execute("RESET enable_seqscan");
            return plan.toString();
        }
    }

    /** Two owners of this module's tests, each with its own history in one schema, as the services have. */
    private static int migrate(String jdbcUrl) {
        return Migrations.migrate(
                jdbcUrl,
                PostgresServer.USER,
                PostgresServer.PASSWORD,
                InfrastructureIT.class.getClassLoader(),
                List.of("runtime-it", "runtime-it-next"));
    }

    private static Connection connect(String url) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", PostgresServer.USER);
        p.setProperty("password", PostgresServer.PASSWORD);
        return DriverManager.getConnection(url, p);
    }

    private static KafkaProducer<String, String> producer(String bootstrap) {
        return new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(),
                new StringSerializer());
    }

    private static List<String> consumeAll(String bootstrap, String topic, int expected) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG,
                "it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 30_000;
            while (values.size() < expected && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    values.add(r.value());
                }
            }
        }
        return values;
    }
}
