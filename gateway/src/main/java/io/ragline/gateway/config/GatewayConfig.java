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

        /** Largest text body of a JSON submission (UTF-8 bytes); larger ones are refused with 413. */
        @WithDefault("10485760")
        int maxTextBytes();

        /** Largest uploaded file; larger ones are refused with 413. */
        @WithDefault("52428800")
        long maxFileBytes();

        /** Text up to this size travels inline in the Kafka event; larger bodies go through the claim-check table. */
        @WithDefault("262144")
        int inlineMaxBytes();

        /**
         * Media types accepted for upload (besides every {@code text/*} type); anything else is refused with 415
         * listing these.
         */
        @WithDefault("application/pdf,"
                + "application/vnd.openxmlformats-officedocument.wordprocessingml.document,"
                + "application/vnd.openxmlformats-officedocument.presentationml.presentation,"
                + "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,"
                + "application/msword,application/vnd.ms-excel,application/vnd.ms-powerpoint,"
                + "application/json,application/xml,application/xhtml+xml,application/rtf,"
                + "application/vnd.oasis.opendocument.text,application/epub+zip")
        java.util.List<String> supportedMediaTypes();
    }
}
