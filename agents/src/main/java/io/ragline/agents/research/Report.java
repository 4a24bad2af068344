package io.ragline.agents.research;

import java.util.ArrayList;
import java.util.List;

/**
 * A research report: sections of claims, each claim citing numbered sources; what could not be researched; claims the
 * reviewer removed. Rendered as Markdown with a reference list; serialized as JSON for {@code GET /v1/research/{id}}.
 */
public record Report(
        String title,
        String mode,
        List<Section> sections,
        List<Source> sources,
        List<String> missing,
        List<Removed> removed) {

    /** One section of the outline. */
    public record Section(String heading, List<Claim> claims) {}

    /** One factual sentence and the numbers of the sources it rests on. */
    public record Claim(String text, List<Integer> sources) {}

    /** A reference: {@code [number]} in the text. */
    public record Source(int number, String chunkId, String documentId, String title, String text) {}

    /** A claim the reviewer found unsupported after the last round. */
    public record Removed(String text, String reason) {}

    static final String EXTRACTIVE_NOTICE = "> **Extractive research brief.** Written without a language model (none"
            + " is configured, or it did not answer): the sub-questions come from the question's key phrases and every"
            + " statement below is quoted from the best passages found for it, not synthesized.";
    static final String PARTIAL_NOTICE = "> **Partial research brief.** The job ended before its report was written"
            + " (see what is missing): these are the notes gathered until then, as found, each with its source.";

    /** The report as Markdown: title, notice, sections with {@code [n]} citations, what is missing, references. */
    public String markdown() {
        StringBuilder md = new StringBuilder("# ").append(title).append("\n\n");
        if ("extractive".equals(mode)) {
            md.append(EXTRACTIVE_NOTICE).append("\n\n");
        } else if ("partial".equals(mode)) {
            md.append(PARTIAL_NOTICE).append("\n\n");
        }
        for (Section s : sections) {
            if (s.claims().isEmpty()) {
                continue;
            }
            md.append("## ").append(s.heading()).append("\n\n");
            List<String> sentences = new ArrayList<>();
            for (Claim c : s.claims()) {
                StringBuilder sentence = new StringBuilder(c.text().strip().replaceAll("[.]+$", ""));
                c.sources().forEach(n -> sentence.append(" [").append(n).append(']'));
                sentences.add(sentence.append('.').toString());
            }
            md.append(String.join(" ", sentences)).append("\n\n");
        }
        if (!missing.isEmpty()) {
            md.append("## What is missing\n\n");
            missing.forEach(m -> md.append("- ").append(m).append('\n'));
            md.append('\n');
        }
        if (!removed.isEmpty()) {
            md.append("## Removed in review\n\n");
            removed.forEach(r -> md.append("- ")
                    .append(r.text())
                    .append(" (")
                    .append(r.reason())
                    .append(")\n"));
            md.append('\n');
        }
        md.append("## References\n\n");
        for (Source s : sources) {
            md.append(s.number())
                    .append(". ")
                    .append(s.title() == null || s.title().isBlank() ? s.documentId() : s.title())
                    .append(" (document `")
                    .append(s.documentId())
                    .append("`, chunk `")
                    .append(s.chunkId())
                    .append("`)\n");
        }
        return md.toString();
    }

    /** Every claim, in order. */
    public List<Claim> claims() {
        List<Claim> out = new ArrayList<>();
        sections.forEach(s -> out.addAll(s.claims()));
        return out;
    }
}
