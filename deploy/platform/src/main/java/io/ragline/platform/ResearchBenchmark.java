package io.ragline.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ragline.model.testing.ScriptedModelServer;
import io.ragline.model.testing.ScriptedModelServer.Reply;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ./ragline bench-research}: a 3×2 research job (3 sub-questions, 2 levels) on the packaged platform, its agents
 * talking to a scripted model server (answers at once, or after {@code --model-ms}) and searching six small documents
 * ingested first. Each job is asked through {@code POST /v1/research} and followed to its report; prints the median
 * time from request to report and the per-step overhead (that time less the model's scripted time, over the job's
 * Kafka steps), from the job's own step records.
 */
final class ResearchBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The documents the scripted research runs over: id, title, text. */
    static final String[][] DOCS = {
        {
            "kafka-consumers",
            "Kafka consumers",
            "Consumers in a group share the partitions of a topic. Each partition is"
                    + " read by one consumer of the group at a time."
        },
        {
            "kafka-offsets",
            "Kafka offsets",
            "Offsets are committed after the records are processed, so a restarted"
                    + " consumer resumes where it stopped."
        },
        {"pg-vacuum", "PostgreSQL vacuum", "Vacuum reclaims the space of dead rows in PostgreSQL tables."},
        {"pg-snapshots", "PostgreSQL snapshots", "Transactions in PostgreSQL see a consistent snapshot of the data."},
        {"pgvector-hnsw", "pgvector HNSW", "HNSW indexes make approximate vector search fast on large tables."},
        {
            "ragline-design",
            "ragline design",
            "ragline connects its services through Kafka and keeps its state in" + " PostgreSQL."
        }
    };

    static final List<String> LEVEL_ONE = List.of(
            "How do Kafka consumers share partitions?",
            "How are Kafka offsets committed?",
            "How does PostgreSQL vacuum reclaim space?");
    static final List<String> LEVEL_TWO = List.of(
            "How do PostgreSQL transactions see data?",
            "How do HNSW indexes speed up vector search?",
            "How does ragline connect its services?");
    /** Model calls of one 3×2 job: plan, follow-ups, 6 × (queries, notes), write, review. */
    static final int MODEL_CALLS = 1 + 1 + 6 * 2 + 1 + 1;

    private static final Pattern NOTE = Pattern.compile("^- (.*) \\(sources ([0-9, ]+)\\)$", Pattern.MULTILINE);
    private static final Pattern PASSAGE = Pattern.compile("<passage n=\"1\">(.*?)</passage>", Pattern.DOTALL);

    private ResearchBenchmark() {}

    /** The scripted research model: plans the questions above, quotes passage 1 as the note, cites every note. */
    static Reply answer(ScriptedModelServer.Request r) {
        String system = r.system();
        String user = r.user();
        if (system.startsWith("You plan a research report")) {
            return Reply.text(
                    "{\"outline\":[\"Kafka\",\"PostgreSQL\",\"ragline\"],\"questions\":" + json(LEVEL_ONE) + "}");
        }
        if (system.startsWith("You continue a research")) {
            return Reply.text("{\"questions\":" + json(LEVEL_TWO) + "}");
        }
        if (system.startsWith("Rewrite a research sub-question")) {
            return Reply.text("{\"queries\":[]}");
        }
        if (system.startsWith("Extract research notes")) {
            Matcher m = PASSAGE.matcher(user);
            if (!m.find()) {
                return Reply.text("{\"notes\":[]}");
            }
            String first = m.group(1).split("(?<=\\.)\\s")[0].replace("\"", "'");
            return Reply.text("{\"notes\":[{\"text\":\"" + first + "\",\"passages\":[1]}]}");
        }
        if (system.startsWith("Write a research report")) {
            List<String> claims = new ArrayList<>();
            Matcher m = NOTE.matcher(user);
            while (m.find()) {
                claims.add("{\"text\":\"" + m.group(1) + "\",\"sources\":[" + m.group(2) + "]}");
            }
            return Reply.text("{\"title\":\"How ragline's stack works\",\"sections\":[{\"heading\":\"Findings\","
                    + "\"claims\":[" + String.join(",", claims) + "]}]}");
        }
        if (system.startsWith("Check a research report's claims")) {
            int claims = user.split("<claim n=", -1).length - 1;
            List<String> verdicts = new ArrayList<>();
            for (int i = 1; i <= claims; i++) {
                verdicts.add("{\"claim\":" + i + ",\"verdict\":1,\"reason\":\"stated\"}");
            }
            return Reply.text("{\"verdicts\":[" + String.join(",", verdicts) + "]}");
        }
        return Reply.error(
                400, "unexpected prompt: " + system.lines().findFirst().orElse(""));
    }

    private static String json(List<String> items) {
        return JSON.valueToTree(items).toString();
    }

    /** Posts each document and waits until all are indexed. */
    static void ingest(HttpClient http, String gateway) throws Exception {
        for (String[] d : DOCS) {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(gateway + "/v1/documents"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(JSON.createObjectNode()
                                    .put("id", d[0])
                                    .put("title", d[1])
                                    .put("text", d[2])
                                    .toString()))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 202) {
                throw new IllegalStateException("document " + d[0] + " refused: " + r.body());
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        for (String[] d : DOCS) {
            while (true) {
                String body = http.send(
                                HttpRequest.newBuilder(URI.create(gateway + "/v1/documents/" + d[0]))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
                if (body.contains("\"status\":\"indexed\"")) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("document " + d[0] + " not indexed: " + body);
                }
                Thread.sleep(200);
            }
        }
    }

    static int run(Settings base, String[] args, PrintStream out) throws Exception {
        int jobs = 5;
        int modelMillis = 0;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--jobs" -> jobs = Integer.parseInt(args[++i]);
                case "--model-ms" -> modelMillis = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("usage: ./ragline bench-research [--jobs 5] [--model-ms 0]");
                    return 2;
                }
            }
        }
        Duration delay = Duration.ofMillis(modelMillis);
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (ScriptedModelServer model =
                ScriptedModelServer.start(r -> answer(r).delayed(delay))) {
            Settings settings = base.withDataDir(base.home().resolve("var/bench-research"));
            try (Platform platform = new Platform(settings)
                    .withEnv("agents", "AGENTS_MODEL_BASE_URL", model.baseUrl())
                    .withEnv("gateway", "GATEWAY_RESEARCH_MAX_TIME", "2M")
                    .start(line -> {})) {
                String gateway = platform.url("gateway");
                ingest(http, gateway);
                List<Long> totals = new ArrayList<>();
                List<Long> overheads = new ArrayList<>();
                int steps = 0;
                for (int j = 0; j <= jobs; j++) {
                    long t0 = System.nanoTime();
                    String id = start(http, gateway);
                    JsonNode done = ResearchCommand.follow(
                            http, gateway, id, null, new PrintStream(PrintStream.nullOutputStream()));
                    long micros = (System.nanoTime() - t0) / 1000;
                    if (done == null || !done.path("status").asText().equals("completed")) {
                        throw new IllegalStateException("job " + id + " ended " + done);
                    }
                    steps = messages(platform.jdbcUrl(), id);
                    if (j == 0) {
                        continue; // warm-up
                    }
                    totals.add(micros);
                    // the scripted model's own time is on the critical path once per sequential call
                    long critical = (long) criticalModelCalls() * modelMillis * 1000;
                    overheads.add((micros - critical) / steps);
                }
                Collections.sort(totals);
                Collections.sort(overheads);
                out.printf(
                        "3x2 research job, %d jobs, model answers after %d ms: request → report p50 %.1f ms (min %.1f,"
                                + " max %.1f); %d Kafka steps per job; per-step overhead p50 %.1f ms%n",
                        jobs,
                        modelMillis,
                        totals.get(totals.size() / 2) / 1000.0,
                        totals.get(0) / 1000.0,
                        totals.get(totals.size() - 1) / 1000.0,
                        steps,
                        overheads.get(overheads.size() / 2) / 1000.0);
            }
        }
        return 0;
    }

    /** Model calls one after another on a job's critical path: plan, 2 per level (researchers run side by side), follow-ups, write, review. */
    static int criticalModelCalls() {
        return 1 + 2 + 1 + 2 + 1 + 1;
    }

    private static String start(HttpClient http, String gateway) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(gateway + "/v1/research"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"question\":\"How does ragline's stack work?\"," + "\"breadth\":3,\"depth\":2}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 202) {
            throw new IllegalStateException("research refused: " + r.body());
        }
        return JSON.readTree(r.body()).path("id").asText();
    }

    /** Kafka messages one job took: its request and its steps. */
    static int messages(String jdbcUrl, String id) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", "postgres");
                PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM research_steps WHERE job_id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) + 1;
            }
        }
    }
}
