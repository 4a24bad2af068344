package io.ragline.gateway.webhook;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

public class WebhookSecret implements QuarkusTestResourceLifecycleManager {

    static final String SECRET = "test-webhook-secret";

    @Override
    public Map<String, String> start() {
        return Map.of("gateway.github.webhook-secret", SECRET, "gateway.github.max-body-bytes", "1048576");
    }

    @Override
    public void stop() {}
}
