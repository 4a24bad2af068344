package io.ragline.gateway.model;

import io.ragline.gateway.config.GatewayConfig;
import io.ragline.model.ModelServer;
import io.ragline.model.ModelSettings;
import io.ragline.retriever.client.RetrieverClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The gateway's remote services, built once from {@code gateway.model.*} and {@code gateway.retriever.*}. */
@ApplicationScoped
public class Clients {

    @Produces
    @Singleton
    ModelServer modelServer(GatewayConfig config) {
        GatewayConfig.Model m = config.model();
        return new ModelServer(new ModelSettings(
                m.baseUrl(),
                m.apiKey(),
                m.name(),
                m.tasks(),
                m.timeout(),
                m.maxRetries(),
                m.initialBackoff(),
                m.maxTokens(),
                m.temperature(),
                m.breakerFailures(),
                m.breakerOpenFor()));
    }

    @Produces
    @Singleton
    RetrieverClient retrieverClient(GatewayConfig config) {
        return new RetrieverClient(config.retriever().url(), config.retriever().timeout());
    }
}
