package io.ragline.judge.metrics;

import io.ragline.model.ModelServer;
import io.ragline.model.ModelSettings;
import io.ragline.model.testing.ScriptedModelServer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** A judge model client pointed at a scripted model server, without retries. */
final class JudgeModels {

    private JudgeModels() {}

    static ModelServer at(ScriptedModelServer stub) {
        return new ModelServer(new ModelSettings(
                Optional.of(stub.baseUrl()),
                Optional.empty(),
                "judge-model",
                Map.of(),
                Duration.ofSeconds(5),
                0,
                Duration.ofMillis(10),
                512,
                0.0,
                100,
                Duration.ofSeconds(30)));
    }
}
