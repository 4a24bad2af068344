package io.ragline.agents.review;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.ragline.model.testing.ScriptedModelServer;
import java.util.Map;

/**
 * A WireMock GitHub REST API, the scripted model server and a stub retriever, on 127.0.0.1, with the review and
 * research agents pointed at them.
 */
public class ReviewStubs implements QuarkusTestResourceLifecycleManager {

    /** What the retriever finds for a review's related context. */
    public static final java.util.List<io.ragline.retriever.client.testing.StubRetriever.Hit> RELATED =
            java.util.List.of(new io.ragline.retriever.client.testing.StubRetriever.Hit(
                    "c-guide",
                    "docs/caching.md",
                    "Caching guide",
                    "Cache values may be absent: always null-check.",
                    0.7));

    public static WireMockServer github;
    public static ScriptedModelServer model;
    public static io.ragline.retriever.client.testing.StubRetriever retriever;

    @Override
    public Map<String, String> start() {
        github = new WireMockServer(
                WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        github.start();
        model = ScriptedModelServer.start(r -> ScriptedModelServer.Reply.text("{\"findings\":[]}"));
        retriever = new io.ragline.retriever.client.testing.StubRetriever();
        retriever.answer(RELATED);
        Map<String, String> config = new java.util.HashMap<>();
        config.put("agents.github.api-url", "http://127.0.0.1:" + github.port());
        config.put("agents.github.token", "test-token");
        config.put("agents.github.max-retries", "2");
        config.put("agents.model.base-url", model.baseUrl());
        config.put("agents.model.name", "review-base");
        config.put("agents.model.tasks.review", "review-lora");
        config.put("quarkus.langchain4j.openai.review.timeout", "5S");
        config.put("quarkus.langchain4j.openai.research.timeout", "5S");
        config.put("io.ragline.agents.model.AgentModel/ask/Retry/maxRetries", "0");
        config.put("io.ragline.agents.model.AgentModel/ask/CircuitBreaker/requestVolumeThreshold", "1000");
        config.put("agents.review.retriever-url", retriever.url());
        config.put("agents.research.retriever-url", retriever.url());
        config.put("agents.research.redrive-after", "5S");
        return config;
    }

    @Override
    public void stop() {
        github.stop();
        model.close();
        retriever.close();
    }
}
