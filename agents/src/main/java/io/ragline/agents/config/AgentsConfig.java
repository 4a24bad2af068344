package io.ragline.agents.config;

import io.ragline.model.ModelEndpoint;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Everything the agents service can be told, under {@code agents.*}. */
@ConfigMapping(prefix = "agents")
public interface AgentsConfig {

    /** The self-hosted, OpenAI-compatible model server (vLLM, TGI, Ollama, llama.cpp server). */
    ModelEndpoint model();

    /** The GitHub REST API the review agent reads pull requests from and posts reviews to. */
    GitHub github();

    /** Code reviews. */
    Review review();

    /** Research jobs. */
    Research research();

    interface Research {

        /** The retriever the researchers search (e.g. {@code http://127.0.0.1:8082}); the launcher sets it. */
        @WithDefault("http://127.0.0.1:8082")
        String retrieverUrl();

        /** Bound on one search. */
        @WithDefault("10S")
        Duration retrieverTimeout();

        /** Search queries one sub-question is rewritten into (model mode). */
        @WithDefault("3")
        int queriesPerQuestion();

        /** Passages kept per search query. */
        @WithDefault("5")
        int passagesPerQuery();

        /** Rounds of review and revision before unsupported claims are dropped. */
        @WithDefault("2")
        int maxReviewRounds();

        /** A step stored as pending but not started for this long is published again (a publish lost to a crash). */
        @WithDefault("30S")
        Duration redriveAfter();

        /** A step started this long ago and still unfinished is published again. */
        @WithDefault("10M")
        Duration stepTimeout();
    }

    interface GitHub {

        /** REST API root: {@code https://api.github.com}, or {@code https://HOST/api/v3} for GitHub Enterprise. */
        @WithDefault("https://api.github.com")
        String apiUrl();

        /** A token (personal or fine-grained) with pull-request read and write; or use a GitHub App. */
        Optional<String> token();

        /** GitHub App id; with {@code private-key}, installation tokens are minted per repository. */
        Optional<String> appId();

        /** The GitHub App's private key, PEM (PKCS#1 or PKCS#8). */
        Optional<String> privateKey();

        /** Bound on one API call. */
        @WithDefault("20S")
        Duration timeout();

        /** Longest wait for a rate limit to reset before the review fails (and is retried from Kafka). */
        @WithDefault("120S")
        Duration maxRateLimitWait();

        /** Retries of a 5xx or a connection failure, with backoff. */
        @WithDefault("3")
        int maxRetries();
    }

    interface Review {

        /** Tokens of diff one model call may see; larger pull requests are split into parts. */
        @WithDefault("6000")
        int budgetTokens();

        /** Most inline comments one review posts (repository setting: max_findings). */
        @WithDefault("10")
        int maxFindings();

        /** Least severity posted: info, minor, major, critical (repository setting: severity_floor). */
        @WithDefault("minor")
        String severityFloor();

        /** A file adding this many lines is flagged as hard to review. */
        @WithDefault("500")
        int largeFileLines();

        /**
         * The retriever, for related context from the tenant's indexed docs and code (e.g.
         * {@code http://127.0.0.1:8082}); unset: reviews see the diff only.
         */
        Optional<String> retrieverUrl();

        /** Related passages added to each model review part. */
        @WithDefault("3")
        int relatedPassages();

        /** Path of the per-repository settings file. */
        @WithDefault(".ragline/review.yml")
        String configPath();
    }
}
