package io.ragline.gateway.document;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import java.util.HashMap;
import java.util.Map;

/** Replaces the gateway's Kafka channels with in-memory ones for tests that need no broker. */
public class InMemoryChannels implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>();
        config.putAll(InMemoryConnector.switchOutgoingChannelsToInMemory(
                DocumentResource.SUBMITTED_CHANNEL,
                DocumentResource.DELETED_CHANNEL,
                io.ragline.gateway.chat.AnswerEvents.CHANNEL,
                io.ragline.gateway.webhook.GitHubWebhookResource.CHANNEL));
        return config;
    }

    @Override
    public void stop() {
        InMemoryConnector.clear();
    }
}
