package io.ragline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ragline.eval.Dataset;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Submits a corpus through the gateway's public API ({@code POST /v1/documents/batch}, title and text joined as the document
 * text, as the published BEIR baselines embed them) and follows it until ingest processed every document. Corpus ids
 * the API does not accept as document ids (e.g. {@code Super_Bowl_50#0}) are mapped to accepted ones;
 * {@link #originalId} maps them back.
 */
final class CorpusSubmitter {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Documents per request: well under the gateway's {@code documents.max-batch-documents} (1000). */
    private static final int BATCH = 100;

    private final HttpClient http = HttpClient.newHttpClient();
    private final String gateway;
    private final PrintStream out;
    private final Map<String, String> original = new HashMap<>();
    private final Map<String, String> submitted = new HashMap<>();

    CorpusSubmitter(String gateway, List<Dataset.Doc> corpus, PrintStream out) {
        this.gateway = gateway;
        this.out = out;
        for (Dataset.Doc doc : corpus) {
            String id = "beir-" + doc.id().replaceAll("[^A-Za-z0-9._:/-]", "_");
            String unique = id;
            for (int n = 2; original.containsKey(unique); n++) {
                unique = id + "~" + n;
            }
            original.put(unique, doc.id());
            submitted.put(doc.id(), unique);
        }
    }

    /** The corpus id of a document id this submitter used, or null for any other document. */
    String originalId(String documentId) {
        return original.get(documentId);
    }

    /**
     * Submits every document ({@code POST /v1/documents/batch}, {@value #BATCH} per request, 4 requests in flight) and
     * waits until each is processed; returns seconds.
     */
    double submitAll(List<Dataset.Doc> docs) throws Exception {
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        Map<String, String> pending = new LinkedHashMap<>();
        try {
            List<Future<List<String>>> futures = new ArrayList<>();
            for (int from = 0; from < docs.size(); from += BATCH) {
                List<Dataset.Doc> batch = docs.subList(from, Math.min(docs.size(), from + BATCH));
                futures.add(pool.submit(() -> submit(batch)));
            }
            int i = 0;
            for (Future<List<String>> f : futures) {
                for (String eventId : f.get()) {
                    pending.put(eventId, submitted.get(docs.get(i++).id()));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        out.printf("all %d accepted by the gateway after %.1f s%n", docs.size(), (System.nanoTime() - t0) / 1e9);
        long lastReport = System.nanoTime();
        while (!pending.isEmpty()) {
            ObjectNode request = JSON.createObjectNode();
            ArrayNode list = request.putArray("submissions");
            pending.entrySet().stream()
                    .limit(1000)
                    .forEach(e ->
                            list.addObject().put("documentId", e.getValue()).put("eventId", e.getKey()));
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(gateway + "/v1/documents/status"))
                            .header("content-type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(request)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            for (JsonNode status : JSON.readTree(response.body())) {
                if (status.path("processed").asBoolean()) {
                    pending.remove(status.path("eventId").asText());
                }
            }
            if (System.nanoTime() - lastReport > 10_000_000_000L) {
                lastReport = System.nanoTime();
                out.printf("%d/%d processed%n", docs.size() - pending.size(), docs.size());
            }
            if (!pending.isEmpty()) {
                // each poll is a query on the database ingest is writing to: poll about 100 times over the run
                // (the end is then seen within ~1 % of the elapsed time), at least every second
                long elapsedMillis = (System.nanoTime() - t0) / 1_000_000;
                Thread.sleep(Math.max(250, Math.min(1000, elapsedMillis / 100)));
            }
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Submits one batch; returns the event id of each document, in order. */
    private List<String> submit(List<Dataset.Doc> batch) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode documents = body.putArray("documents");
        for (Dataset.Doc doc : batch) {
            documents
                    .addObject()
                    .put("id", submitted.get(doc.id()))
                    .put("title", doc.title())
                    .put("text", (doc.title() + "\n\n" + doc.text()).strip());
        }
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(gateway + "/v1/documents/batch"))
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 202) {
            throw new IllegalStateException("a batch of " + batch.size() + " documents from "
                    + batch.get(0).id() + " was refused (" + response.statusCode() + "): " + response.body());
        }
        List<String> eventIds = new ArrayList<>(batch.size());
        for (JsonNode accepted : JSON.readTree(response.body()).path("documents")) {
            eventIds.add(accepted.path("eventId").asText());
        }
        return eventIds;
    }
}
