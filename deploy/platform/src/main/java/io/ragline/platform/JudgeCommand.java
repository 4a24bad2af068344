package io.ragline.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ./ragline judge upload|run}: registers a golden dataset with the judge (a JSONL file, a SQuAD-style folder
 * whose {@code qa.*.jsonl} are taken as they are, or a BEIR folder's judged queries) and runs it now, showing progress until the run is done, then the
 * summary and where the report is.
 */
@Command(
        name = "judge",
        description = "golden datasets and quality runs on the judge",
        mixinStandardHelpOptions = true,
        subcommands = {JudgeCommand.Upload.class, JudgeCommand.Run.class})
final class JudgeCommand implements Runnable {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    /** Without a subcommand: its usage. */
    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "judge needs a subcommand: upload or run");
    }

    /** What both subcommands share: the judge's URL and the tenant. */
    abstract static class JudgeRequest extends RaglineCommand {

        @Option(names = "--tenant", paramLabel = "TENANT", defaultValue = "default")
        String tenant;

        @Option(names = "--judge", paramLabel = "URL", description = "the judge (default: the local platform's)")
        String judge;

        final HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

        String judge() {
            return judge != null ? judge : serviceUrl("judge");
        }
    }

    @Command(name = "upload", description = "register a golden dataset with the judge", mixinStandardHelpOptions = true)
    static final class Upload extends JudgeRequest {

        @Option(names = "--name", required = true, paramLabel = "NAME")
        String name;

        @Parameters(paramLabel = "FILE.jsonl|SQUAD_DIR|BEIR_DIR")
        Path source;

        @Override
        public Integer call() throws Exception {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(judge() + "/v1/evals/datasets/" + name + "?tenant=" + tenant))
                            .header("Content-Type", "text/plain")
                            .POST(HttpRequest.BodyPublishers.ofString(jsonl(source)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            System.out.println(r.statusCode() == 201 ? "registered: " + r.body() : "refused: " + r.body());
            return r.statusCode() == 201 ? 0 : 1;
        }
    }

    @Command(
            name = "run",
            description = "run a dataset now through the gateway's public API, with progress; prints the summary and"
                    + " the report URL",
            mixinStandardHelpOptions = true)
    static final class Run extends JudgeRequest {

        @Option(names = "--dataset", required = true, paramLabel = "NAME")
        String name;

        @Option(names = "--limit", paramLabel = "N", description = "only the first N questions")
        Integer limit;

        @Override
        public Integer call() throws Exception {
            ObjectNode start = JSON.createObjectNode().put("dataset", name).put("tenant", tenant);
            if (limit != null) {
                start.put("limit", limit);
            }
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(judge() + "/v1/evals/runs"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(start.toString()))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 202) {
                System.err.println("refused: " + r.body());
                return 1;
            }
            String id = JSON.readTree(r.body()).path("id").asText();
            JsonNode run;
            while (true) {
                run = JSON.readTree(http.send(
                                HttpRequest.newBuilder(URI.create(judge() + "/v1/evals/runs/" + id))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body());
                System.out.printf(
                        "\r%s: %d / %d questions",
                        id, run.path("done").asInt(), run.path("items").asInt());
                if (!run.path("status").asText().equals("running")) {
                    break;
                }
                Thread.sleep(1000);
            }
            System.out.println();
            System.out.println("status: " + run.path("status").asText()
                    + (run.path("regressed").asBoolean()
                            ? " — REGRESSED: " + run.path("reason").asText()
                            : ""));
            run.path("summary")
                    .fields()
                    .forEachRemaining(e -> System.out.printf(
                            "  %-12s %.4f  (95%% %.4f – %.4f, n=%d)%n",
                            e.getKey(),
                            e.getValue().path("mean").asDouble(),
                            e.getValue().path("low").asDouble(),
                            e.getValue().path("high").asDouble(),
                            e.getValue().path("n").asInt()));
            System.out.println("report: " + judge() + "/v1/evals/runs/" + id + "/report");
            return run.path("status").asText().equals("completed") ? 0 : 1;
        }
    }

    /**
     * A JSONL file as it is; every {@code qa.*.jsonl} of a SQuAD-style folder; or the judged queries of a BEIR folder
     * (test split if it has one, else train) with their relevant documents.
     */
    private static String jsonl(Path source) throws Exception {
        if (!Files.isDirectory(source)) {
            return Files.readString(source);
        }
        if (Files.exists(source.resolve("qrels"))) {
            String split = Files.exists(source.resolve("qrels/test.tsv")) ? "test" : "train";
            io.ragline.eval.Dataset beir = io.ragline.eval.Dataset.beir(source, split, null, null);
            StringBuilder out = new StringBuilder();
            beir.judgedQueries().forEach((id, question) -> {
                ObjectNode line = JSON.createObjectNode().put("question", question);
                var relevant = line.putArray("relevant_doc_ids");
                beir.qrels().get(id).forEach((doc, grade) -> {
                    if (grade > 0) {
                        relevant.add(doc);
                    }
                });
                out.append(line).append('\n');
            });
            return out.toString();
        }
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.list(source)) {
            for (Path f : files.filter(p -> p.getFileName().toString().matches("qa\\..*\\.jsonl"))
                    .sorted()
                    .toList()) {
                all.append(Files.readString(f)).append('\n');
            }
        }
        return all.toString();
    }
}
