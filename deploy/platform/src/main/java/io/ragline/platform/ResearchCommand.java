package io.ragline.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.stream.Stream;

/**
 * {@code ./ragline research "QUESTION"}: starts a research job through the gateway, follows its events (each finished
 * step, the stage and step counts) and prints the report as Markdown; {@code ./ragline research cancel ID} cancels one.
 */
public final class ResearchCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ResearchCommand() {}

    static int run(Settings settings, String[] args, PrintStream out) throws Exception {
        String gateway =
                "http://" + settings.host() + ":" + settings.servicePorts().get("gateway");
        ObjectNode request = JSON.createObjectNode();
        String key = System.getenv("RAGLINE_API_KEY");
        String cancel = null;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--breadth" -> request.put("breadth", Integer.parseInt(args[++i]));
                case "--depth" -> request.put("depth", Integer.parseInt(args[++i]));
                case "--max-sources" -> request.put("maxSources", Integer.parseInt(args[++i]));
                case "--id" -> request.put("id", args[++i]);
                case "--gateway" -> gateway = args[++i];
                case "--key" -> key = args[++i];
                case "cancel" -> cancel = args[++i];
                default -> request.put("question", args[i]);
            }
        }
        HttpClient http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        if (cancel != null) {
            HttpResponse<String> r = http.send(
                    authorized(HttpRequest.newBuilder(URI.create(gateway + "/v1/research/" + cancel)), key)
                            .DELETE()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            out.println(r.statusCode() == 202 ? "cancelling " + cancel : "refused: " + r.body());
            return r.statusCode() == 202 ? 0 : 1;
        }
        if (!request.hasNonNull("question")) {
            System.err.println("usage: ./ragline research \"QUESTION\" [--breadth N] [--depth N] [--max-sources N]"
                    + " [--gateway URL] [--key KEY] | research cancel ID");
            return 2;
        }
        HttpResponse<String> started = http.send(
                authorized(HttpRequest.newBuilder(URI.create(gateway + "/v1/research")), key)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(request.toString()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (started.statusCode() != 202 && started.statusCode() != 200) {
            System.err.println("refused (" + started.statusCode() + "): " + started.body());
            return 1;
        }
        String id = JSON.readTree(started.body()).path("id").asText();
        out.println("research " + id + " started; cancel with ./ragline research cancel " + id);
        JsonNode done = follow(http, gateway, id, key, out);
        if (done == null) {
            System.err.println("the event stream ended before the job did; see GET /v1/research/" + id);
            return 1;
        }
        out.println();
        String status = done.path("status").asText();
        if (done.hasNonNull("reportMarkdown")) {
            out.println(done.path("reportMarkdown").asText());
        }
        out.printf(
                "%s · %d steps · %d tokens%n",
                status,
                done.path("usage").path("steps").asInt(),
                done.path("usage").path("tokens").asInt());
        return status.equals("completed") ? 0 : 1;
    }

    /** Prints each event as it comes; returns the finished job, or null when the stream ended first. */
    public static JsonNode follow(HttpClient http, String gateway, String id, String key, PrintStream out)
            throws Exception {
        HttpResponse<Stream<String>> events = http.send(
                authorized(HttpRequest.newBuilder(URI.create(gateway + "/v1/research/" + id + "/events")), key)
                        .header("Accept", "text/event-stream")
                        .build(),
                HttpResponse.BodyHandlers.ofLines());
        String event = null;
        try (Stream<String> lines = events.body()) {
            Iterator<String> it = lines.iterator();
            while (it.hasNext()) {
                String line = it.next();
                if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ") && event != null) {
                    JsonNode data = JSON.readTree(line.substring(6));
                    switch (event) {
                        case "progress" ->
                            out.printf(
                                    "[%s] %d/%d steps%n",
                                    data.path("stage").asText(),
                                    data.path("completedSteps").asInt(),
                                    data.path("totalSteps").asInt());
                        case "step" ->
                            out.printf(
                                    "  %s %s%s%n",
                                    data.path("status").asText().equals("done") ? "✓" : "✗",
                                    data.path("kind").asText(),
                                    data.hasNonNull("question")
                                            ? ": " + data.path("question").asText()
                                            : "");
                        case "done" -> {
                            return data;
                        }
                        case "error" ->
                            out.println("error: " + data.path("detail").asText());
                        default -> {
                            // events added later are ignored
                        }
                    }
                }
            }
        }
        return null;
    }

    private static HttpRequest.Builder authorized(HttpRequest.Builder b, String key) {
        return key == null || key.isBlank() ? b : b.header("Authorization", "Bearer " + key);
    }
}
