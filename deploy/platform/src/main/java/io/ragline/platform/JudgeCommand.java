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

/**
 * {@code ./ragline judge upload|run}: registers a golden dataset with the judge (a JSONL file, a SQuAD-style folder
 * whose {@code qa.*.jsonl} are taken as they are, or a BEIR folder's judged queries) and runs it now, showing progress until the run is done, then the
 * summary and where the report is.
 */
final class JudgeCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JudgeCommand() {}

    static int run(Settings settings, String[] args) throws Exception {
        String judge =
                "http://" + settings.host() + ":" + settings.servicePorts().get("judge");
        String sub = args.length > 1 ? args[1] : "";
        String name = null;
        Path source = null;
        Integer limit = null;
        String tenant = "default";
        for (int i = 2; i < args.length; i++) {
            switch (args[i]) {
                case "--name", "--dataset" -> name = args[++i];
                case "--limit" -> limit = Integer.parseInt(args[++i]);
                case "--tenant" -> tenant = args[++i];
                case "--judge" -> judge = args[++i];
                default -> source = Path.of(args[i]);
            }
        }
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        if (sub.equals("upload") && name != null && source != null) {
            String body = jsonl(source);
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(judge + "/v1/evals/datasets/" + name + "?tenant=" + tenant))
                            .header("Content-Type", "text/plain")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            System.out.println(r.statusCode() == 201 ? "registered: " + r.body() : "refused: " + r.body());
            return r.statusCode() == 201 ? 0 : 1;
        }
        if (sub.equals("run") && name != null) {
            ObjectNode start = JSON.createObjectNode().put("dataset", name).put("tenant", tenant);
            if (limit != null) {
                start.put("limit", limit);
            }
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(judge + "/v1/evals/runs"))
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
                                HttpRequest.newBuilder(URI.create(judge + "/v1/evals/runs/" + id))
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
            System.out.println("report: " + judge + "/v1/evals/runs/" + id + "/report");
            return run.path("status").asText().equals("completed") ? 0 : 1;
        }
        System.err.println("""
                usage: ./ragline judge upload --name NAME FILE.jsonl|SQUAD_DIR|BEIR_DIR [--tenant T]
                       ./ragline judge run --dataset NAME [--limit N] [--tenant T]""");
        return 2;
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
