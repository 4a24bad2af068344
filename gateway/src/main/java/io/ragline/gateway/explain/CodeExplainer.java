package io.ragline.gateway.explain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import io.ragline.gateway.problem.ProblemException;
import io.ragline.model.Completion;
import io.ragline.model.ModelServer;
import io.ragline.model.ModelUnavailableException;
import io.ragline.model.Prompts;
import io.ragline.model.Task;
import io.ragline.retriever.api.ChunksApi;
import io.ragline.retriever.api.SearchRequest;
import io.ragline.retriever.api.SearchResponse;
import io.ragline.retriever.client.RetrieverClient;
import io.ragline.retriever.client.RetrieverUnavailableException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Explains code in two model calls (what it does step by step, then its risks), each answering validated JSON and
 * retried once when the JSON is malformed, with related indexed code from the retriever. Without a model: the
 * declarations outline and the related code only, and a notice that the explanation needs a model.
 */
@ApplicationScoped
public class CodeExplainer {

    static final int MAX_CODE_CHARS = 40_000;
    static final String STEPS = Prompts.load(CodeExplainer.class, "prompts/explain-steps.v1.txt");
    static final String RISKS = Prompts.load(CodeExplainer.class, "prompts/explain-risks.v1.txt");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DECLARATION = Pattern.compile(
            "^\\s*(?:(?:public|private|protected|static|final|abstract|export|default|async|override|pub|internal)\\s+)*"
                    + "(class|interface|enum|record|struct|trait|impl|def|fn|func|function|module|object)\\s+"
                    + "([A-Za-z_$][\\w$]*)",
            Pattern.MULTILINE);
    private static final Pattern JAVA_METHOD = Pattern.compile(
            "^\\s*(?:(?:public|private|protected|static|final|synchronized|abstract)\\s+)+[\\w<>\\[\\], ?]+\\s+"
                    + "([a-zA-Z_]\\w*)\\s*\\(",
            Pattern.MULTILINE);

    /** {@code POST /v1/explain}: exactly one of {@code code} and {@code documentId}. */
    public record ExplainRequest(String code, String documentId, String language) {}

    public record Risk(String severity, Integer line, String description) {}

    public record Declaration(int line, String kind, String name) {}

    public record Related(String documentId, String title, String chunkId, double score, String snippet) {}

    public record Explanation(
            String mode,
            String model,
            String notice,
            String language,
            String summary,
            List<String> steps,
            List<Risk> risks,
            List<Declaration> outline,
            List<Related> related,
            int promptTokens,
            int completionTokens,
            long totalMs) {}

    @Inject
    ModelServer models;

    @Inject
    RetrieverClient retriever;

    public Explanation explain(String tenant, ExplainRequest request) {
        long t0 = System.nanoTime();
        boolean hasCode =
                request != null && request.code() != null && !request.code().isBlank();
        boolean hasDoc = request != null
                && request.documentId() != null
                && !request.documentId().isBlank();
        if (hasCode == hasDoc) {
            throw new ProblemException(400, "send exactly one of 'code' and 'documentId'");
        }
        String code = hasCode ? request.code() : documentText(tenant, request.documentId());
        if (code.length() > MAX_CODE_CHARS) {
            throw new ProblemException(
                    hasCode ? 413 : 400,
                    "the code has " + code.length() + " characters; the limit is " + MAX_CODE_CHARS
                            + " (explain one file or one part at a time)");
        }
        String language = request.language() != null && !request.language().isBlank()
                ? request.language().strip()
                : guessLanguage(code);
        List<Declaration> outline = outline(code);
        List<Related> related = related(tenant, code, hasDoc ? request.documentId() : null);

        if (!models.available()) {
            return new Explanation(
                    "extractive",
                    "none",
                    "Explaining code needs a model server"
                            + (models.configured() ? " (it is unavailable now)" : " (set gateway.model.base-url)")
                            + ": only the outline of its declarations and related indexed code are shown.",
                    language,
                    null,
                    List.of(),
                    List.of(),
                    outline,
                    related,
                    0,
                    0,
                    millis(t0));
        }
        String numbered = numbered(code);
        String user = "Language: " + language + "\n<code>\n" + numbered + "\n</code>";
        int prompt = 0;
        int written = 0;
        String model = models.modelFor(Task.EXPLAIN);
        try {
            Answer steps = json(List.of(SystemMessage.from(STEPS), UserMessage.from(user)), "summary");
            prompt += steps.completion.promptTokens();
            written += steps.completion.completionTokens();
            model = steps.completion.model();
            List<String> stepList = new ArrayList<>();
            steps.json.path("steps").forEach(s -> stepList.add(s.asText()));
            Answer risks = json(
                    List.of(
                            SystemMessage.from(RISKS),
                            UserMessage.from(user + "\nWhat it does: "
                                    + steps.json.path("summary").asText())),
                    "risks");
            prompt += risks.completion.promptTokens();
            written += risks.completion.completionTokens();
            List<Risk> riskList = new ArrayList<>();
            for (JsonNode r : risks.json.path("risks")) {
                riskList.add(new Risk(
                        r.path("severity").asText("medium").toLowerCase(Locale.ROOT),
                        r.path("line").canConvertToInt() ? r.path("line").asInt() : null,
                        r.path("description").asText()));
            }
            return new Explanation(
                    "generative",
                    model,
                    null,
                    language,
                    steps.json.path("summary").asText(),
                    stepList,
                    riskList,
                    outline,
                    related,
                    prompt,
                    written,
                    millis(t0));
        } catch (ModelUnavailableException e) {
            return new Explanation(
                    "extractive",
                    "none",
                    "Explaining code needs a model server, which failed (" + e.getMessage()
                            + "): only the outline of its declarations and related indexed code are shown.",
                    language,
                    null,
                    List.of(),
                    List.of(),
                    outline,
                    related,
                    prompt,
                    written,
                    millis(t0));
        }
    }

