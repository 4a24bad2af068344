package io.ragline.gateway.explain;

import com.fasterxml.jackson.databind.JsonNode;
import io.ragline.gateway.model.GatewayModel;
import io.ragline.gateway.problem.ProblemException;
import io.ragline.model.AiCalls;
import io.ragline.model.ModelUnavailableException;
import io.ragline.retriever.api.ChunksApi;
import io.ragline.retriever.api.SearchRequest;
import io.ragline.retriever.api.SearchResponse;
import io.ragline.retriever.client.RetrieverClient;
import io.ragline.retriever.client.RetrieverUnavailableException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Explains code in two model calls ({@link ExplainPrompts}: what it does step by step, then its risks), each answering
 * validated JSON and asked again once when it is malformed, with related indexed code from the retriever. Without a model: the
 * declarations outline and the related code only, and a notice that the explanation needs a model.
 */
@ApplicationScoped
public class CodeExplainer {

    static final int MAX_CODE_CHARS = 40_000;
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
    GatewayModel models;

    @Inject
    ExplainPrompts prompts;

    @ConfigProperty(name = "quarkus.langchain4j.openai.explain.chat-model.model-name", defaultValue = "default")
    String explainModel;

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
        AiCalls.Tally calls = models.tally();
        try {
            ExplainPrompts.Steps steps = calls.add(() ->
                    models.call(() -> AiCalls.inConversation(prompts, (p, id) -> p.steps(id, language, numbered))));
            List<String> stepList = steps.steps() == null
                    ? List.of()
                    : steps.steps().stream().filter(t -> t != null).toList();
            ExplainPrompts.Risks risks = calls.add(() -> models.call(() ->
                    AiCalls.inConversation(prompts, (p, id) -> p.risks(id, language, numbered, steps.summary()))));
            List<Risk> riskList = new ArrayList<>();
            for (JsonNode r : risks.risks()) {
                if (r == null || !r.isObject()) {
                    continue;
                }
                riskList.add(new Risk(
                        r.path("severity").asText("medium").toLowerCase(Locale.ROOT),
                        r.path("line").canConvertToInt() ? r.path("line").asInt() : null,
                        r.path("description").asText()));
            }
            return new Explanation(
                    "generative",
                    calls.model() == null ? explainModel : calls.model(),
                    null,
                    language,
                    steps.summary(),
                    stepList,
                    riskList,
                    outline,
                    related,
                    calls.promptTokens(),
                    calls.completionTokens(),
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
                    calls.promptTokens(),
                    calls.completionTokens(),
                    millis(t0));
        }
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
