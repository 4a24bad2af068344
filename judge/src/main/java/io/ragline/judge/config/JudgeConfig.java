package io.ragline.judge.config;

import io.ragline.model.ModelEndpoint;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Everything the judge can be told, under {@code judge.*}. */
@ConfigMapping(prefix = "judge")
public interface JudgeConfig {

    /** Online scoring of produced answers. */
    Online online();

    /**
     * The model server for the LLM metrics (RAGAS, review findings), the named model {@code judge} of
     * quarkus-langchain4j; unset: model-free scores only.
     */
    ModelEndpoint model();

    /** Nightly quality runs. */
    Evals evals();

    /** Fine-tuning exports, made from the gateway's answers API and the judge's own scores. */
    Exports exports();

    interface Exports {

        /**
         * The gateway's admin token, the bearer of its answers API ({@code judge.evals.gateway-url}); unset: the
         * exports answer 503 saying so.
         */
        java.util.Optional<String> gatewayAdminToken();

        /** Answers asked of the gateway per request. */
        @WithDefault("500")
        int pageSize();

        /** Bound on one page. */
        @WithDefault("30S")
        java.time.Duration timeout();
    }

    /** The retriever, through which the judge reads the passages it scores against (never the index tables). */
    Retriever retriever();

    interface Retriever {

        @WithDefault("http://127.0.0.1:8082")
        String url();

        @WithDefault("10S")
        java.time.Duration timeout();
    }

    interface Online {

        /** Fraction of answers scored, in [0, 1]. */
        @WithDefault("0.1")
        double sampleRate();
    }

    interface Evals {

        /** When the nightly run starts (Quartz-style cron). */
        @WithDefault("0 0 2 * * ?")
        String schedule();

        /** A metric drop beyond this (absolute) against the previous run marks a run regressed. */
        @WithDefault("0.02")
        double regressionThreshold();

        /** The gateway whose public API a run asks, as users do. */
        @WithDefault("http://127.0.0.1:8080")
        String gatewayUrl();

        /** API key for the gateway, when it requires keys. */
        java.util.Optional<String> apiKey();

        /** Bound on one answer. */
        @WithDefault("120S")
        java.time.Duration answerTimeout();

        /** Where a regressed run is announced (POST of the run as JSON), if anywhere. */
        java.util.Optional<String> alertWebhook();

        /** Whether the schedule runs (every dataset of every tenant, nightly). */
        @WithDefault("true")
        boolean scheduled();
    }
}
