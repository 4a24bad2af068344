package io.ragline.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.jboss.logging.Logger;

/**
 * A real single-node KRaft Kafka broker (broker and controller in one JVM), started from the Maven artifacts recorded
 * by the {@code ragline-kafka-broker} module. Its data folder survives restarts and {@code kill -9}: the storage is
 * formatted once (again only if it never finished) and the cluster id is kept.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(KafkaBroker.class);
    private static final String CLASSPATH_RESOURCE = "ragline/kafka-broker.classpath";
    public static final String PROCESS_NAME = "kafka";

    /**
     * Where and how to run the broker.
     *
     * @param port the client listener
     * @param controllerPort the KRaft controller listener
     * @param dataDir configuration, log segments and metadata
     * @param runDir pid files
     * @param logDir the broker's output
     */
    public record Settings(String host, int port, int controllerPort, Path dataDir, Path runDir, Path logDir) {}

    private final Settings settings;
    private final ChildProcess process;

    private KafkaBroker(Settings settings, ChildProcess process) {
        this.settings = settings;
        this.process = process;
    }

    public static KafkaBroker start(Settings settings, Duration timeout) {
        try {
            Files.createDirectories(settings.dataDir());
            String classpath = brokerClasspath();
            Path properties = writeServerProperties(settings);
            String clusterId = clusterId(settings.dataDir());
            format(settings, classpath, properties, clusterId);
            List<String> command = new ArrayList<>(javaCommand(classpath));
            command.add("kafka.Kafka");
            command.add(properties.toString());
            ChildProcess process = ChildProcess.start(
                    PROCESS_NAME, command, Map.of(), settings.dataDir(), settings.runDir(), settings.logDir());
            KafkaBroker broker = new KafkaBroker(settings, process);
            broker.awaitReady(timeout);
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Kafka: " + e.getMessage(), e);
        }
    }

    public String bootstrapServers() {
        return settings.host() + ":" + settings.port();
    }

    public long pid() {
        return process.pid();
    }

    public ChildProcess process() {
        return process;
    }

    @Override
    public void close() {
        process.stop(Duration.ofSeconds(30));
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Kafka exited during start-up; its log (" + process.logFile()
                        + ") ends with:\n" + process.logTail(30));
            }
            if (Ports.isListening(settings.host(), settings.port())) {
                try (Admin admin = Admin.create(config)) {
                    admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
                    LOG.infof("Kafka ready on %s (pid %d)", bootstrapServers(), process.pid());
                    return;
                } catch (Exception e) {
                    LOG.debugf("Kafka not ready yet: %s", e.getMessage());
                }
            }
            sleep(200);
        }
        process.stop(Duration.ofSeconds(5));
        throw new IllegalStateException("Kafka did not become ready within " + timeout.toSeconds() + " s; log ("
                + process.logFile() + ") ends with:\n" + process.logTail(30));
    }

    static String brokerClasspath() throws IOException {
        try (InputStream in = KafkaBroker.class.getClassLoader().getResourceAsStream(CLASSPATH_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(
                        CLASSPATH_RESOURCE + " is not on the classpath: build deploy/kafka-broker");
            }
            String classpath = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            List<String> missing = Arrays.stream(classpath.split(java.io.File.pathSeparator))
                    .filter(entry -> !Files.exists(Path.of(entry)))
                    .toList();
            if (!missing.isEmpty()) {
                throw new IllegalStateException(
                        "the Kafka broker's jars are missing (run ./mvnw install): " + missing.get(0));
            }
            return classpath;
        }
    }

    static List<String> javaCommand(String classpath) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return List.of(
                java.toString(),
                "-D" + ChildProcess.marker(PROCESS_NAME),
                "-Xms128m",
                "-Xmx512m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Djava.awt.headless=true",
                "-cp",
                classpath);
    }

    private static Path writeServerProperties(Settings s) throws IOException {
        Path logs = s.dataDir().resolve("logs");
        String host = s.host();
        String text = String.join(
                        "\n",
                        "# written by ragline on every start; edit the launcher's settings instead",
                        "process.roles=broker,controller",
                        "node.id=1",
                        "controller.quorum.voters=1@" + host + ":" + s.controllerPort(),
                        "listeners=PLAINTEXT://" + host + ":" + s.port() + ",CONTROLLER://" + host + ":"
                                + s.controllerPort(),
                        "advertised.listeners=PLAINTEXT://" + host + ":" + s.port(),
                        "controller.listener.names=CONTROLLER",
                        "inter.broker.listener.name=PLAINTEXT",
                        "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                        "log.dirs=" + logs,
                        "num.partitions=3",
                        "auto.create.topics.enable=false",
                        "offsets.topic.replication.factor=1",
                        "offsets.topic.num.partitions=6",
                        "transaction.state.log.replication.factor=1",
                        "transaction.state.log.min.isr=1",
                        "share.coordinator.state.topic.replication.factor=1",
                        "share.coordinator.state.topic.min.isr=1",
                        "group.initial.rebalance.delay.ms=0",
                        "log.retention.hours=168",
                        "")
                + "\n";
        Path file = s.dataDir().resolve("server.properties");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    /** The cluster id recorded in formatted storage, or a new one (kept in cluster.id so a half-format can resume). */
    private static String clusterId(Path dataDir) throws IOException {
        Path meta = dataDir.resolve("logs").resolve("meta.properties");
        if (Files.exists(meta)) {
            Properties properties = new Properties();
            try (InputStream in = Files.newInputStream(meta)) {
                properties.load(in);
            }
            String id = properties.getProperty("cluster.id");
            if (id != null && !id.isBlank()) {
                return id.trim();
            }
        }
        Path idFile = dataDir.resolve("cluster.id");
        if (Files.exists(idFile)) {
            String id = Files.readString(idFile, StandardCharsets.UTF_8).trim();
            if (!id.isEmpty()) {
                return id;
            }
        }
        String id = Uuid.randomUuid().toString();
        Files.writeString(idFile, id, StandardCharsets.UTF_8);
        return id;
    }

    private static void format(Settings s, String classpath, Path properties, String clusterId) throws IOException {
        if (Files.exists(s.dataDir().resolve("logs").resolve("meta.properties"))) {
            return; // already formatted: a restart keeps its topics and offsets
        }
        List<String> command = new ArrayList<>(javaCommand(classpath));
        command.addAll(List.of(
                "kafka.tools.StorageTool",
                "format",
                "-t",
                clusterId,
                "-c",
                properties.toString(),
                "--ignore-formatted"));
        Files.createDirectories(s.logDir());
        Path log = s.logDir().resolve("kafka-format.log");
        Process process = new ProcessBuilder(command)
                .directory(s.dataDir().toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("formatting Kafka storage took more than 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("interrupted while formatting Kafka storage", e);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(
                    "formatting Kafka storage failed: " + Files.readString(log, StandardCharsets.UTF_8));
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
