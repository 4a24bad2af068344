package io.ragline.ingest.pipeline;

import io.ragline.contracts.document.ContentHash;
import io.ragline.contracts.document.DocumentSubmitted;
import io.ragline.ingest.config.IngestConfig;
import io.ragline.ingest.embedding.TokenCounter;
import io.ragline.ingest.parse.DocumentParser;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a new or changed submission into the chunks to store: its text (inline, or its claim-checked bytes parsed by
 * Tika), cut by the {@link Chunker}, each chunk with its stable id and, when the document already held a chunk of the
 * same embedded text, that chunk's vector.
 */
@ApplicationScoped
class ChunkPreparer {

    /** A document whose chunks need (some) new vectors. */
    record Prepared(DocumentSubmitted event, String metadataJson, List<StoredChunk> chunks, long startNanos) {

        /** The text the embedding model reads for chunk {@code index}: title, heading path and chunk text. */
        String embeddedText(int index) {
            StoredChunk c = chunks.get(index);
            return Chunker.embeddedText(event.title(), c.headingPath(), c.text());
        }
    }

    /** A document that yields no chunks, and why. */
    static final class NoChunksException extends Exception {
        NoChunksException(String reason) {
            super(reason, null, false, false);
        }
    }

    @Inject
    IngestConfig config;

    @Inject
    IndexStore store;

    private TokenCounter tokens;
    private Chunker chunker;
    private DocumentParser parser;

    @PostConstruct
    void init() {
        tokens = TokenCounter.bgeSmall();
        chunker = new Chunker(config.chunking().maxTokens(), config.chunking().overlapTokens(), tokens::count);
        parser = new DocumentParser(config.maxTextChars());
    }

    @PreDestroy
    void close() {
        tokens.close();
    }

    /**
     * The document's chunks, vectors reused where the embedded text is unchanged.
     *
     * @throws NoChunksException when the document cannot be parsed or has no text
     */
    Prepared prepare(Triage.ToParse next) throws NoChunksException {
        DocumentSubmitted event = next.event();
        String text;
        try {
            text = text(event);
        } catch (DocumentParser.UnparseableException e) {
            throw new NoChunksException(e.getMessage());
        }
        List<Chunker.Chunk> chunks = chunker.split(text);
        if (chunks.isEmpty()) {
            throw new NoChunksException("the document has no text");
        }
        String model = config.embedding().modelName();
        int indexVersion = config.indexVersion();
        Map<String, float[]> reusable = next.now() == null || next.now().chunkCount() == 0
                ? Map.of()
                : store.reusableEmbeddings(event.tenant(), event.documentId(), model, indexVersion);
        List<StoredChunk> stored = new ArrayList<>(chunks.size());
        for (Chunker.Chunk chunk : chunks) {
            // the hash covers what is embedded, so a chunk reuses its vector only if that is unchanged
            String hash = ContentHash.of(Chunker.embeddedText(event.title(), chunk));
            stored.add(new StoredChunk(
                    chunkId(event.tenant(), event.documentId(), chunk.ordinal(), hash, indexVersion),
                    chunk.ordinal(),
                    chunk.text(),
                    hash,
                    chunk.start(),
                    chunk.end(),
                    chunk.headingPath(),
                    reusable.get(hash)));
        }
        return new Prepared(event, next.metadataJson(), stored, next.startNanos());
    }

    /**
     * A chunk's id: stable for the same document, position and embedded text, so an unchanged chunk keeps its id; an
     * index version other than 1 is part of it, as the versions' rows stand side by side.
     */
    static String chunkId(String tenant, String documentId, int ordinal, String contentHash, int indexVersion) {
        String key = tenant + "\u0000" + documentId + "\u0000" + ordinal + "\u0000" + contentHash
                + (indexVersion == 1 ? "" : "\u0000v" + indexVersion);
        return ContentHash.of(key).substring(0, 32);
    }

    /** The document's text: inline, or its stored bytes parsed by Tika. */
    private String text(DocumentSubmitted event) throws DocumentParser.UnparseableException {
        if (event.inlineText() != null) {
            return event.inlineText();
        }
        IndexStore.Content content = store.content(event.tenant(), event.contentRef())
                .orElseThrow(() -> new DocumentParser.UnparseableException(
                        "the stored body " + event.contentRef() + " is missing", null));
        if ("text/plain".equals(content.mediaType()) && content.fileName() == null) {
            return new String(content.bytes(), StandardCharsets.UTF_8);
        }
        return parser.parse(content.bytes(), content.fileName(), content.mediaType())
                .text();
    }
}
