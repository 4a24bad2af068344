package io.ragline.judge;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.ragline.retriever.client.testing.StubRetriever;
import java.util.Map;

/** The retriever's chunk API over the chunks a test indexes, for the judge's reads of cited passages. */
public class StubIndex implements QuarkusTestResourceLifecycleManager {

    public static StubRetriever retriever;

    @Override
    public Map<String, String> start() {
        retriever = new StubRetriever();
        return Map.of("judge.retriever.url", retriever.url());
    }

    @Override
    public void stop() {
        retriever.close();
    }
}
