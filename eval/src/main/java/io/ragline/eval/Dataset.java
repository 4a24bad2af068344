package io.ragline.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * A retrieval test collection: a corpus, queries and relevance judgements.
 *
 * <p>{@link #beir} reads a BEIR folder ({@code corpus.jsonl[.gz]}, {@code queries.jsonl} or
 * {@code queries.SPLIT.jsonl}, {@code qrels/SPLIT.tsv}); {@link #squad} reads a SQuAD-style question → passage set
 * ({@code passages.jsonl} in BEIR's corpus format and {@code qa.*.jsonl} lines with {@code question} and
 * {@code passage_id}), each question judging its own passage relevant.
 */
public record Dataset(
        String name, List<Doc> corpus, Map<String, String> queries, Map<String, Map<String, Integer>> qrels) {

    /** One corpus document. */
    public record Doc(String id, String title, String text) {}

    /** A question with its reference answers (several may be right) and the documents that answer it. */
    public record Question(String id, String text, List<String> answers, List<String> relevantIds) {}

    /**
     * The questions of a SQuAD-style {@code qa.*.jsonl} file: {@code id}, {@code question}, {@code answer} (or an
     * {@code answers} array) and {@code passage_id}.
     */
    public static List<Question> squadQuestions(Path qaFile) throws IOException {
        List<Question> out = new ArrayList<>();
        for (JsonNode q : readJsonLines(require(qaFile))) {
            List<String> answers = new ArrayList<>();
            if (q.path("answers").isArray()) {
                q.path("answers")
                        .forEach(a -> answers.add(a.isObject() ? a.path("text").asText() : a.asText()));
            } else if (q.hasNonNull("answer")) {
                answers.add(q.path("answer").asText());
            }
            out.add(new Question(
                    q.path("id").asText(),
                    q.path("question").asText(),
                    List.copyOf(answers),
                    q.hasNonNull("passage_id") ? List.of(q.path("passage_id").asText()) : List.of()));
        }
        return out;
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Only the queries that have judgements, in file order. */
    public Map<String, String> judgedQueries() {
        Map<String, String> judged = new LinkedHashMap<>();
        queries.forEach((id, text) -> {
            if (qrels.containsKey(id)) {
                judged.put(id, text);
            }
        });
        return judged;
    }

    /**
     * Reads a BEIR folder.
     *
     * @param queriesFile a queries file to use instead of the folder's (null: {@code queries.SPLIT.jsonl} if present,
     *     else {@code queries.jsonl})
     * @param qrelsFile a qrels file to use instead of {@code qrels/SPLIT.tsv} (null for that)
     */
    public static Dataset beir(Path dir, String split, Path queriesFile, Path qrelsFile) throws IOException {
        List<Doc> corpus = beirCorpus(dir);
        Path queriesPath = queriesFile != null
                ? queriesFile
                : Files.exists(dir.resolve("queries." + split + ".jsonl"))
                        ? dir.resolve("queries." + split + ".jsonl")
                        : dir.resolve("queries.jsonl");
        Map<String, String> queries = new LinkedHashMap<>();
        for (JsonNode q : readJsonLines(require(queriesPath))) {
            queries.put(q.path("_id").asText(), q.path("text").asText());
        }
        Path qrelsPath = qrelsFile != null ? qrelsFile : dir.resolve("qrels").resolve(split + ".tsv");
        Map<String, Map<String, Integer>> qrels = readQrels(require(qrelsPath));
        return new Dataset(dir.getFileName() + "/" + split, corpus, queries, qrels);
    }

    /** Only the corpus of a BEIR folder ({@code corpus.jsonl.gz} or {@code corpus.jsonl}). */
    public static List<Doc> beirCorpus(Path dir) throws IOException {
        Path corpusFile = Files.exists(dir.resolve("corpus.jsonl.gz"))
                ? dir.resolve("corpus.jsonl.gz")
                : dir.resolve("corpus.jsonl");
        return readCorpus(require(corpusFile));
    }

    /** Reads a SQuAD-style question → passage folder (every {@code qa.*.jsonl} in it). */
    public static Dataset squad(Path dir) throws IOException {
        List<Doc> corpus = readCorpus(require(dir.resolve("passages.jsonl")));
        Map<String, String> queries = new LinkedHashMap<>();
        Map<String, Map<String, Integer>> qrels = new LinkedHashMap<>();
        List<Path> qaFiles;
        try (Stream<Path> files = Files.list(dir)) {
            qaFiles = files.filter(p -> p.getFileName().toString().matches("qa\\..*\\.jsonl"))
                    .sorted()
                    .toList();
        }
        if (qaFiles.isEmpty()) {
            throw new IOException("no qa.*.jsonl file in " + dir);
        }
        for (Path qa : qaFiles) {
            for (JsonNode q : readJsonLines(qa)) {
                String id = q.path("id").asText();
                queries.put(id, q.path("question").asText());
                qrels.put(id, Map.of(q.path("passage_id").asText(), 1));
            }
        }
        return new Dataset(dir.getFileName().toString(), corpus, queries, qrels);
    }

    /** BEIR qrels: a header line, then {@code query-id <TAB> corpus-id <TAB> score}. */
    static Map<String, Map<String, Integer>> readQrels(Path file) throws IOException {
        Map<String, Map<String, Integer>> qrels = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || (i == 0 && line.startsWith("query-id"))) {
                continue;
            }
            String[] cols = line.split("\t");
            if (cols.length < 3) {
                throw new IOException(file + ":" + (i + 1) + ": expected query-id, corpus-id and score");
            }
            qrels.computeIfAbsent(cols[0], q -> new LinkedHashMap<>()).put(cols[1], Integer.parseInt(cols[2].strip()));
        }
        return qrels;
    }

    private static List<Doc> readCorpus(Path file) throws IOException {
        List<Doc> docs = new ArrayList<>();
        for (JsonNode node : readJsonLines(file)) {
            docs.add(new Doc(
                    node.path("_id").asText(),
                    node.path("title").asText(""),
                    node.path("text").asText("")));
        }
        return docs;
    }

    private static List<JsonNode> readJsonLines(Path file) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        try (InputStream raw = Files.newInputStream(file);
                InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    nodes.add(JSON.readTree(line));
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return nodes;
    }

    private static Path require(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("missing " + file);
        }
        return file;
    }
}
