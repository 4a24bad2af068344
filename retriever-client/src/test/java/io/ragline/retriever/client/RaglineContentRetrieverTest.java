package io.ragline.retriever.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.ContentMetadata;
import dev.langchain4j.rag.query.Query;
import io.quarkus.test.junit.QuarkusTest;
import io.ragline.retriever.api.SearchRequest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Against a scripted retriever on 127.0.0.1 answering in the shape of {@code POST /v1/search}, in a Quarkus test so
 * that the REST Client and the fault-tolerance guard are the ones the services run.
 */
@QuarkusTest
class RaglineContentRetrieverTest {

    private static final String ANSWER = """
            {"query":"q","mode":"hybrid","reranked":false,"diversified":false,
             "timings":{"embedMs":1,"vectorMs":1,"keywordMs":1,"rerankMs":0,"totalMs":3},
             "hits":[{"rank":1,"score":0.91,"chunkId":"c1","documentId":"handbook","title":"Handbook",
                      "source":"upload","metadata":{"team":"hr"},"ordinal":2,"text":"Book trains early.",
                      "headingPath":"Policies > Travel","startOffset":120,"endOffset":138,
                      "vectorRank":1,"vectorScore":0.8,"keywordRank":3,"keywordScore":4.2}]}
            """;

    private HttpServer server;
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final List<String> tenants = new CopyOnWriteArrayList<>();

    private String serve(int... statuses) throws IOException {
        AtomicInteger call = new AtomicInteger();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/search", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            tenants.add(exchange.getRequestHeaders().getFirst("Ragline-Tenant"));
            int n = call.getAndIncrement();
            int status = n < statuses.length ? statuses[n] : 200;
            respond(
                    exchange,
                    status,
                    status == 200
                            ? ANSWER
                            : "{\"status\":" + status + ",\"detail\":\"topK must be" + " between 1 and 100\"}");
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("content-type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void hitsBecomeContentsWithCitationMetadataAndScore() throws IOException {
        RetrieverClient client = new RetrieverClient(serve(), Duration.ofSeconds(2));
        RaglineContentRetriever retriever = new RaglineContentRetriever(
                client, "acme", SearchRequest.of("", 5).withMmr(true));

        List<Content> contents = retriever.retrieve(Query.from("how early to book trains?"));

        assertThat(contents).hasSize(1);
        Content c = contents.get(0);
        assertThat(c.textSegment().text()).isEqualTo("Book trains early.");
        assertThat(c.textSegment().metadata().getString("chunk_id")).isEqualTo("c1");
        assertThat(c.textSegment().metadata().getString("document_id")).isEqualTo("handbook");
        assertThat(c.textSegment().metadata().getString("title")).isEqualTo("Handbook");
        assertThat(c.textSegment().metadata().getString("heading_path")).isEqualTo("Policies > Travel");
        assertThat(c.textSegment().metadata().getInteger("start_offset")).isEqualTo(120);
        assertThat(c.textSegment().metadata().getInteger("end_offset")).isEqualTo(138);
        assertThat(c.metadata()).containsEntry(ContentMetadata.SCORE, 0.91);
        assertThat(tenants).containsExactly("acme");
        assertThat(bodies.get(0))
                .contains(
                        "\"query\":\"how early to book trains?\"", "\"topK\":5", "\"mode\":\"hybrid\"", "\"mmr\":true")
                .doesNotContain("tenant");
    }

    @Test
    void aServerErrorIsRetriedOnce() throws IOException {
        RetrieverClient client = new RetrieverClient(serve(503), Duration.ofSeconds(2));

        assertThat(client.search("t", SearchRequest.of("q", 3))).hasSize(1);
        assertThat(bodies).hasSize(2);
    }

    @Test
    void twoServerErrorsMakeTheRetrieverUnavailable() throws IOException {
        RetrieverClient client = new RetrieverClient(serve(500, 502), Duration.ofSeconds(2));

        assertThatThrownBy(() -> client.search("t", SearchRequest.of("q", 3)))
                .isInstanceOf(RetrieverUnavailableException.class)
                .hasMessageContaining("502");
    }

    @Test
    void aRefusalCarriesTheRetrieversReasonAndIsNotRetried() throws IOException {
        RetrieverClient client = new RetrieverClient(serve(400), Duration.ofSeconds(2));

        assertThatThrownBy(() -> client.search("t", SearchRequest.of("q", 1000)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("topK must be between 1 and 100");
        assertThat(bodies).hasSize(1);
    }

    @Test
    void aSlowRetrieverTimesOut() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/search", exchange -> {
            try {
                Thread.sleep(1500);
                respond(exchange, 200, ANSWER);
            } catch (InterruptedException | IOException e) {
                exchange.close();
            }
        });
        server.start();
        RetrieverClient client =
                new RetrieverClient("http://127.0.0.1:" + server.getAddress().getPort(), Duration.ofMillis(300));

        long t0 = System.nanoTime();
        assertThatThrownBy(() -> client.search("t", SearchRequest.of("q", 3)))
                .isInstanceOf(RetrieverUnavailableException.class)
                .hasMessageContaining("did not answer within");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(1400));
    }

    @Test
    void anUnreachableRetrieverIsNamed() {
        RetrieverClient client = new RetrieverClient("http://127.0.0.1:9", Duration.ofSeconds(1));
        assertThatThrownBy(() -> client.search("t", SearchRequest.of("q", 3)))
                .isInstanceOf(RetrieverUnavailableException.class)
                .hasMessageContaining("unreachable");
    }
}
