package io.ragline.gateway.access;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.ragline.gateway.chat.ChatStubs;
import io.ragline.model.testing.ScriptedModelServer.Reply;
import io.ragline.retriever.client.testing.StubRetriever;
import io.ragline.runtime.testing.KafkaTestResource;
import io.ragline.runtime.testing.PostgresTestResource;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** API keys against the real database: tenants, hashing, revocation, rate limit and daily token budget. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(ChatStubs.class)
@WithTestResource(RequireKeys.class)
class AccessIT {

    @Inject
    AgroalDataSource dataSource;

    @BeforeEach
    void reset() {
        ChatStubs.retriever.clear();
        ChatStubs.retriever.answer(List.of(new StubRetriever.Hit(
                "c1", "d1", "Guide", "Consumers in a group share the partitions of a topic.", 0.8)));
        ChatStubs.model.script(r -> Reply.text("They share partitions [1]."));
    }

    private static String create(String tenant, int rate, long daily) {
        return given().header("Authorization", "Bearer " + RequireKeys.ADMIN)
                .contentType("application/json")
                .body("{\"tenant\":\"" + tenant + "\",\"name\":\"ci\",\"ratePerMinute\":" + rate + ",\"dailyTokens\":"
                        + daily + "}")
                .post("/admin/api-keys")
                .then()
                .statusCode(201)
                .body("key", startsWith("rl_"))
                .body("info.tenant", equalTo(tenant))
                .extract()
                .path("key");
    }

    @Test
    void requestsWithoutAValidKeyAreRefusedWithTheReason() {
        given().get("/v1/documents/x")
                .then()
                .statusCode(401)
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("detail", containsString("an API key is required"));
        given().header("Authorization", "Bearer rl_nope_nope")
                .get("/v1/documents/x")
                .then()
                .statusCode(401)
                .body("detail", equalTo("unknown API key"));
        given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void theAdminApiNeedsTheAdminTokenNotAnApiKey() {
        String key = create("acme-" + UUID.randomUUID().toString().substring(0, 8), 60, 0);
        given().get("/admin/api-keys").then().statusCode(401).body("detail", containsString("admin token"));
        given().header("Authorization", "Bearer wrong")
                .get("/admin/api-keys")
                .then()
                .statusCode(401);
        given().header("Authorization", "Bearer " + key)
                .get("/admin/api-keys")
                .then()
                .statusCode(403)
                .body("detail", containsString("API keys cannot use the admin API"));
        given().header("Authorization", "Bearer " + RequireKeys.ADMIN)
                .contentType("application/json")
                .body("{\"tenant\":\"bad tenant!\",\"name\":\"x\"}")
                .post("/admin/api-keys")
                .then()
                .statusCode(400)
                .body("detail", containsString("tenant must be"));
    }

    @Test
    void theAnswersApiGivesATenantsAnswersWithFeedbackPageByPageToTheAdminOnly() {
        String tenant = "answers-" + UUID.randomUUID().toString().substring(0, 8);
        String key = create(tenant, 60, 0);
        List<String> ids = new java.util.ArrayList<>();
        for (String question : List.of("How do consumers share work?", "And partitions?", "Why groups?")) {
            ids.add(given().header("Authorization", "Bearer " + key)
                    .contentType("application/json")
                    .body("{\"message\":\"" + question + "\"}")
                    .post("/v1/chat")
                    .then()
                    .statusCode(200)
                    .extract()
                    .path("answerId"));
        }
        given().header("Authorization", "Bearer " + key)
                .contentType("application/json")
                .body("{\"answerId\":\"" + ids.get(1) + "\",\"rating\":\"down\",\"correctedAnswer\":\"By key.\"}")
                .post("/v1/feedback")
                .then()
                .statusCode(202);

        // all three, oldest first, two per page
        List<String> seen = new java.util.ArrayList<>();
        var first = given().header("Authorization", "Bearer " + RequireKeys.ADMIN)
                .queryParam("tenant", tenant)
                .queryParam("limit", 2)
                .get("/admin/answers")
                .then()
                .statusCode(200)
                .body("answers[0].question", equalTo("How do consumers share work?"))
                .body("answers[0].rating", nullValue())
                .body("answers[1].rating", equalTo(-1))
                .body("answers[1].correctedAnswer", equalTo("By key."))
                .extract()
                .jsonPath();
        seen.addAll(first.getList("answers.eventId", String.class));
        given().header("Authorization", "Bearer " + RequireKeys.ADMIN)
                .queryParam("tenant", tenant)
                .queryParam("limit", 2)
                .queryParam("after", first.getString("next"))
                .get("/admin/answers")
                .then()
                .statusCode(200)
                .body("next", nullValue())
                .extract()
                .jsonPath()
                .getList("answers.eventId", String.class)
                .forEach(seen::add);
        assertThat(seen).containsExactlyElementsOf(ids);
        // rated only
        given().header("Authorization", "Bearer " + RequireKeys.ADMIN)
                .queryParam("tenant", tenant)
                .queryParam("rated", true)
                .get("/admin/answers")
                .then()
                .statusCode(200)
                .body("answers.eventId", contains(ids.get(1)));
        // a tenant's own key is not enough: the answers of every user are in it
        given().header("Authorization", "Bearer " + key)
                .queryParam("tenant", tenant)
                .get("/admin/answers")
                .then()
                .statusCode(403);
        given().header("Authorization", "Bearer " + RequireKeys.ADMIN)
                .get("/admin/answers")
                .then()
                .statusCode(400)
                .body("detail", containsString("tenant is required"));
    }

    @Test
    void aKeyScopesEveryRequestToItsTenantAndIsStoredOnlyAsAHash() throws Exception {
        String tenant = "acme-" + UUID.randomUUID().toString().substring(0, 8);
        String key = create(tenant, 60, 0);
        String other = create("other-" + UUID.randomUUID().toString().substring(0, 8), 60, 0);

        given().header("Authorization", "Bearer " + key)
                .contentType("application/json")
                .body("{\"message\":\"How do consumers share work?\"}")
                .post("/v1/chat")
                .then()
                .statusCode(200);
        assertThat(ChatStubs.retriever.received().get(0).tenant()).isEqualTo(tenant);

        String conversation = given().header("X-Api-Key", key)
                .contentType("application/json")
                .body("{\"message\":\"And then?\"}")
                .post("/v1/chat")
                .then()
                .statusCode(200)
                .extract()
                .path("conversationId");
        given().header("Authorization", "Bearer " + other)
                .get("/v1/conversations/" + conversation)
                .then()
                .statusCode(404);
        given().header("Authorization", "Bearer " + key)
                .get("/v1/conversations/" + conversation)
                .then()
                .statusCode(200);

        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT key_hash FROM api_keys WHERE tenant = ?")) {
            ps.setString(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(ApiKeys.hash(key)).doesNotContain(key.substring(3));
            }
        }
    }

