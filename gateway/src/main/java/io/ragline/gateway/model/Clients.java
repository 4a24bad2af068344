package io.ragline.gateway.model;

import io.ragline.gateway.config.GatewayConfig;
import io.ragline.retriever.client.RetrieverClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The gateway's retriever client, built once from {@code gateway.retriever.*}. */
@ApplicationScoped
public class Clients {

    @Produces
    @Singleton
    RetrieverClient retrieverClient(GatewayConfig config) {
        return new RetrieverClient(config.retriever().url(), config.retriever().timeout());
    }
}
