package io.ragline.gateway.chat;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.ragline.gateway.document.ScriptedIngest;
import io.ragline.model.testing.ScriptedModelServer;
import io.ragline.retriever.client.testing.StubRetriever;
import java.util.HashMap;
import java.util.Map;

/**
 * Starts the scripted model server, the stub retriever and the scripted intake API of ingest once, and points the
 * gateway at them.
 */
public class ChatStubs implements QuarkusTestResourceLifecycleManager {

    public static ScriptedModelServer model;
    public static StubRetriever retriever;
    private final ScriptedIngest ingest = new ScriptedIngest();

    @Override
    public Map<String, String> start() {
        model = ScriptedModelServer.start(r -> ScriptedModelServer.Reply.text("unscripted"));
        retriever = new StubRetriever();
        Map<String, String> config = new HashMap<>(ingest.start());
        config.putAll(Map.of(
                "gateway.retriever.url", retriever.url(),
                "gateway.model.base-url", model.baseUrl(),
                "gateway.model.name", "base-model",
                "gateway.model.tasks.query-rewrite", "rewrite-model",
                "gateway.model.timeout", "3S",
                "gateway.model.max-retries", "1",
                "gateway.model.initial-backoff", "10MS",
                "gateway.model.breaker-failures", "1000",
                "gateway.collections.kafka-docs", "{\"sources\":[\"kafka\"]}"));
        return config;
    }

    @Override
    public void stop() {
        model.close();
        retriever.close();
        ingest.stop();
    }
}
