package io.ragline.gateway.config;

import io.ragline.model.ModelEndpoint;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Everything the gateway can be told, under {@code gateway.*}. */
@ConfigMapping(prefix = "gateway")
public interface GatewayConfig {

    /** Tenant of requests that carry no API key, until API keys are configured. */
    @WithDefault("default")
    String defaultTenant();

    /** Document intake. */
    Documents documents();

    /** Events stored with the rows they describe and published from there (answer-produced). */
    Outbox outbox();

    interface Outbox {

        /** How often each instance looks for events whose publication did not finish. */
        @WithDefault("10S")
        Duration sweepEvery();

        /** An event still in the outbox this long after it was stored is published again. */
        @WithDefault("30S")
        Duration redriveAfter();

        /** How long a claimed event is left to the instance that claimed it before another may take it. */
        @WithDefault("60S")
        Duration lease();

        /** Events claimed per sweep. */
        @WithDefault("100")
        int batch();

        /** How long a sweep waits for the broker to acknowledge one event. */
        @WithDefault("10S")
        Duration sendTimeout();
    }

    /** The GitHub webhook. */
    GitHub github();

    interface GitHub {

        /** The webhook's secret; unset, the webhook refuses every delivery (403). */
        Optional<String> webhookSecret();

        /** Tenant whose indexed code and reviews the webhook's pull requests belong to. */
        @WithDefault("default")
        String tenant();

        /** Whether draft pull requests are reviewed (otherwise from ready_for_review on). */
        @WithDefault("false")
        boolean reviewDrafts();

        /** Largest accepted delivery; GitHub caps payloads at 25 MB. */
        @WithDefault("26214400")
        int maxBodyBytes();
    }

    /** API keys and their limits. */
    Access access();

    interface Access {

        /** Whether every {@code /v1/} request needs an API key; off, key-less requests use the default tenant. */
        @WithDefault("false")
        boolean required();

        /** Bearer token of the admin API ({@code /admin/api-keys}); unset, that API is off. */
        Optional<String> adminToken();

        /** Requests per minute of a new key, unless given. */
        @WithDefault("60")
        int ratePerMinute();

        /** Model tokens a new key may spend per day (UTC), unless given; 0: no budget. */
        @WithDefault("1000000")
        long dailyTokens();
    }

    /** The retriever service the chat searches. */
    Retriever retriever();

    /** The OpenAI-compatible model server (vLLM, TGI, Ollama, llama.cpp server). */
    ModelEndpoint model();

    /** Chat answers. */
    Chat chat();

    /** Research jobs: defaults and limits of a request, and each job's budget. */
    Research research();

    interface Research {

        @WithDefault("3")
        int defaultBreadth();

        @WithDefault("1")
        int defaultDepth();

        @WithDefault("20")
        int defaultMaxSources();

        @WithDefault("8")
        int maxBreadth();

        @WithDefault("3")
        int maxDepth();

        @WithDefault("50")
        int maxSources();

        /** Steps one job may take (planning, each sub-question, each write and review). */
        @WithDefault("60")
        int maxSteps();

        /** Model tokens one job may spend. */
        @WithDefault("300000")
        int maxTokens();

        /** Wall time one job may take. */
        @WithDefault("15M")
        java.time.Duration maxTime();
    }

    /**
     * Collections the OpenAI-compatible API offers as models, name → retriever filters as JSON (for example
     * {@code gateway.collections.hr={"sources":["hr"]}}); the model {@code ragline} searches everything.
     */
    Map<String, String> collections();

    interface Retriever {

        @WithDefault("http://127.0.0.1:8082")
        String url();

        @WithDefault("5S")
        Duration timeout();
    }

    interface Chat {

        /** Passages retrieved per question. */
        @WithDefault("8")
        int topK();

        /**
         * Least cosine similarity between the question and a passage for the passage to count as evidence; with none
         * above it the answer says the documents don't cover the question.
         */
        @WithDefault("0.5")
        double minEvidence();

        /** Tokens of passages put in the prompt (estimated as characters / 4). */
        @WithDefault("3000")
        int contextTokens();

        /** Tokens of earlier turns put in the prompt, newest first. */
        @WithDefault("1500")
        int historyTokens();

        /** Longest accepted message, in characters. */
        @WithDefault("8000")
        int maxMessageChars();

        /** Sentences in an extractive answer. */
        @WithDefault("3")
        int extractiveSentences();
    }

    interface Documents {

        /** Largest text body of a JSON submission (UTF-8 bytes); larger ones are refused with 413. */
        @WithDefault("10485760")
        int maxTextBytes();

        /** Most documents in one {@code POST /v1/documents/batch}. */
        @WithDefault("1000")
        int maxBatchDocuments();

        /** Largest uploaded file; larger ones are refused with 413. */
        @WithDefault("52428800")
        long maxFileBytes();

        /** Text up to this size travels inline in the Kafka event; larger bodies go through the claim-check table. */
        @WithDefault("262144")
        int inlineMaxBytes();

        /**
         * Media types accepted for upload (besides every {@code text/*} type); anything else is refused with 415
         * listing these.
         */
        @WithDefault("application/pdf,"
                + "application/vnd.openxmlformats-officedocument.wordprocessingml.document,"
                + "application/vnd.openxmlformats-officedocument.presentationml.presentation,"
                + "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,"
                + "application/msword,application/vnd.ms-excel,application/vnd.ms-powerpoint,"
                + "application/json,application/xml,application/xhtml+xml,application/rtf,"
                + "application/vnd.oasis.opendocument.text,application/epub+zip")
        java.util.List<String> supportedMediaTypes();
    }
}
