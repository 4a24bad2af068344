package io.ragline.retriever.search;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.ragline.retriever.embedding.QueryEmbedder;
import io.ragline.runtime.testing.PostgresTestResource;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * An external cross-encoder: a scripted {@code POST /rerank} on 127.0.0.1 (Text Embeddings Inference's answer shape)
 * that prefers texts mentioning "reimbursed"; then the same reranker failing.
 */
@QuarkusTest
@TestProfile(RerankIT.WithReranker.class)
@WithTestResource(PostgresTestResource.class)
class RerankIT {

    /** What the scripted reranker does next: "score", "fail" or "slow". */
    static final AtomicReference<String> BEHAVIOUR = new AtomicReference<>("score");

    public static class WithReranker implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(StubReranker.class));
        }
    }

    public static class StubReranker implements QuarkusTestResourceLifecycleManager {
        private HttpServer server;

        @Override
        public Map<String, String> start() {
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server.createContext("/rerank", exchange -> {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                String behaviour = BEHAVIOUR.get();
                if (behaviour.equals("slow")) {
                    try {
                        Thread.sleep(1500);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                int status = behaviour.equals("fail") ? 503 : 200;
                // texts arrive in fused order; score each by whether it mentions "reimbursed"
                var texts = new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(body)
                        .path("texts");
                StringBuilder answer = new StringBuilder("[");
                for (int i = 0; i < texts.size(); i++) {
                    double score = texts.get(i).asText().contains("reimbursed") ? 0.9 : 0.1 - i * 0.001;
                    answer.append(i == 0 ? "" : ",")
                            .append("{\"index\":")
                            .append(i)
                            .append(",\"score\":")
                            .append(score)
                            .append('}');
                }
                byte[] bytes =
                        (status == 200 ? answer.append(']').toString() : "overloaded").getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(status, bytes.length);
                exchange.getResponseBody().write(bytes);
                exchange.close();
            });
            server.start();
            return Map.of(
                    "retriever.rerank.url",
                    "http://127.0.0.1:" + server.getAddress().getPort(),
                    "retriever.rerank.timeout",
                    "500ms");
        }

        @Override
        public void stop() {
            server.stop(0);
        }
    }

    @Inject
    DataSource dataSource;

    @Inject
    QueryEmbedder embedder;

    private JsonPath search(String tenant) {
        return given().header(SearchResource.TENANT_HEADER, tenant)
                .contentType("application/json")
                .body("{\"query\":\"travel expenses policy\",\"topK\":3}")
                .post("/v1/search")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    @Test
    void theRerankersOrderWinsAndItsAbsenceIsReported() throws SQLException {
        Fixture f = new Fixture(dataSource, embedder, "rerank");
        f.add("policy", "Travel expenses policy: what the travel expenses policy covers and who approves travel.");
        f.add("claims", "Expenses are reimbursed within ten days once the receipt is uploaded.");
        f.add("other", "The travel desk books hotels near the customer's office.");

        BEHAVIOUR.set("score");
        JsonPath reranked = search(f.tenant);
        assertThat(reranked.getBoolean("reranked")).isTrue();
        assertThat(reranked.getString("hits[0].documentId")).isEqualTo("claims");
        assertThat(reranked.getDouble("hits[0].score")).isEqualTo(0.9);

        for (String failure : List.of("fail", "slow")) {
            BEHAVIOUR.set(failure);
            JsonPath fused = search(f.tenant);
            assertThat(fused.getBoolean("reranked")).as(failure).isFalse();
            assertThat(fused.getString("hits[0].documentId")).as(failure).isEqualTo("policy");
            assertThat(fused.getList("hits")).as(failure).hasSize(3);
        }
    }
}
