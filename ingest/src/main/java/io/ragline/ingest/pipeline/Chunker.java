package io.ragline.ingest.pipeline;

import dev.langchain4j.data.document.Document;
import dev.langchain4j.data.document.DocumentSplitter;
import dev.langchain4j.data.document.splitter.DocumentSplitters;
import dev.langchain4j.data.segment.TextSegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a document's text into overlapping chunks along paragraphs, then lines, then sentences (LangChain4j's recursive
 * splitter), and records where each chunk starts and ends in the original text so citations can point into it.
 */
final class Chunker {

    /** One chunk and its character range {@code [start, end)} in the source text. */
    record Chunk(int ordinal, String text, int start, int end) {}

    private final DocumentSplitter splitter;

    Chunker(int maxChars, int overlapChars) {
        if (maxChars <= 0 || overlapChars < 0 || overlapChars >= maxChars) {
            throw new IllegalArgumentException(
                    "need 0 <= overlapChars < maxChars, got maxChars=" + maxChars + ", overlapChars=" + overlapChars);
        }
        this.splitter = DocumentSplitters.recursive(maxChars, overlapChars);
    }

    List<Chunk> split(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        List<TextSegment> segments = splitter.split(Document.from(text));
        List<Chunk> chunks = new ArrayList<>(segments.size());
        int searchFrom = 0;
        for (TextSegment segment : segments) {
            String chunkText = segment.text();
            int start = text.indexOf(chunkText, Math.max(0, searchFrom));
            if (start < 0) {
                start = text.indexOf(chunkText); // overlap may start before the previous chunk's start
            }
            if (start < 0) {
                start = searchFrom; // the splitter normalised whitespace: keep an approximate anchor
            }
            int end = Math.min(text.length(), start + chunkText.length());
            chunks.add(new Chunk(chunks.size(), chunkText, start, end));
            searchFrom = start + 1;
        }
        return chunks;
    }
}
