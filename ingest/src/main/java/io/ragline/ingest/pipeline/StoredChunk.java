package io.ragline.ingest.pipeline;

/** A chunk ready to store: where it lies in its document, what it says, and its vector (null until embedded). */
record StoredChunk(
        String id,
        int ordinal,
        String text,
        String contentHash,
        int start,
        int end,
        String headingPath,
        float[] embedding,
        boolean reused) {

    /** A chunk whose vector, if any, is taken over from the document's stored chunks. */
    StoredChunk(
            String id,
            int ordinal,
            String text,
            String contentHash,
            int start,
            int end,
            String headingPath,
            float[] reusedEmbedding) {
        this(id, ordinal, text, contentHash, start, end, headingPath, reusedEmbedding, reusedEmbedding != null);
    }

    StoredChunk withEmbedding(float[] computed) {
        return new StoredChunk(id, ordinal, text, contentHash, start, end, headingPath, computed, false);
    }

    StoredChunk withId(String newId) {
        return new StoredChunk(newId, ordinal, text, contentHash, start, end, headingPath, embedding, reused);
    }
}
