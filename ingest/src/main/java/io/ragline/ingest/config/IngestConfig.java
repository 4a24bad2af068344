package io.ragline.ingest.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/** Everything ingest can be told, under {@code ingest.*}. */
@ConfigMapping(prefix = "ingest")
public interface IngestConfig {

    /** How documents are cut into chunks. */
    Chunking chunking();

    /** How chunks are embedded. */
    Embedding embedding();

    /** When claim-check bodies are deleted (see {@code ClaimCheckSweeper}). */
    ClaimCheck claimCheck();

    /** Most characters of text taken from one document; longer documents fail with a reason. */
    @WithDefault("20000000")
    int maxTextChars();

    /**
     * The index version this deployment writes, replaces and re-embeds into. A new embedding model is rolled out by a
     * second deployment with the next version (and its own {@link #consumer()}) beside the serving one: see the README.
     */
    @WithDefault("1")
    int indexVersion();

    /**
     * This deployment's consumer name: its Kafka consumer group on every topic it reads and its name in
     * {@code processed_events}. Each index version needs its own ({@code ingest} for version 1, e.g. {@code ingest-v2}
     * for version 2), so that both versions see every event once.
     */
    @WithDefault("ingest")
    String consumer();

    /** Transient database failures are retried this many times before the record goes to the dead-letter topic. */
    @WithDefault("5")
    int storeAttempts();

    /** First back-off between store attempts; doubles each time. */
    @WithDefault("500ms")
    Duration storeBackoff();

    interface Chunking {

        /** Largest chunk, in the embedding model's tokens (bge-small-en-v1.5 reads at most 512). */
        @WithDefault("384")
        int maxTokens();

        /** Tokens repeated between neighbouring chunks of a section. */
        @WithDefault("48")
        int overlapTokens();
    }

    interface ClaimCheck {

        /** How often a sweep runs (each instance; they share the work). */
        @WithDefault("1h")
        Duration sweepEvery();

        /** How much longer than the submissions topic's retention a body is kept. */
        @WithDefault("1d")
        Duration margin();

        /** Bodies deleted per transaction. */
        @WithDefault("200")
        int batchSize();

        /** Most batches per sweep (the rest waits for the next sweep). */
        @WithDefault("50")
        int maxBatches();

        /** Time allowed to read the topic's retention from the broker. */
        @WithDefault("10s")
        Duration brokerTimeout();
    }

    interface Embedding {

        /**
         * Name recorded with every vector (and sent to the embedding server as the model, when one is set); the
         * in-process default is bge-small-en-v1.5 (quantized). The retriever searches only vectors of its own
         * {@code retriever.embedding.model-name}, so both must name the same model.
         */
        @WithDefault("bge-small-en-v1.5-q")
        String modelName();

        /**
         * An OpenAI-compatible {@code /v1/embeddings} server's API root (e.g. a GPU TEI or vLLM server,
         * {@code http://gpu-1:8080/v1}); unset, chunks are embedded in-process. Its vectors must have the index's 384
         * dimensions.
         */
        Optional<String> url();

        /** Bearer key for the embedding server, if it wants one. */
        Optional<String> apiKey();

        /** Longest wait for one request to the embedding server. */
        @WithDefault("60S")
        Duration timeout();

        /** Retries of a failed request inside one attempt (attempts themselves follow {@code store-attempts}). */
        @WithDefault("1")
        int maxRetries();

        /** Chunks embedded per call. */
        @WithDefault("32")
        int batchSize();

        /**
         * Threads that run the model at once, each on its share of a batch with one ONNX intra-op thread (default:
         * the number of cores).
         */
        OptionalInt callers();
    }
}
