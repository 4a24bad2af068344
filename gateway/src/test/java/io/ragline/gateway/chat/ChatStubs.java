package io.ragline.gateway.chat;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.ragline.model.testing.ScriptedModelServer;
import io.ragline.retriever.client.testing.StubRetriever;
import java.util.Map;

/** Starts the scripted model server and the stub retriever once, and points the gateway at them. */
public class ChatStubs implements QuarkusTestResourceLifecycleManager {

    public static ScriptedModelServer model;
    public static StubRetriever retriever;

    @Override
    public Map<String, String> start() {
        model = ScriptedModelServer.start(r -> ScriptedModelServer.Reply.text("unscripted"));
        retriever = new StubRetriever();
        return Map.of(
                "gateway.retriever.url", retriever.url(),
                "gateway.model.base-url", model.baseUrl(),
                "gateway.model.name", "base-model",
                "gateway.model.tasks.query-rewrite", "rewrite-model",
                "gateway.model.timeout", "3S",
                "gateway.model.max-retries", "1",
                "gateway.model.initial-backoff", "10MS",
                "gateway.model.breaker-failures", "1000",
                "gateway.collections.kafka-docs", "{\"sources\":[\"kafka\"]}");
    }

    @Override
    public void stop() {
        model.close();
        retriever.close();
    }
}
