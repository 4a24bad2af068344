package io.ragline.retriever.api;

import java.util.List;

/**
 * How other services read indexed text: through the retriever, which reads the index ingest writes (never the tables
 * directly). The tenant travels in {@link SearchApi#TENANT_HEADER}, as for search.
 *
 * <ul>
 *   <li>{@code POST /v1/chunks} with {@link Lookup}: the tenant's chunks among the ids (unknown ids are left out);
 *   <li>{@code GET /v1/documents/{id}/chunks}: the document's chunks of the serving index version, in order, 404 when
 *       it has none;
 *   <li>{@code GET /v1/index}: what the tenant's index holds ({@link IndexSummary}).
 * </ul>
 */
public final class ChunksApi {

    public static final String CHUNKS_PATH = "/v1/chunks";
    public static final String DOCUMENT_CHUNKS_PATH = "/v1/documents/{id}/chunks";
    public static final String INDEX_PATH = "/v1/index";

    private ChunksApi() {}

    /** Chunk ids to look up (at most {@link #MAX_IDS}). */
    public record Lookup(List<String> ids) {}

    public static final int MAX_IDS = 1000;

    /** One chunk's text and where it sits in its document. */
    public record Chunk(
            String chunkId, String documentId, int ordinal, int startOffset, int endOffset, String content) {}

    /** Chunks, as {@code POST /v1/chunks} and {@code GET /v1/documents/{id}/chunks} return them. */
    public record Chunks(List<Chunk> chunks) {}

    /** The index versions and embedding models present in a tenant's index, and its number of chunks. */
    public record IndexSummary(List<Integer> indexVersions, List<String> embeddingModels, long chunks) {}
}
