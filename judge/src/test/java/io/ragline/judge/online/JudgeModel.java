package io.ragline.judge.online;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.ragline.model.testing.ScriptedModelServer;
import io.ragline.model.testing.ScriptedModelServer.Reply;
import java.util.Map;

/**
 * A scripted judge model answering each RAGAS prompt by its instructions: two statements, both supported; three
 * questions written back; every passage useful; every reference statement attributed; of a review's findings only
 * the first valid, all actionable.
 */
public class JudgeModel implements QuarkusTestResourceLifecycleManager {

    public static ScriptedModelServer model;

    @Override
    public Map<String, String> start() {
        model = ScriptedModelServer.start(r -> {
            String system = r.system();
            if (system.startsWith("Break the answer")) {
                return Reply.text("{\"statements\":[\"Consumers in a group share partitions.\","
                        + "\"Each partition is read by one consumer.\"]}");
            } else if (system.startsWith("Judge whether each statement")) {
                return Reply.text("{\"verdicts\":[{\"statement\":\"a\",\"reason\":\"r\",\"verdict\":1},"
                        + "{\"statement\":\"b\",\"reason\":\"r\",\"verdict\":1}]}");
            } else if (system.startsWith("Write the questions")) {
                return Reply.text("{\"questions\":[\"How do consumers share work?\",\"How is work shared?\","
                        + "\"What do consumers in a group share?\"],\"noncommittal\":0}");
            } else if (system.startsWith("Given a question, an answer to it and numbered passages")) {
                int passages = r.user().split("<passage n=", -1).length - 1;
                return Reply.text("{\"verdicts\":["
                        + "{\"passage\":1,\"reason\":\"r\",\"verdict\":1},"
                                .repeat(passages)
                                .replaceAll(",$", "")
                        + "]}");
            } else if (system.startsWith("You check the comments an automated code reviewer left")) {
                int findings = r.user().split("<finding n=", -1).length - 1;
                StringBuilder v = new StringBuilder("{\"verdicts\":[");
                for (int i = 1; i <= findings; i++) {
                    v.append(i > 1 ? "," : "")
                            .append("{\"finding\":")
                            .append(i)
                            .append(",\"reason\":\"r\",\"valid\":")
                            .append(i == 1 ? 1 : 0)
                            .append(",\"actionable\":1}");
                }
                return Reply.text(v.append("]}").toString());
            } else if (system.startsWith("Given a context and a reference answer")) {
                return Reply.text("{\"classifications\":[{\"statement\":\"s\",\"reason\":\"r\",\"attributed\":1}]}");
            }
            return Reply.error(400, "unexpected prompt");
        });
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
