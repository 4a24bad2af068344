package io.ragline.agents.research;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ragline.model.AiCalls;
import io.ragline.model.Prompts;
import io.ragline.retriever.api.SearchRequest;
import io.ragline.retriever.api.SearchResponse;
import io.ragline.retriever.client.RetrieverClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A researcher: one sub-question becomes search queries (multi-query with a model; the sub-question and its key phrases
 * without), each searched through the retriever, the passages merged, and notes extracted that name the passages they
 * rest on. The result, stored as the step's result: {@code {queries, passages: [{chunkId, documentId, title, text}],
 * notes: [{text, passages: [index]}]}}.
 */
final class Researcher {

    static final int NOTES_WITHOUT_MODEL = 3;

    /** What a search needs: the retriever, the tenant, the job's filters, passages per query. */
    record Search(RetrieverClient retriever, String tenant, JsonNode filters, int passagesPerQuery) {

        List<SearchResponse.Hit> run(String query) {
            return retriever.search(
                    tenant, SearchRequest.of(query, passagesPerQuery).withFilters(filters));
        }
    }

    private Researcher() {}

    /** Researches with the model; {@code checkpoint} runs before each model call (cancellation). */
    static ObjectNode research(
            ResearchModel model, Search search, String subQuestion, int queries, Runnable checkpoint, int[] tokens) {
        AiCalls.Tally calls = model.tally();
        try {
            checkpoint.run();
            List<String> rewritten = Prompts.nonBlank(model.ask(calls, (p, id) -> p.queries(id, subQuestion, queries))
                    .queries());
            Set<String> all = new LinkedHashSet<>();
            all.add(subQuestion);
            rewritten.stream().limit(queries).forEach(all::add);
            List<SearchResponse.Hit> passages = retrieve(search, all);
            ObjectNode result = result(all, passages);
            ArrayNode notes = result.putArray("notes");
            if (!passages.isEmpty()) {
                StringBuilder numbered = new StringBuilder();
                for (int i = 0; i < passages.size(); i++) {
                    numbered.append("<passage n=\"")
                            .append(i + 1)
                            .append("\">")
                            .append(passages.get(i).text())
                            .append("</passage>\n");
                }
                checkpoint.run();
                ResearchPrompts.Notes found =
                        model.ask(calls, (p, id) -> p.notes(id, subQuestion, numbered.toString()));
                for (ResearchPrompts.Note n : found.notes()) {
                    List<Integer> cited = new ArrayList<>();
                    if (n == null || n.text() == null || n.text().isBlank() || n.passages() == null) {
                        continue;
                    }
                    n.passages().forEach(i -> {
                        if (i != null && i >= 1 && i <= passages.size() && !cited.contains(i - 1)) {
                            cited.add(i - 1);
                        }
                    });
                    if (!cited.isEmpty()) {
                        ObjectNode note = notes.addObject().put("text", n.text().strip());
                        cited.forEach(note.putArray("passages")::add);
                    }
                }
            }
            return result;
        } finally {
            tokens[0] += calls.tokens();
        }
    }

    /** Researches without a model: the best sentence of each of the best passages, quoted. */
    static ObjectNode extractive(Search search, String subQuestion) {
        List<SearchResponse.Hit> passages = retrieve(search, Set.of(subQuestion));
        ObjectNode result = result(Set.of(subQuestion), passages);
        ArrayNode notes = result.putArray("notes");
        for (int i = 0; i < passages.size() && i < NOTES_WITHOUT_MODEL; i++) {
            notes.addObject()
                    .put("text", KeyPhrases.bestSentence(passages.get(i).text(), subQuestion))
                    .putArray("passages")
                    .add(i);
        }
        return result;
    }

    private static List<SearchResponse.Hit> retrieve(Search search, Set<String> queries) {
        Map<String, SearchResponse.Hit> merged = new LinkedHashMap<>();
        for (String q : queries) {
            for (SearchResponse.Hit h : search.run(q)) {
                merged.putIfAbsent(h.chunkId(), h);
            }
        }
        return new ArrayList<>(merged.values());
    }

    private static ObjectNode result(Set<String> queries, List<SearchResponse.Hit> passages) {
        ObjectNode result = ResearchStore.JSON.createObjectNode();
        queries.forEach(result.putArray("queries")::add);
        ArrayNode p = result.putArray("passages");
        passages.forEach(h -> p.addObject()
                .put("chunkId", h.chunkId())
                .put("documentId", h.documentId())
                .put("title", h.title())
                .put("text", h.text()));
        return result;
    }
}
