package io.ragline.agents.research;

import com.fasterxml.jackson.databind.JsonNode;
import io.ragline.model.AiCalls;
import io.ragline.model.Prompts;
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
            ResearchModel model,
            String question,
            List<String> outline,
            Material material,
            Report draft,
            List<Issue> issues,
            Runnable checkpoint,
            int[] tokens) {
        StringBuilder notes = new StringBuilder();
        for (Note n : material.notes()) {
            notes.append("- ").append(n.text()).append(" (sources ");
            notes.append(
                    String.join(", ", n.sources().stream().map(String::valueOf).toList()));
            notes.append(")\n");
        }
        StringBuilder revision = new StringBuilder();
        if (draft != null) {
            revision.append("\n<draft>\n").append(draft.markdown()).append("</draft>\n<issues>\n");
            issues.forEach(i -> revision.append("- \"")
                    .append(i.claim())
                    .append("\": ")
                    .append(i.reason())
                    .append('\n'));
            revision.append("</issues>");
        }
        checkpoint.run();
        AiCalls.Tally calls = model.tally();
        ResearchPrompts.Draft written;
        try {
            written = model.ask(
                    calls,
                    (p, id) -> p.write(id, question, Prompts.numbered(outline), notes.toString(), revision.toString()));
        } finally {
            tokens[0] += calls.tokens();
        }
        List<Report.Section> sections = new ArrayList<>();
        for (ResearchPrompts.DraftSection s : written.sections()) {
            if (s == null) {
                continue;
            }
            List<Report.Claim> claims = new ArrayList<>();
            for (ResearchPrompts.DraftClaim c :
                    s.claims() == null ? List.<ResearchPrompts.DraftClaim>of() : s.claims()) {
                List<Integer> cited = new ArrayList<>();
                if (c == null || c.text() == null || c.text().isBlank() || c.sources() == null) {
                    continue;
                }
                c.sources().forEach(k -> {
                    if (k != null && k >= 1 && k <= material.sources().size() && !cited.contains(k)) {
                        cited.add(k);
                    }
                });
                if (!cited.isEmpty()) {
                    claims.add(new Report.Claim(c.text().strip(), cited));
                }
            }
            sections.add(new Report.Section(
                    s.heading() == null || s.heading().isBlank() ? "Findings" : s.heading(), claims));
        }
        String title = written.title() == null || written.title().isBlank() ? question : written.title();
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
