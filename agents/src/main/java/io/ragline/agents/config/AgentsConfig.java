package io.ragline.agents.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Everything the agents service can be told, under {@code agents.*}. */
@ConfigMapping(prefix = "agents")
public interface AgentsConfig {

    /** The self-hosted, OpenAI-compatible model server (vLLM, TGI, Ollama, llama.cpp server). */
    ModelServer modelServer();

    interface ModelServer {

        /** Base URL, e.g. {@code http://gpu-box:8000/v1}; absent means no model: agents run in extractive mode. */
        Optional<String> baseUrl();

        /** Model name for code reviews (a fine-tuned or LoRA model vLLM serves by name works). */
        @WithDefault("default")
        String reviewModel();

        /** Model name for research planning, writing and reviewing. */
        @WithDefault("default")
        String researchModel();

        /** Longest wait for one model call. */
        @WithDefault("60s")
        Duration timeout();
    }
}