    private record Answer(Completion completion, JsonNode json) {}

    /** One JSON answer with the required field; a malformed answer is asked for once more. */
    private Answer json(List<ChatMessage> messages, String required) {
        String problem = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            List<ChatMessage> ask = new ArrayList<>(messages);
            if (problem != null) {
                ask.add(UserMessage.from("Your previous answer was not valid (" + problem
                        + "). Answer again with the JSON object only."));
            }
            Completion c = models.complete(Task.EXPLAIN, ask, true);
            try {
                JsonNode node = JSON.readTree(Prompts.unfenced(c.text()));
                if (node != null && node.isObject() && node.has(required)) {
                    return new Answer(c, node);
                }
                problem = "a JSON object with '" + required + "' was expected";
            } catch (IOException e) {
                problem = "not JSON: " + e.getMessage().lines().findFirst().orElse("");
            }
        }
        throw new ModelUnavailableException("the model answered malformed JSON twice: " + problem, null);
    }

    static List<Declaration> outline(String code) {
        List<Declaration> out = new ArrayList<>();
        Matcher m = DECLARATION.matcher(code);
        while (m.find()) {
            out.add(new Declaration(line(code, m.start(1)), m.group(1), m.group(2)));
        }
        Matcher j = JAVA_METHOD.matcher(code);
        while (j.find()) {
            String name = j.group(1);
            int line = line(code, j.start(1));
            if (out.stream().noneMatch(d -> d.line() == line)) {
                out.add(new Declaration(line, "method", name));
            }
        }
        out.sort(java.util.Comparator.comparingInt(Declaration::line));
        return out.size() > 100 ? out.subList(0, 100) : out;
    }

    private static int line(String code, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (code.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    static String numbered(String code) {
        StringBuilder out = new StringBuilder();
        String[] lines = code.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            out.append(i + 1)
                    .append(": ")
                    .append(lines[i].replace("</code>", "<\\/code>"))
                    .append('\n');
        }
        return out.toString();
    }

    static String guessLanguage(String code) {
        if (code.contains("public class ")
                || code.contains("import java.")
                || code.matches("(?s).*\\bpackage [\\w.]+;.*")) {
            return "java";
        }
        if (code.matches("(?s).*^\\s*def \\w+\\(.*")
                || code.contains("import numpy")
                || code.matches("(?s).*^from \\w.*")) {
            return "python";
        }
        if (code.contains("fn ") && code.contains("let ")) {
            return "rust";
        }
        if (code.contains("func ") && code.contains("package ")) {
            return "go";
        }
        if (code.contains("function ") || code.contains("=>") || code.contains("const ")) {
            return "javascript";
        }
        return "unknown";
    }

    private List<Related> related(String tenant, String code, String excludeDocument) {
        String query = code.length() > 1000 ? code.substring(0, 1000) : code;
        try {
            List<Related> out = new ArrayList<>();
            for (SearchResponse.Hit h : retriever.search(tenant, SearchRequest.of(query, 6))) {
                if (h.documentId().equals(excludeDocument) || out.size() >= 5) {
                    continue;
                }
                String text = h.text() == null ? "" : h.text();
                out.add(new Related(
                        h.documentId(),
                        h.title(),
                        h.chunkId(),
                        h.vectorScore(),
                        text.length() > 300 ? text.substring(0, 300) + "…" : text));
            }
            return out;
        } catch (RetrieverUnavailableException | IllegalArgumentException e) {
            return List.of();
        }
    }

    /**
     * An indexed document's text, rebuilt from its chunks of the serving index version (overlaps removed by their
     * character offsets), as the retriever gives them.
     */
    private String documentText(String tenant, String documentId) {
        List<ChunksApi.Chunk> chunks;
        try {
            chunks = retriever.documentChunks(tenant, documentId);
        } catch (RetrieverUnavailableException e) {
            throw new ProblemException(503, "the index is unavailable: " + e.getMessage(), 5);
        }
        if (chunks.isEmpty()) {
            throw new ProblemException(404, "document '" + documentId + "' is not indexed (or does not exist)");
        }
        StringBuilder text = new StringBuilder();
        int covered = 0;
        for (ChunksApi.Chunk chunk : chunks) {
            String content = chunk.content();
            if (chunk.endOffset() <= covered) {
                continue;
            }
            int skip = Math.max(0, covered - chunk.startOffset());
            if (chunk.startOffset() > covered && covered > 0) {
                text.append('\n');
            }
            text.append(skip < content.length() ? content.substring(skip) : "");
            covered = chunk.endOffset();
        }
        return text.toString();
    }

    private static long millis(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }
}