    @Test
    void theRateLimitAnswers429WithRetryAfter() {
        String key = create("rate-" + UUID.randomUUID().toString().substring(0, 8), 2, 0);
        for (int i = 0; i < 2; i++) {
            given().header("Authorization", "Bearer " + key)
                    .get("/v1/documents/x")
                    .then()
                    .statusCode(404);
        }
        String retryAfter = given().header("Authorization", "Bearer " + key)
                .get("/v1/documents/x")
                .then()
                .statusCode(429)
                .body("detail", containsString("2 requests per minute"))
                .extract()
                .header("Retry-After");
        assertThat(Integer.parseInt(retryAfter)).isBetween(1, 60);
    }

    @Test
    void theDailyTokenBudgetStopsAKeyOnceSpent() {
        String key = create("budget-" + UUID.randomUUID().toString().substring(0, 8), 60, 20);

        int spent = given().header("Authorization", "Bearer " + key)
                .contentType("application/json")
                .body("{\"message\":\"How do consumers share work?\"}")
                .post("/v1/chat")
                .then()
                .statusCode(200)
                .extract()
                .path("usage.totalTokens");
        assertThat(spent).isGreaterThan(20);

        given().header("Authorization", "Bearer " + key)
                .contentType("application/json")
                .body("{\"message\":\"Again?\"}")
                .post("/v1/chat")
                .then()
                .statusCode(429)
                .header("Retry-After", org.hamcrest.Matchers.notNullValue())
                .body("detail", containsString("daily budget of 20 tokens"));
    }

    @Test
    void aRevokedKeyIsRefused() {
        String key = create("revoke-" + UUID.randomUUID().toString().substring(0, 8), 60, 0);
        String id = key.substring(3, key.indexOf('_', 3));
        given().header("Authorization", "Bearer " + RequireKeys.ADMIN)
                .delete("/admin/api-keys/" + id)
                .then()
                .statusCode(204);

        given().header("Authorization", "Bearer " + key)
                .get("/v1/documents/x")
                .then()
                .statusCode(401)
                .body("detail", containsString("was revoked"));
    }
}
