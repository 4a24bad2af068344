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
                "gateway.collections.kafka-docs", "{\"sources\":[\"kafka\"]}"));
        for (String task : new String[] {"chat", "query-rewrite", "explain"}) {
            config.put("quarkus.langchain4j.openai." + task + ".timeout", "3S");
        }
        String call = "io.ragline.gateway.model.GatewayModel/call/";
        config.put(call + "Retry/maxRetries", "1");
        config.put(call + "Retry/delay", "10");
        config.put(call + "Retry/jitter", "0");
        config.put(call + "CircuitBreaker/requestVolumeThreshold", "1000");
        return config;
    }

    @Override
    public void stop() {
        model.close();
        retriever.close();
        ingest.stop();
    }
}
