package io.ragline.judge.metrics;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.ragline.model.testing.ScriptedModelServer;
import io.ragline.model.testing.ScriptedModelServer.Reply;
import io.ragline.model.testing.ScriptedModelServer.Request;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The judge's application with its channels in memory, no nightly schedule, and a scripted judge model that each test
 * scripts ({@link #model}): the metrics' prompts, their JSON answers and their re-asks go through quarkus-langchain4j
 * as in production. Every class that uses it shares one started application.
 */
public class ScriptedJudge implements QuarkusTestResourceLifecycleManager {

    public static ScriptedModelServer model;

    @Override
    public Map<String, String> start() {
        model = ScriptedModelServer.start(r -> Reply.error(400, "no script"));
        Map<String, String> config = new HashMap<>();
        config.putAll(InMemoryConnector.switchIncomingChannelsToInMemory(
                "answers-produced", "reviews-completed", "research-completed"));
        config.putAll(InMemoryConnector.switchOutgoingChannelsToInMemory("judgements-produced", "evals-completed"));
        config.put("quarkus.kafka.health.enabled", "false");
        config.put("judge.evals.scheduled", "false");
        config.put("judge.model.base-url", model.baseUrl());
        config.put("judge.model.tasks.judge", "judge-model");
        return config;
    }

    /** The shared model server with its requests cleared, answering by {@code script} from now on. */
    static ScriptedModelServer scripted(Function<Request, Reply> script) {
        model.script(script);
        model.clearRequests();
        return model;
    }

    @Override
    public void stop() {
        InMemoryConnector.clear();
        model.close();
    }
}
