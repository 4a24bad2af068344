package io.ragline.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Everything the gateway can be told, under {@code gateway.*}. */
@ConfigMapping(prefix = "gateway")
public interface GatewayConfig {

    /** Tenant of requests that carry no API key, until API keys are configured. */
    @WithDefault("default")
    String defaultTenant();

    /** Document intake. */
    Documents documents();

    interface Documents {

        /** Largest text body (UTF-8 bytes) that travels inline on Kafka; larger ones are refused with 413 for now. */
        @WithDefault("1048576")
        int maxTextBytes();
    }
}
