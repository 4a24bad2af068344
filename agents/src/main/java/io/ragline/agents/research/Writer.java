package io.ragline.agents.research;

import com.fasterxml.jackson.databind.JsonNode;
import io.ragline.model.JsonCalls;
import io.ragline.model.ModelServer;
import io.ragline.model.Prompts;
import io.ragline.model.Task;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The writer: the researchers' notes numbered into a reference list (first use first, at most {@code maxSources}),
 * then a report following the outline whose every claim cites sources by number. Claims citing no valid source are
 * dropped, so every sentence of the report rests on a source.
 */
final class Writer {

    static final String WRITE = Prompts.load(Writer.class, "prompts/research-write.v1.txt");

    /** One note with the reference numbers of its sources. */
    record Note(String subQuestion, String text, List<Integer> sources) {}

    /** Everything the researchers found: the reference list, the notes, and what could not be researched. */
    record Material(List<Report.Source> sources, List<Note> notes, List<String> missing) {}

    /** A reviewer's objection to a claim. */
    record Issue(String claim, String reason) {}

    private Writer() {}

    static Material material(List<ResearchStore.Step> research, int maxSources) {
        Map<String, Report.Source> sources = new LinkedHashMap<>();
        List<Note> notes = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (ResearchStore.Step step : research) {
            if (step.status().equals("failed")) {
                missing.add(step.question() + ": the research step failed");
            }
            if (!step.status().equals("done") || step.result() == null) {
                continue;
            }
            JsonNode passages = step.result().path("passages");
            for (JsonNode n : step.result().path("notes")) {
                List<Integer> numbers = new ArrayList<>();
                for (JsonNode i : n.path("passages")) {
                    JsonNode p = passages.path(i.asInt());
                    String chunk = p.path("chunkId").asText();
                    if (chunk.isEmpty()) {
                        continue;
                    }
                    Report.Source s = sources.get(chunk);
                    if (s == null && sources.size() < maxSources) {
                        s = new Report.Source(
                                sources.size() + 1,
                                chunk,
                                p.path("documentId").asText(),
                                p.path("title").asText(null),
                                p.path("text").asText());
                        sources.put(chunk, s);
                    }
                    if (s != null && !numbers.contains(s.number())) {
                        numbers.add(s.number());
                    }
                }
                String text = n.path("text").asText();
                if (!numbers.isEmpty() && notes.stream().noneMatch(o -> o.text().equals(text))) {
                    notes.add(new Note(step.question(), text, numbers));
                }
            }
            if (step.result().path("notes").isEmpty()) {
                missing.add(step.question() + ": the documents had nothing on it");
            }
        }
        return new Material(List.copyOf(sources.values()), notes, missing);
    }

    /** The report from the notes (or a revision of {@code draft} answering {@code issues}). */
    static Report write(
            ModelServer models,
            String question,
            List<String> outline,
            Material material,
            Report draft,
            List<Issue> issues,
            Runnable checkpoint,
            int[] tokens) {
        JsonCalls calls = new JsonCalls(models, Task.RESEARCH);
        StringBuilder data = new StringBuilder("<question>").append(question).append("</question>\n<outline>\n");
        data.append(JsonCalls.numbered(outline)).append("</outline>\n<notes>\n");
        for (Note n : material.notes()) {
            data.append("- ").append(n.text()).append(" (sources ");
            data.append(
                    String.join(", ", n.sources().stream().map(String::valueOf).toList()));
            data.append(")\n");
        }
        data.append("</notes>");
        if (draft != null) {
            data.append("\n<draft>\n").append(draft.markdown()).append("</draft>\n<issues>\n");
            issues.forEach(i -> data.append("- \"")
                    .append(i.claim())
                    .append("\": ")
                    .append(i.reason())
                    .append('\n'));
            data.append("</issues>");
        }
        checkpoint.run();
        JsonNode j = calls.ask(WRITE, data.toString(), n -> n.path("sections").isArray());
        tokens[0] += calls.tokens();
        List<Report.Section> sections = new ArrayList<>();
        for (JsonNode s : j.path("sections")) {
            List<Report.Claim> claims = new ArrayList<>();
            for (JsonNode c : s.path("claims")) {
                List<Integer> cited = new ArrayList<>();
                c.path("sources").forEach(n -> {
                    int k = n.asInt(0);
                    if (k >= 1 && k <= material.sources().size() && !cited.contains(k)) {
                        cited.add(k);
                    }
                });
                if (!cited.isEmpty() && !c.path("text").asText().isBlank()) {
                    claims.add(new Report.Claim(c.path("text").asText().strip(), cited));
                }
            }
            sections.add(new Report.Section(s.path("heading").asText("Findings"), claims));
        }
        String title = j.path("title").asText("").isBlank()
                ? question
                : j.path("title").asText();
        return new Report(title, "model", sections, material.sources(), material.missing(), List.of());
    }

    /** Without a model: one section per sub-question, its notes quoted with their sources. */
    static Report extractive(String question, Material material, String mode) {
        Map<String, List<Report.Claim>> bySubQuestion = new LinkedHashMap<>();
        java.util.Set<String> quoted = new java.util.HashSet<>();
        for (Note n : material.notes()) {
            if (!quoted.add(n.text())) {
                continue; // found again by another sub-question: quoted once
            }
            bySubQuestion
                    .computeIfAbsent(n.subQuestion(), k -> new ArrayList<>())
                    .add(new Report.Claim(n.text(), n.sources()));
        }
        List<Report.Section> sections = new ArrayList<>();
        bySubQuestion.forEach((q, claims) -> sections.add(new Report.Section(q, claims)));
        return new Report(
                "Research brief: " + question, mode, sections, material.sources(), material.missing(), List.of());
    }
}
