package io.ragline.platform.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ragline.model.testing.ScriptedModelServer;
import io.ragline.model.testing.ScriptedModelServer.Reply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scripted research scenario on a running platform: six small documents to ingest and the model that plans,
 * extracts, writes and reviews a report over them ({@link #answer}, for a {@link ScriptedModelServer}). Shared by the
 * platform's integration tests and {@code ./ragline bench-research}.
 */
public final class ResearchScenario {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The documents the scripted research runs over: id, title, text. */
    public static final String[][] DOCS = {
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

    public static final List<String> LEVEL_ONE = List.of(
            "How do Kafka consumers share partitions?",
            "How are Kafka offsets committed?",
            "How does PostgreSQL vacuum reclaim space?");
    public static final List<String> LEVEL_TWO = List.of(
            "How do PostgreSQL transactions see data?",
            "How do HNSW indexes speed up vector search?",
            "How does ragline connect its services?");
    /** Model calls of one 3×2 job: plan, follow-ups, 6 × (queries, notes), write, review. */
    public static final int MODEL_CALLS = 1 + 1 + 6 * 2 + 1 + 1;

    private static final Pattern NOTE = Pattern.compile("^- (.*) \\(sources ([0-9, ]+)\\)$", Pattern.MULTILINE);
    private static final Pattern PASSAGE = Pattern.compile("<passage n=\"1\">(.*?)</passage>", Pattern.DOTALL);

    /** The scripted research model: plans the questions above, quotes passage 1 as the note, cites every note. */
    public static Reply answer(ScriptedModelServer.Request r) {
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
    public static void ingest(HttpClient http, String gateway) throws Exception {
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

    private ResearchScenario() {}
}
