package io.ragline.model;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.openai.OpenAiEmbeddingModel;
import dev.langchain4j.model.output.Response;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * An OpenAI-compatible {@code /v1/embeddings} server (a GPU embedding server in production: TEI, vLLM, Ollama,
 * Infinity) as a LangChain4j {@link EmbeddingModel}, through LangChain4j's OpenAI client with a timeout and retries.
 * Every answer is checked: one vector per text, each of the index's dimension; anything else is an
 * {@link EmbeddingServerException} saying what came back, never a silently wrong index.
 */
public final class EmbeddingServer implements EmbeddingModel {

    /** The server failed, timed out or answered something the index cannot hold. */
    public static class EmbeddingServerException extends RuntimeException {

        private final boolean transientFailure;

        EmbeddingServerException(String message, Throwable cause, boolean transientFailure) {
            super(message, cause);
            this.transientFailure = transientFailure;
        }

        /** True when asking again later may work (the server is down or slow), false for a wrong answer. */
        public boolean isTransient() {
            return transientFailure;
        }
    }

    private final OpenAiEmbeddingModel client;
    private final String baseUrl;
    private final String model;
    private final int dimension;

    private EmbeddingServer(OpenAiEmbeddingModel client, String baseUrl, String model, int dimension) {
        this.client = client;
        this.baseUrl = baseUrl;
        this.model = model;
        this.dimension = dimension;
    }

    /**
     * @param baseUrl the API root, e.g. {@code http://gpu-1:8080/v1}
     * @param model the model name sent with each request (and recorded with every vector by ingest)
     * @param dimension what the index holds; answers of another size are refused
     * @param batchSize most texts per request
     */
    public static EmbeddingServer connect(
            String baseUrl,
            Optional<String> apiKey,
            String model,
            int dimension,
            Duration timeout,
            int maxRetries,
            int batchSize) {
        OpenAiEmbeddingModel client = OpenAiEmbeddingModel.builder()
                .baseUrl(baseUrl)
                .apiKey(apiKey.orElse("none"))
                .modelName(model)
                .timeout(timeout)
                .maxRetries(maxRetries)
                .maxSegmentsPerBatch(batchSize)
                .build();
        return new EmbeddingServer(client, baseUrl, model, dimension);
    }

    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
        Response<List<Embedding>> response;
        try {
            response = client.embedAll(segments);
        } catch (RuntimeException e) {
            throw new EmbeddingServerException(
                    "the embedding server at " + baseUrl + " failed: " + e.getMessage(), e, true);
        }
        List<Embedding> vectors = response.content();
        if (vectors == null || vectors.size() != segments.size()) {
            throw new EmbeddingServerException(
                    "the embedding server at " + baseUrl + " returned " + (vectors == null ? 0 : vectors.size())
                            + " vectors for " + segments.size() + " texts",
                    null,
                    false);
        }
        for (Embedding vector : vectors) {
            if (vector.dimension() != dimension) {
                throw new EmbeddingServerException(
                        "the embedding server at " + baseUrl + " returned " + vector.dimension()
                                + "-dimensional vectors for model " + model + "; the index holds " + dimension
                                + " dimensions",
                        null,
                        false);
            }
        }
        return response;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public String modelName() {
        return model;
    }

    @Override
    public String toString() {
        return "embedding server " + model + " at " + baseUrl;
    }
}
