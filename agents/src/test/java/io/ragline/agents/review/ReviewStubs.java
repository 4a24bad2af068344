package io.ragline.agents.review;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.ragline.model.testing.ScriptedModelServer;
import java.util.Map;

/** A WireMock GitHub REST API and the scripted model server, on 127.0.0.1, with the agents pointed at them. */
public class ReviewStubs implements QuarkusTestResourceLifecycleManager {

    static WireMockServer github;
    static ScriptedModelServer model;
    static io.ragline.retriever.client.testing.StubRetriever retriever;

    @Override
    public Map<String, String> start() {
        github = new WireMockServer(
                WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        github.start();
        model = ScriptedModelServer.start(r -> ScriptedModelServer.Reply.text("{\"findings\":[]}"));
        retriever = new io.ragline.retriever.client.testing.StubRetriever();
        retriever.answer(java.util.List.of(new io.ragline.retriever.client.testing.StubRetriever.Hit(
                "c-guide", "docs/caching.md", "Caching guide", "Cache values may be absent: always null-check.", 0.7)));
        return Map.of(
                "agents.github.api-url", "http://127.0.0.1:" + github.port(),
                "agents.github.token", "test-token",
                "agents.github.max-retries", "2",
                "agents.model.base-url", model.baseUrl(),
                "agents.model.name", "review-base",
                "agents.model.tasks.review", "review-lora",
                "agents.model.timeout", "5S",
                "agents.model.max-retries", "0",
                "agents.model.breaker-failures", "1000",
                "agents.review.retriever-url", retriever.url());
    }

    @Override
    public void stop() {
        github.stop();
        model.close();
        retriever.close();
    }
}
