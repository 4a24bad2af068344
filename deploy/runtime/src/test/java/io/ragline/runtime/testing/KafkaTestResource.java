package io.ragline.runtime.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Points a {@code @QuarkusTest} at the real Kafka broker of {@link TestInfrastructure} (no Docker): use with
 * {@code @WithTestResource(KafkaTestResource.class)} in integration tests.
 */
public class KafkaTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("kafka.bootstrap.servers", TestInfrastructure.kafka().bootstrapServers());
    }

    @Override
    public void stop() {
        // shared by the whole test JVM; stopped when it exits
    }
}
