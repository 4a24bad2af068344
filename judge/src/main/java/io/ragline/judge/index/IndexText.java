package io.ragline.judge.index;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ragline.judge.config.JudgeConfig;
import io.ragline.retriever.api.ChunksApi;
import io.ragline.retriever.client.RetrieverClient;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the judge reads of the index, through the retriever's chunk API: the full text of the passages an answer or a
 * report cites, and what a tenant's index held when a quality run measured it. Throws {@link
 * io.ragline.retriever.client.RetrieverUnavailableException} when the retriever cannot be asked.
 */
@ApplicationScoped
public class IndexText {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    JudgeConfig config;

    private RetrieverClient retriever;

    @PostConstruct
    void init() {
        retriever =
                new RetrieverClient(config.retriever().url(), config.retriever().timeout());
    }

    /** The full text of the tenant's chunks among the ids, by id (answers cite passages by chunk id). */
    public Map<String, String> chunkTexts(String tenant, List<String> chunkIds) {
        Map<String, String> out = new HashMap<>();
        for (int from = 0; from < chunkIds.size(); from += ChunksApi.MAX_IDS) {
            List<String> batch = chunkIds.subList(from, Math.min(chunkIds.size(), from + ChunksApi.MAX_IDS));
            for (ChunksApi.Chunk chunk : retriever.chunks(tenant, batch)) {
                out.put(chunk.chunkId(), chunk.content());
            }
        }
        return out;
    }

    /** The tenant's index: {@code indexVersions}, {@code embeddingModels}, {@code chunks}. */
    public ObjectNode index(String tenant) {
        ChunksApi.IndexSummary summary = retriever.index(tenant);
        ObjectNode out = JSON.createObjectNode();
        out.set("indexVersions", JSON.valueToTree(summary.indexVersions()));
        out.set("embeddingModels", JSON.valueToTree(summary.embeddingModels()));
        out.put("chunks", summary.chunks());
        return out;
    }
}
