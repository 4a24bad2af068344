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
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code ./ragline research "QUESTION"}: starts a research job through the gateway, follows its events (each finished
 * step, the stage and step counts) and prints the report as Markdown; {@code ./ragline research cancel ID} cancels one.
 */
@Command(
        name = "research",
        description = "start a research job, show its steps as they finish, print the cited report",
        mixinStandardHelpOptions = true,
        subcommands = ResearchCommand.Cancel.class)
public final class ResearchCommand extends RaglineCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(arity = "0..1", paramLabel = "QUESTION", description = "what to research")
    String question;

    @Option(names = "--breadth", paramLabel = "N", description = "sub-questions per level (default 3)")
    Integer breadth;

    @Option(names = "--depth", paramLabel = "N", description = "levels of follow-up questions (default 1)")
    Integer depth;

    @Option(names = "--max-sources", paramLabel = "N", description = "sources the report may cite (default 20)")
    Integer maxSources;

    @Option(names = "--id", paramLabel = "ID", description = "the job's id (default: one is made)")
    String id;

    @Option(names = "--gateway", paramLabel = "URL", description = "the gateway (default: the local platform's)")
    String gateway;

    @Option(names = "--key", paramLabel = "KEY", description = "the API key (default: $RAGLINE_API_KEY)")
    String key = System.getenv("RAGLINE_API_KEY");

    @Spec
    CommandSpec spec;

    private final PrintStream out;

    ResearchCommand() {
        this(System.out);
    }

    /** A research command that prints to {@code out}. */
    public ResearchCommand(PrintStream out) {
        this.out = out;
    }

    private static HttpClient http() {
        return HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    @Command(name = "cancel", description = "cancel a research job", mixinStandardHelpOptions = true)
    static final class Cancel extends RaglineCommand {

        @Parameters(paramLabel = "ID")
        String id;

        @Option(names = "--gateway", paramLabel = "URL", description = "the gateway (default: the local platform's)")
        String gateway;

        @Option(names = "--key", paramLabel = "KEY", description = "the API key (default: $RAGLINE_API_KEY)")
        String key = System.getenv("RAGLINE_API_KEY");

        @ParentCommand
        ResearchCommand parent;

        @Override
        public Integer call() throws Exception {
            String gateway = this.gateway != null ? this.gateway : serviceUrl("gateway");
            HttpResponse<String> r = http().send(
                            authorized(HttpRequest.newBuilder(URI.create(gateway + "/v1/research/" + id)), key)
                                    .DELETE()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            parent.out.println(r.statusCode() == 202 ? "cancelling " + id : "refused: " + r.body());
            return r.statusCode() == 202 ? 0 : 1;
        }
    }

    @Override
    public Integer call() throws Exception {
        if (question == null || question.isBlank()) {
            throw new ParameterException(spec.commandLine(), "a QUESTION (or cancel ID) is required");
        }
        String gateway = this.gateway != null ? this.gateway : serviceUrl("gateway");
        ObjectNode request = JSON.createObjectNode().put("question", question);
        if (breadth != null) {
            request.put("breadth", breadth);
        }
        if (depth != null) {
            request.put("depth", depth);
        }
        if (maxSources != null) {
            request.put("maxSources", maxSources);
        }
        if (id != null) {
            request.put("id", id);
        }
        HttpClient http = http();
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
        String jobId = JSON.readTree(started.body()).path("id").asText();
        out.println("research " + jobId + " started; cancel with ./ragline research cancel " + jobId);
        JsonNode done = follow(http, gateway, jobId, key, out);
        if (done == null) {
            System.err.println("the event stream ended before the job did; see GET /v1/research/" + jobId);
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
