package io.ragline.judge.online;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.ragline.model.testing.ScriptedModelServer;
import io.ragline.model.testing.ScriptedModelServer.Reply;
import java.util.Map;

/** A scripted judge model: two statements, both supported. */
public class JudgeModel implements QuarkusTestResourceLifecycleManager {

    static ScriptedModelServer model;

    @Override
    public Map<String, String> start() {
        model = ScriptedModelServer.start(r -> r.system().startsWith("Break the answer")
                ? Reply.text("{\"statements\":[\"Consumers in a group share partitions.\","
                        + "\"Each partition is read by one consumer.\"]}")
                : Reply.text("{\"verdicts\":[{\"statement\":\"a\",\"reason\":\"r\",\"verdict\":1},"
                        + "{\"statement\":\"b\",\"reason\":\"r\",\"verdict\":1}]}"));
        return Map.of(
                "judge.online.sample-rate", "1.0",
                "judge.model.base-url", model.baseUrl(),
                "judge.model.tasks.judge", "judge-lora");
    }

    @Override
    public void stop() {
        model.close();
    }
}
