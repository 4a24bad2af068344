package io.ragline.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ragline.model.testing.ScriptedModelServer;
import io.ragline.model.testing.ScriptedModelServer.Reply;
import io.ragline.platform.testing.ResearchScenario;
import io.ragline.runtime.Home;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Research on the packaged platform, through the gateway's public API, the real broker and database and real search
 * over ingested documents, the agents talking to a scripted model server: two agents instances share one job's
 * sub-questions and every citation of the report is a real chunk; an agents process killed in the middle of a
 * researcher step has the step redone after its restart, with nothing lost and nothing twice in the report.
 */
class ResearchPlatformIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int STEP_PARTITIONS = 6;

    @TempDir
    Path data;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void twoAgentsInstancesShareAJobAndEveryCitationIsARealChunk() throws Exception {
        try (ScriptedModelServer model = ScriptedModelServer.start(r -> {
            Reply reply = ResearchScenario.answer(r);
            return r.system().startsWith("Extract research notes") ? reply.delayed(Duration.ofMillis(800)) : reply;
        })) {
            Settings settings = Settings.from(Home.locate(), FreePorts.settings(data.resolve("data")));
            try (Platform platform = new Platform(settings)
                    .withEnv("agents", "AGENTS_MODEL_BASE_URL", model.baseUrl())
                    .start(line -> {})) {
                String gateway = platform.url("gateway");
                ResearchScenario.ingest(http, gateway);
                platform.addInstance("agents");
                awaitMembers(platform.bootstrapServers(), "agents-research-steps", 2);

                String id = spreadJobId();
                ByteArrayOutputStream console = new ByteArrayOutputStream();
                int exit = Commands.commandLine(
                                new ResearchCommand(new PrintStream(console, true, StandardCharsets.UTF_8))
                                        .with(settings))
                        .execute(
                                "How does ragline's stack work?",
                                "--breadth",
                                "3",
                                "--depth",
                                "2",
                                "--id",
                                id,
                                "--gateway",
                                gateway);
                String shown = console.toString(StandardCharsets.UTF_8);

                assertThat(exit).as(shown).isZero();
                assertThat(shown)
                        .contains("[researching]")
                        .contains("✓ research: How do Kafka consumers share partitions?")
                        .contains("[completed] 8/8 steps")
                        .contains("# How ragline's stack works")
                        .contains("completed ·");
                JsonNode job = get(gateway + "/v1/research/" + id);
                assertThat(job.path("status").asText()).isEqualTo("completed");
                Set<String> workers = new HashSet<>();
                job.path("steps").forEach(s -> {
                    if (s.path("kind").asText().equals("research")) {
                        workers.add(s.path("worker").asText());
                    }
                });
                assertThat(workers).as("researcher steps ran on both instances").hasSize(2);

                String md = job.path("reportMarkdown").asText();
                JsonNode sources = job.path("report").path("sources");
                assertThat(sources.size()).isGreaterThanOrEqualTo(3);
                Matcher cited = Pattern.compile("\\[(\\d+)]").matcher(md);
                while (cited.find()) {
                    assertThat(Integer.parseInt(cited.group(1))).isBetween(1, sources.size());
                }
                try (Connection c = DriverManager.getConnection(platform.jdbcUrl(), "postgres", "postgres");
                        PreparedStatement ps =
                                c.prepareStatement("SELECT document_id, content FROM chunks WHERE id::text = ?")) {
                    for (JsonNode s : sources) {
                        ps.setString(1, s.path("chunkId").asText());
                        try (ResultSet rs = ps.executeQuery()) {
                            assertThat(rs.next())
                                    .as("source %s is a real chunk", s)
                                    .isTrue();
                            assertThat(rs.getString(1))
                                    .isEqualTo(s.path("documentId").asText());
                            assertThat(rs.getString(2)).isEqualTo(s.path("text").asText());
                        }
                    }
                }
            }
        }
    }

    @Test
    void anAgentKilledMidStepHasTheStepRedoneAndTheReportHoldsItOnce() throws Exception {
        AtomicBoolean slowOnce = new AtomicBoolean(true);
        AtomicInteger notesAsked = new AtomicInteger();
        try (ScriptedModelServer model = ScriptedModelServer.start(r -> {
            Reply reply = ResearchScenario.answer(r);
            if (r.system().startsWith("Extract research notes")
                    && r.user().contains("How are Kafka offsets committed?")) {
                notesAsked.incrementAndGet();
                if (slowOnce.getAndSet(false)) {
                    return reply.delayed(Duration.ofSeconds(30));
                }
            }
            return reply;
        })) {
            Settings settings = Settings.from(Home.locate(), FreePorts.settings(data.resolve("data")));
            try (Platform platform = new Platform(settings)
                    .withEnv("agents", "AGENTS_MODEL_BASE_URL", model.baseUrl())
                    .start(line -> {})) {
                String gateway = platform.url("gateway");
                ResearchScenario.ingest(http, gateway);
                String id = "crash-" + UUID.randomUUID();
                send(
                        "{\"id\":\"" + id
                                + "\",\"question\":\"How does ragline's stack work?\",\"breadth\":3,\"depth\":1}",
                        gateway);

                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while (notesAsked.get() == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertThat(notesAsked.get())
                        .as("the researcher reached the model")
                        .isPositive();
                platform.crashAndRestart("agents");

                JsonNode job = awaitFinished(gateway, id, Duration.ofSeconds(150));
                assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("completed");
                assertThat(notesAsked.get()).as("the killed step was redone").isGreaterThanOrEqualTo(2);
                List<String> research = new ArrayList<>();
                job.path("steps").forEach(s -> {
                    if (s.path("kind").asText().equals("research")) {
                        research.add(s.path("status").asText());
                    }
                });
                assertThat(research).containsExactly("done", "done", "done");
                String md = job.path("reportMarkdown").asText();
                String offsets = "Offsets are committed after the records are processed, so a restarted consumer"
                        + " resumes where it stopped";
                assertThat(md).contains(offsets);
                assertThat(md.indexOf(offsets)).as("once").isEqualTo(md.lastIndexOf(offsets));
            }
        }
    }

    /**
     * A job id whose researcher steps' keys fall on both halves of research.steps' partitions (the range assignor gives
     * each of two members one half), at both levels: then both instances are bound to get work.
     */
    private static String spreadJobId() {
        for (int attempt = 0; attempt < 10_000; attempt++) {
            String id = "share-" + UUID.randomUUID();
            if (bothHalves(id, 1) && bothHalves(id, 2)) {
                return id;
            }
        }
        throw new IllegalStateException("no job id spreads its steps");
    }

    private static boolean bothHalves(String id, int level) {
        Set<Boolean> halves = new HashSet<>();
        for (int n = 1; n <= 3; n++) {
            byte[] key = (id + "/research-" + level + "-" + n).getBytes(StandardCharsets.UTF_8);
            halves.add(Utils.toPositive(Utils.murmur2(key)) % STEP_PARTITIONS < STEP_PARTITIONS / 2);
        }
        return halves.size() == 2;
    }

    private static void awaitMembers(String bootstrap, String group, int members) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        String last = "";
        try (Admin admin = Admin.create(p)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                Map<String, ConsumerGroupDescription> d =
                        admin.describeConsumerGroups(List.of(group)).all().get();
                ConsumerGroupDescription g = d.get(group);
                last = g.toString();
                if (g.members().size() == members
                        && g.members().stream()
                                .allMatch(m -> !m.assignment().topicPartitions().isEmpty())
                        && g.groupState().toString().equalsIgnoreCase("stable")) {
                    return;
                }
                Thread.sleep(500);
            }
        }
        throw new AssertionError(group + " never had " + members + " members with partitions: " + last);
    }

    private JsonNode awaitFinished(String gateway, String id, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        JsonNode job = null;
        while (System.nanoTime() < deadline) {
            job = get(gateway + "/v1/research/" + id);
            if (List.of("completed", "budget_exhausted", "cancelled", "failed")
                    .contains(job.path("status").asText())) {
                return job;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("research " + id + " did not finish: " + job);
    }

    private void send(String body, String gateway) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(gateway + "/v1/research"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    }

    private JsonNode get(String url) throws Exception {
        return JSON.readTree(
                http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
                        .body());
    }
}
