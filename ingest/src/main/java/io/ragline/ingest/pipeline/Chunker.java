package io.ragline.ingest.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cuts a document's text into chunks sized in the embedding model's tokens, along its structure: Markdown headings
 * start sections (each chunk records its heading path, e.g. {@code Policies > Travel}); inside a section, blank-line
 * separated blocks (paragraphs, list blocks, top-level code declarations) are packed together up to the budget;
 * a block over the budget is split at sentences, a sentence over it at words. Neighbouring chunks of a section share
 * up to {@code overlapTokens} of trailing blocks or sentences. Every chunk is an exact substring of the text, with its
 * character range, so citations can point into the original.
 */
final class Chunker {

    /** One chunk, its character range {@code [start, end)} in the source text and its heading path (or null). */
    record Chunk(int ordinal, String text, int start, int end, String headingPath) {}

    /** A piece of text that is never split further unless it alone is over budget. */
    private record Unit(int start, int end, int tokens) {}

    private static final Pattern HEADING = Pattern.compile("(?m)^(#{1,6})[ \\t]+(.+?)[ \\t#]*$");
    private static final Pattern BLOCK_SEPARATOR = Pattern.compile("\\n[ \\t]*\\n");
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])[\"')\\]]*\\s+");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private final int maxTokens;
    private final int overlapTokens;
    private final ToIntFunction<String> tokenCounter;

    Chunker(int maxTokens, int overlapTokens, ToIntFunction<String> tokenCounter) {
        if (maxTokens <= 0 || overlapTokens < 0 || overlapTokens >= maxTokens) {
            throw new IllegalArgumentException("need 0 <= overlapTokens < maxTokens, got maxTokens=" + maxTokens
                    + ", overlapTokens=" + overlapTokens);
        }
        this.maxTokens = maxTokens;
        this.overlapTokens = overlapTokens;
        this.tokenCounter = tokenCounter;
    }

    /**
     * What is embedded for a chunk: the chunk with its context, the document title and the heading path, on top
     * ("contextual chunk headers"), so a chunk from the middle of a long document still says what it is about. The
     * stored text, its offsets and the full-text index keep the chunk alone. A chunk that already begins with the
     * title (the first chunk of most documents) gets no repeat of it.
     */
    static String embeddedText(String title, Chunk chunk) {
        return embeddedText(title, chunk.headingPath(), chunk.text());
    }

    static String embeddedText(String title, String headingPath, String text) {
        StringBuilder header = new StringBuilder();
        String t = title == null ? "" : title.strip();
        if (!t.isEmpty() && !text.stripLeading().startsWith(t)) {
            header.append(t).append('\n');
        }
        if (headingPath != null && !headingPath.isBlank()) {
            header.append(headingPath).append('\n');
        }
        return header.isEmpty() ? text : header + "\n" + text;
    }

    List<Chunk> split(String text) {
        List<Chunk> chunks = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return chunks;
        }
        List<String> path = new ArrayList<>();
        Matcher heading = HEADING.matcher(text);
        int sectionStart = 0;
        String sectionPath = null;
        while (heading.find()) {
            section(text, sectionStart, heading.start(), sectionPath, chunks);
            int level = heading.group(1).length();
            while (path.size() >= level) {
                path.remove(path.size() - 1);
            }
            while (path.size() < level - 1) {
                path.add("");
            }
            path.add(heading.group(2).trim());
            sectionPath =
                    String.join(" > ", path.stream().filter(p -> !p.isEmpty()).toList());
            sectionStart = heading.start(); // the heading line belongs to its section's first chunk
        }
        section(text, sectionStart, text.length(), sectionPath, chunks);
        return chunks;
    }

    private void section(String text, int from, int to, String headingPath, List<Chunk> out) {
        List<Unit> units = new ArrayList<>();
        Matcher separator = BLOCK_SEPARATOR.matcher(text).region(from, to);
        int blockStart = from;
        while (separator.find()) {
            addBlock(text, blockStart, separator.start(), units);
            blockStart = separator.end();
        }
        addBlock(text, blockStart, to, units);
        pack(text, units, headingPath, out);
    }

    /** A block within budget is one unit; a longer one becomes sentence units (and word units inside those). */
    private void addBlock(String text, int start, int end, List<Unit> units) {
        int[] trimmed = trim(text, start, end);
        if (trimmed == null) {
            return;
        }
        int tokens = tokens(text, trimmed[0], trimmed[1]);
        if (tokens <= maxTokens) {
            units.add(new Unit(trimmed[0], trimmed[1], tokens));
            return;
        }
        Matcher sentenceEnd = SENTENCE_END.matcher(text).region(trimmed[0], trimmed[1]);
        int sentenceStart = trimmed[0];
        while (sentenceEnd.find()) {
            addSentence(text, sentenceStart, sentenceEnd.start(), units);
            sentenceStart = sentenceEnd.end();
        }
        addSentence(text, sentenceStart, trimmed[1], units);
    }

    private void addSentence(String text, int start, int end, List<Unit> units) {
        int[] trimmed = trim(text, start, end);
        if (trimmed == null) {
            return;
        }
        int tokens = tokens(text, trimmed[0], trimmed[1]);
        if (tokens <= maxTokens) {
            units.add(new Unit(trimmed[0], trimmed[1], tokens));
            return;
        }
        // a "sentence" over budget (a table row dump, minified code): cut between words
        Matcher space = WHITESPACE.matcher(text).region(trimmed[0], trimmed[1]);
        int pieceStart = trimmed[0];
        int lastCut = trimmed[0];
        while (space.find()) {
            if (tokens(text, pieceStart, space.start()) > maxTokens && lastCut > pieceStart) {
                units.add(new Unit(pieceStart, lastCut, tokens(text, pieceStart, lastCut)));
                pieceStart = skipSpace(text, lastCut, trimmed[1]);
            }
            lastCut = space.start();
        }
        if (pieceStart < trimmed[1]) {
            units.add(new Unit(pieceStart, trimmed[1], tokens(text, pieceStart, trimmed[1])));
        }
    }

    /** Greedy packing of units into chunks, repeating trailing units of the previous chunk as overlap. */
    private void pack(String text, List<Unit> units, String headingPath, List<Chunk> out) {
        int i = 0;
        while (i < units.size()) {
            int budget = 0;
            int j = i;
            while (j < units.size() && (j == i || budget + units.get(j).tokens() + 1 <= maxTokens)) {
                budget += units.get(j).tokens() + 1;
                j++;
            }
            int start = units.get(i).start();
            int end = units.get(j - 1).end();
            out.add(new Chunk(out.size(), text.substring(start, end), start, end, headingPath));
            if (j >= units.size()) {
                break;
            }
            // step back over trailing units that fit the overlap budget, but always make progress
            int next = j;
            int overlap = 0;
            while (next - 1 > i && overlap + units.get(next - 1).tokens() <= overlapTokens) {
                overlap += units.get(next - 1).tokens();
                next--;
            }
            i = next;
        }
    }

    private int tokens(String text, int start, int end) {
        return tokenCounter.applyAsInt(text.substring(start, end));
    }

    private static int skipSpace(String text, int from, int to) {
        int i = from;
        while (i < to && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    /** {start, end} without surrounding whitespace, or null when only whitespace. */
    private static int[] trim(String text, int start, int end) {
        int s = start;
        int e = end;
        while (s < e && Character.isWhitespace(text.charAt(s))) {
            s++;
        }
        while (e > s && Character.isWhitespace(text.charAt(e - 1))) {
            e--;
        }
        return s < e ? new int[] {s, e} : null;
    }
}
