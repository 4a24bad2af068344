package io.ragline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ragline.model.testing.ScriptedModelServer;
import io.ragline.platform.Platform;
import io.ragline.platform.ResearchCommand;
import io.ragline.platform.Settings;
import io.ragline.platform.testing.ResearchScenario;
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

/**
 * {@code ./ragline bench-research}: a 3×2 research job (3 sub-questions, 2 levels) on the packaged platform, its agents
 * talking to a scripted model server (answers at once, or after {@code --model-ms}) and searching six small documents
 * ingested first. Each job is asked through {@code POST /v1/research} and followed to its report; prints the median
 * time from request to report and the per-step overhead (that time less the model's scripted time, over the job's
 * Kafka steps), from the job's own step records.
 */
final class ResearchBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ResearchBenchmark() {}

    static int run(Settings base, int jobs, int modelMillis, PrintStream out) throws Exception {
        Duration delay = Duration.ofMillis(modelMillis);
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (ScriptedModelServer model =
                ScriptedModelServer.start(r -> ResearchScenario.answer(r).delayed(delay))) {
            Settings settings = base.withDataDir(base.home().resolve("var/bench-research"));
            try (Platform platform = new Platform(settings)
                    .withEnv("agents", "AGENTS_MODEL_BASE_URL", model.baseUrl())
                    .withEnv("gateway", "GATEWAY_RESEARCH_MAX_TIME", "2M")
                    .start(line -> {})) {
                String gateway = platform.url("gateway");
                ResearchScenario.ingest(http, gateway);
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
