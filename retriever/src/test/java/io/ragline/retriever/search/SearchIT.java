package io.ragline.retriever.search;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.ragline.retriever.embedding.QueryEmbedder;
import io.ragline.runtime.testing.PostgresTestResource;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/search} against the real PostgreSQL with pgvector, the lexical triggers and the real model. */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class SearchIT {

    @Inject
    DataSource dataSource;

    @Inject
    QueryEmbedder embedder;

    @Inject
    ChunkIndex index;

    private static Fixture kb;

    /** A small support knowledge base: identifiers only BM25 tells apart, paraphrases only vectors connect. */
    @BeforeEach
    void knowledgeBase() throws SQLException {
        if (kb != null) {
            return;
        }
        Fixture f = new Fixture(dataSource, embedder, "kb");
        f.add(
                "pw",
                "Password reset",
                "wiki",
                "{\"team\":\"identity\",\"year\":2023,\"lang\":\"en\"}",
                "How to reset a forgotten password: open Settings, choose Security and click Send reset link.",
                "Accounts > Passwords");
        f.add(
                "lunch",
                "Cafeteria",
                "intranet",
                "{\"team\":\"facilities\",\"year\":2021,\"lang\":\"en\"}",
                "The cafeteria serves vegetarian lunch on weekdays from noon until two.",
                null);
        f.add(
                "vpn",
                "Remote access",
                "wiki",
                "{\"team\":\"it\",\"year\":2024,\"lang\":\"de\"}",
                "Connect to the office network remotely with the VPN client and your badge number.",
                null);
        f.add(
                "pods",
                "Kubernetes",
                "wiki",
                "{\"team\":\"platform\",\"year\":2025,\"lang\":\"en\"}",
                "Kubernetes restarts a pod automatically when its liveness probe fails.",
                null);
        f.add(
                "inv1",
                "Invoice INV-20931",
                "erp",
                "{\"team\":\"finance\",\"year\":2022}",
                "Invoice INV-20931 was paid by wire transfer in March.",
                null);
        f.add(
                "inv2",
                "Invoice INV-20913",
                "erp",
                "{\"team\":\"finance\",\"year\":2022}",
                "Invoice INV-20913 was paid by credit card in March.",
                null);
        f.add(
                "inv3",
                "Invoice INV-29031",
                "erp",
                "{\"team\":\"finance\",\"year\":2023}",
                "Invoice INV-29031 was refunded to the customer in March.",
                null);
        // needles: a made-up name mentioned once in a long chunk about something else, next to a page on the topic
        // the query asks about in other words; only the exact name tells them apart
        f.add(
                "move",
                "Office move",
                "wiki",
                "{}",
                "The facilities team moved the third floor to the new wing in May."
                        + " Desks, monitors and phones were relabelled, the kitchen got a second coffee machine and the"
                        + " meeting rooms were renamed after rivers. The Krentavo rack was moved as well. Parking stays as it"
                        + " was, and the badge readers keep their old numbers.",
                null);
        f.add("config", "Settings", "wiki", "{}", "How to change the configuration of an application.", null);
        f.add(
                "offsite",
                "Offsite",
                "intranet",
                "{}",
                "The autumn offsite takes place in the mountains. Buses leave"
                        + " at eight from the main entrance, lunch is served at the lodge, and the afternoon has workshops on"
                        + " planning and hiring. Bluvane stickers are handed out at the door. Please bring warm clothes and"
                        + " comfortable shoes for the walk.",
                null);
        f.add("golive", "Go-live", "wiki", "{}", "A go-live checklist for new deployments.", null);
        f.add(
                "canteen",
                "Canteen",
                "intranet",
                "{}",
                "The canteen menu changes weekly: soups on Monday, pasta on"
                        + " Tuesday, fish on Friday. Orquil mugs are sold at the till. Allergen lists hang next to the"
                        + " counter and the salad bar is open all day.",
                null);
        f.add("oncall", "On-call", "wiki", "{}", "Who is responsible for incidents outside office hours.", null);
        f.add(
                "park",
                "Parking",
                "intranet",
                "{\"team\":\"facilities\",\"year\":2020}",
                "Visitor parking passes are issued at the front desk.",
                null);
        kb = f;
    }

    private static JsonPath search(String tenant, String body) {
        return given().header(SearchResource.TENANT_HEADER, tenant)
                .contentType("application/json")
                .body(body)
                .post("/v1/search")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    private static List<String> documents(String tenant, String query, String mode) {
        return search(tenant, "{\"query\":\"" + query + "\",\"mode\":\"" + mode + "\",\"topK\":5}")
                .getList("hits.documentId", String.class);
    }

    private static List<String> documents(String tenant, String query, String mode, String fusion) {
        return search(
                        tenant,
                        "{\"query\":\"" + query + "\",\"mode\":\"" + mode + "\",\"topK\":5,\"fusion\":{\"method\":\""
                                + fusion + "\"}}")
                .getList("hits.documentId", String.class);
    }

    @Test
    void hybridBeatsEachSingleModeWhereEachMissesSomething() {
        Map<String, String> judged = new LinkedHashMap<>();
        judged.put("INV-20931", "inv1");
        judged.put("INV-20913", "inv2");
        judged.put("INV-29031", "inv3");
        judged.put("Krentavo setup", "move");
        judged.put("Bluvane release", "offsite");
        judged.put("Orquil owner", "canteen");
        judged.put("I cannot remember my login credentials", "pw");
        judged.put("where can I get a meatless meal at midday", "lunch");
        judged.put("working from home and reaching internal systems", "vpn");
        Map<String, Double> mrr = new LinkedHashMap<>();
        List<String> ranks = new ArrayList<>();
        // reciprocal-rank fusion: a chunk first in one ranking and present in the other wins. (The default, a
        // dense-weighted convex combination, is tuned on SciFact and trusts vectors more: on these needles it only
        // matches vector mode; see hybridConvexDefaultKeepsVectorQualityAndAddsExactMatches.)
        for (String mode : List.of("vector", "keyword", "hybrid")) {
            double sum = 0;
            for (Map.Entry<String, String> q : judged.entrySet()) {
                int rank = documents(kb.tenant, q.getKey(), mode, "rrf").indexOf(q.getValue());
                sum += rank < 0 ? 0 : 1.0 / (rank + 1);
                ranks.add(mode + " '" + q.getKey() + "': " + (rank + 1));
            }
            mrr.put(mode, sum / judged.size());
        }

        assertThat(mrr.get("hybrid"))
                .as("MRR per mode: %s; rank of the relevant document (0: not found): %s", mrr, ranks)
                .isGreaterThan(mrr.get("vector"))
                .isGreaterThan(mrr.get("keyword"));
    }

    @Test
    void hybridConvexDefaultKeepsVectorQualityAndAddsExactMatches() {
        // paraphrases: BM25 finds nothing, the default hybrid still ranks the answer first
        assertThat(documents(kb.tenant, "I cannot remember my login credentials", "hybrid"))
                .startsWith("pw");
        assertThat(documents(kb.tenant, "where can I get a meatless meal at midday", "hybrid"))
                .startsWith("lunch");
        // identifiers: exact matches stay first
        assertThat(documents(kb.tenant, "INV-29031", "hybrid")).startsWith("inv3");
        // the needle the vector ranking puts lower is lifted into the results by its BM25 score
        assertThat(documents(kb.tenant, "Krentavo setup", "hybrid")).contains("move");
    }

    @Test
    void otherServicesReadChunksDocumentsAndTheIndexSummaryThroughTheChunkApi() {
        String pw = kb.tenant + ":pw:0";
        given().contentType("application/json")
                .header(SearchResource.TENANT_HEADER, kb.tenant)
                .body("{\"ids\":[\"" + pw + "\",\"nope\"]}")
                .post("/v1/chunks")
                .then()
                .statusCode(200)
                .body("chunks.chunkId", contains(pw))
                .body("chunks[0].documentId", equalTo("pw"))
                .body("chunks[0].content", startsWith("How to reset a forgotten password"));
        // another tenant's ids are not found
        given().contentType("application/json")
                .header(SearchResource.TENANT_HEADER, "someone-else")
                .body("{\"ids\":[\"" + pw + "\"]}")
                .post("/v1/chunks")
                .then()
                .statusCode(200)
                .body("chunks", hasSize(0));
        given().header(SearchResource.TENANT_HEADER, kb.tenant)
                .get("/v1/documents/pw/chunks")
                .then()
                .statusCode(200)
                .body("chunks.ordinal", contains(0));
        given().header(SearchResource.TENANT_HEADER, kb.tenant)
                .get("/v1/documents/missing/chunks")
                .then()
                .statusCode(404)
                .body("detail", containsString("not indexed"));
        given().header(SearchResource.TENANT_HEADER, kb.tenant)
                .get("/v1/index")
                .then()
                .statusCode(200)
                .body("chunks", equalTo(kb.chunkIds.size()))
                .body("indexVersions", contains(1));
        given().contentType("application/json")
                .header(SearchResource.TENANT_HEADER, kb.tenant)
                .body("{}")
                .post("/v1/chunks")
                .then()
                .statusCode(400)
                .body("detail", equalTo("ids is required"));
    }

    @Test
    void hitsCarryWhatACitationNeeds() {
        JsonPath r = search(kb.tenant, "{\"query\":\"reset my password\",\"topK\":3}");

        assertThat(r.getString("mode")).isEqualTo("hybrid");
        assertThat(r.getString("hits[0].documentId")).isEqualTo("pw");
        assertThat(r.getString("hits[0].title")).isEqualTo("Password reset");
        assertThat(r.getString("hits[0].headingPath")).isEqualTo("Accounts > Passwords");
        assertThat(r.getString("hits[0].text")).startsWith("How to reset");
        assertThat(r.getInt("hits[0].startOffset")).isZero();
        assertThat(r.getInt("hits[0].endOffset"))
                .isEqualTo(r.getString("hits[0].text").length());
        assertThat(r.getString("hits[0].metadata.team")).isEqualTo("identity");
        assertThat(r.getInt("hits[0].vectorRank")).isEqualTo(1);
        assertThat(r.getInt("hits[0].keywordRank")).isEqualTo(1);
        assertThat(r.getList("hits.rank", Integer.class)).containsExactly(1, 2, 3);
    }

    @Test
    void keywordModeIsBm25OverStemmedTerms() {
        // "restarting" and "probes" stem to the terms of "restarts ... probe"
        JsonPath r = search(kb.tenant, "{\"query\":\"restarting probes\",\"mode\":\"keyword\"}");
        assertThat(r.getList("hits.documentId", String.class)).containsExactly("pods");
        // only stop words: nothing to match, no error
        assertThat(documents(kb.tenant, "the of and", "keyword")).isEmpty();
    }

    @Test
    void bm25ScoresAreRobertsonBm25AndAgreeWhicheverWayTheyAreComputed() throws SQLException {
        // words english stemming leaves alone; lengths 3, 2 and 1 tokens: mean length 2
        Fixture f = new Fixture(dataSource, embedder, "bm25");
        String ab = f.add("ab", "alpha alpha beta");
        String ag = f.add("ag", "alpha gamma");
        String d = f.add("d", "delta");
        ChunkIndex.CollectionStats stats = index.stats(f.tenant);
        assertThat(stats).isEqualTo(new ChunkIndex.CollectionStats(3, 2.0));
        ChunkIndex.Bm25Result result = index.bm25(f.tenant, "alpha", 10, SearchFilter.parse(null), stats);
        // idf = ln(1 + (N - df + 0.5) / (df + 0.5)), tf part = tf (k1 + 1) / (tf + k1 (1 - b + b len / mean))
        double k1 = 0.9;
        double b = 0.4;
        double idf = Math.log(1 + (3 - 2 + 0.5) / (2 + 0.5));
        double abScore = idf * 2 * (k1 + 1) / (2 + k1 * (1 - b + b * 3 / 2.0));
        double agScore = idf * 1 * (k1 + 1) / (1 + k1 * (1 - b + b * 2 / 2.0));
        assertThat(result.top()).extracting(Fusion.Scored::chunkId).containsExactly(ab, ag);
        assertThat(result.top().get(0).score()).isCloseTo(abScore, within(1e-9));
        assertThat(result.top().get(1).score()).isCloseTo(agScore, within(1e-9));
        // the nearest-neighbour statement scores the vector side's other candidates the same way: by key, with the
        // returned term weights; a chunk without the term has no score, a keyword candidate is not scored again
        ChunkIndex.Bm25Result first = index.bm25(f.tenant, "alpha", 1, SearchFilter.parse(null), stats);
        assertThat(first.top()).extracting(Fusion.Scored::chunkId).containsExactly(ab);
        ChunkIndex.Nearest nearest = index.nearest(
                f.tenant, embedder.embed("alpha"), 3, SearchFilter.parse(null), List.of(ab), first.query(), stats);
        assertThat(nearest.top()).extracting(Fusion.Scored::chunkId).containsExactlyInAnyOrder(ab, ag, d);
        assertThat(nearest.topBm25())
                .containsOnlyKeys(ag)
                .hasEntrySatisfying(ag, s -> assertThat(s).isCloseTo(agScore, within(1e-9)));
        // a keyword candidate beyond the nearest gets its cosine from the same statement
        ChunkIndex.Nearest one = index.nearest(
                f.tenant, embedder.embed("delta"), 1, SearchFilter.parse(null), List.of(ab), first.query(), stats);
        assertThat(one.top()).extracting(Fusion.Scored::chunkId).containsExactly(d);
        assertThat(one.topBm25()).isEmpty();
        assertThat(one.otherCosines()).containsOnlyKeys(ab);
        // document frequencies are reused for a while, like the collection statistics: a chunk added since changes
        // the weight of a term already searched only when its count expires; a term not searched before is counted
        f.add("ab2", "alpha beta");
        ChunkIndex.Bm25Query again = index.bm25(f.tenant, "alpha beta", 10, SearchFilter.parse(null), stats)
                .query();
        assertThat(again.terms()).containsExactly("alpha", "beta");
        assertThat(again.weights()[0]).isCloseTo(idf * (k1 + 1), within(1e-9));
        assertThat(again.weights()[1]).isCloseTo(Math.log(1 + (3 - 2 + 0.5) / (2 + 0.5)) * (k1 + 1), within(1e-9));
        // another tenant's chunks are neither found nor scored
        ChunkIndex.Nearest other = index.nearest(
                kb.tenant,
                embedder.embed("alpha"),
                50,
                SearchFilter.parse(null),
                List.of(ab),
                first.query(),
                index.stats(kb.tenant));
        assertThat(other.top()).extracting(Fusion.Scored::chunkId).doesNotContain(ab, ag, d);
        assertThat(other.otherCosines()).isEmpty();
    }

    @Test
    void inHybridSearchCommonTermsScoreEveryCandidateButOnlyRareTermsNominate() throws SQLException {
        // 42 chunks, cut-off 0.05: a term in at most 2.1 chunks is rare. "zebra" (2 chunks) is, "okapi" (3) is not
        Fixture f = new Fixture(dataSource, embedder, "common");
        String a = f.add("a", "zebra okapi lorem lorem lorem lorem lorem lorem lorem lorem lorem lorem");
        String b = f.add("b", "zebra lorem lorem lorem lorem lorem lorem");
        String c = f.add("c", "okapi okapi okapi okapi okapi okapi");
        String o = f.add("o", "okapi ipsum");
        for (int i = 0; i < 38; i++) {
            f.add("filler" + i, "lorem ipsum");
        }
        ChunkIndex.CollectionStats stats = index.stats(f.tenant);
        assertThat(stats.chunks()).isEqualTo(42);
        // as many rare-term chunks as asked for: they are the candidates, and each is scored on both terms (the
        // common one looked up by key); c, which only the common term matches, is not nominated although its full
        // score is higher than b's
        ChunkIndex.Bm25Result two = index.bm25(f.tenant, "zebra okapi", 2, SearchFilter.parse(null), stats, true);
        assertThat(two.top()).extracting(Fusion.Scored::chunkId).containsExactly(a, b);
        // keyword search ranks by exact BM25: every term nominates
        assertThat(index.bm25(f.tenant, "zebra okapi", 2, SearchFilter.parse(null), stats)
                        .top())
                .extracting(Fusion.Scored::chunkId)
                .containsExactly(c, a);
        // fewer rare-term chunks than asked for: every term nominates, and the scores agree with the pruned statement
        ChunkIndex.Bm25Result four = index.bm25(f.tenant, "zebra okapi", 4, SearchFilter.parse(null), stats, true);
        assertThat(four.top()).extracting(Fusion.Scored::chunkId).containsExactly(c, a, o, b);
        assertThat(four.top().get(1).score())
                .isGreaterThan(0)
                .isCloseTo(two.top().get(0).score(), within(1e-9));
        assertThat(four.top().get(3).score()).isCloseTo(two.top().get(1).score(), within(1e-9));
        // a's score is BM25 over both terms, by hand: idf = ln(1 + (N - df + 0.5) / (df + 0.5))
        double k1 = 0.9;
        double bb = 0.4;
        double mean = stats.meanLength();
        double tfPart = (k1 + 1) / (1 + k1 * (1 - bb + bb * 12 / mean));
        double expected =
                (Math.log(1 + (42 - 2 + 0.5) / (2 + 0.5)) + Math.log(1 + (42 - 3 + 0.5) / (3 + 0.5))) * tfPart;
        assertThat(two.top().get(0).score()).isCloseTo(expected, within(1e-9));
        // the term weights returned for the vector side cover both terms
        assertThat(two.query().terms()).containsExactlyInAnyOrder("zebra", "okapi");
    }

    @Test
    void unfilteredStatementsRunThroughFunctionsThatAreMadeAgainIfDropped() throws SQLException {
        String body = "{\"query\":\"how do I restart a probe\",\"mode\":\"hybrid\",\"topK\":5}";
        List<String> first = search(kb.tenant, body).getList("hits.chunkId", String.class);
        assertThat(first).isNotEmpty();
        List<String> functions = searchFunctions();
        // the BM25 statement and the nearest-neighbour statement
        assertThat(functions).hasSizeGreaterThanOrEqualTo(2);
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement()) {
            for (String f : functions) {
                st.execute("DROP FUNCTION " + f);
            }
        }
        assertThat(searchFunctions()).isEmpty();
        // a database recreated under the running service: the functions are made again, the results are the same
        assertThat(search(kb.tenant, body).getList("hits.chunkId", String.class))
                .isEqualTo(first);
        assertThat(searchFunctions()).hasSameSizeAs(functions);
    }

    private List<String> searchFunctions() throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery("SELECT proname FROM pg_proc WHERE proname LIKE 'ragline\\_search\\_%'")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    @Test
    void filtersOnMetadataDocumentsAndSources() {
        String q = "\"query\":\"invoice paid\",\"mode\":\"hybrid\",\"topK\":10";
        assertThat(search(kb.tenant, "{" + q + ",\"filters\":{\"metadata\":{\"year\":2023}}}")
                        .getList("hits.documentId", String.class))
                .containsExactlyInAnyOrder("inv3", "pw");
        assertThat(search(kb.tenant, "{" + q + ",\"filters\":{\"metadata\":{\"year\":{\"gte\":2024}}}}")
                        .getList("hits.documentId", String.class))
                .containsExactlyInAnyOrder("vpn", "pods");
        assertThat(search(kb.tenant, "{" + q + ",\"filters\":{\"metadata\":{\"lang\":{\"in\":[\"de\"]}}}}")
                        .getList("hits.documentId", String.class))
                .containsExactly("vpn");
        assertThat(search(
                                kb.tenant,
                                "{" + q + ",\"filters\":{\"sources\":[\"erp\"],\"metadata\":{\"year\":{\"lt\":2023}}}}")
                        .getList("hits.documentId", String.class))
                .containsExactlyInAnyOrder("inv1", "inv2");
        assertThat(search(kb.tenant, "{" + q + ",\"filters\":{\"documentIds\":[\"park\",\"lunch\"]}}")
                        .getList("hits.documentId", String.class))
                .containsExactlyInAnyOrder("park", "lunch");
        // a number never equals its string form
        assertThat(search(kb.tenant, "{" + q + ",\"filters\":{\"metadata\":{\"year\":\"2023\"}}}")
                        .getList("hits"))
                .isEmpty();
    }

    @Test
    void aMaliciousFilterValueIsInert() throws SQLException {
        long before = count("SELECT count(*) FROM chunks");
        String evil = "x'') OR 1=1; DELETE FROM chunks; --";
        for (String filter : List.of(
                "{\"metadata\":{\"team\":\"" + evil + "\"}}",
                "{\"sources\":[\"" + evil + "\"]}",
                "{\"documentIds\":[\"" + evil + "\"]}",
                "{\"metadata\":{\"year\":{\"gte\":\"" + evil + "\"}}}")) {
            JsonPath r = search(kb.tenant, "{\"query\":\"invoice\",\"filters\":" + filter + "}");
            assertThat(r.getList("hits")).as(filter).isEmpty();
        }
        assertThat(count("SELECT count(*) FROM chunks")).isEqualTo(before);
    }

    @Test
    void mmrSpreadsNearDuplicates() {
        String body = "{\"query\":\"invoice paid in March\",\"mode\":\"vector\",\"topK\":3";
        List<String> plain = search(kb.tenant, body + "}").getList("hits.documentId", String.class);
        JsonPath diverse = search(kb.tenant, body + ",\"mmr\":true,\"mmrLambda\":0.3}");

        assertThat(plain).allMatch(id -> id.startsWith("inv"));
        assertThat(diverse.getBoolean("diversified")).isTrue();
        assertThat(diverse.getList("hits.documentId", String.class))
                .hasSize(3)
                .filteredOn(id -> id.startsWith("inv"))
                .hasSizeLessThan(3);
    }

    @Test
    void aTenantNeverSeesAnotherTenantsChunks() throws SQLException {
        // two tenants over the same vocabulary, so every query matches both
        String[] words = ("contract renewal budget server outage invoice password vacation policy laptop printer"
                        + " network deadline meeting report customer refund security badge travel")
                .split(" ");
        Random random = new Random(42);
        Fixture acme = new Fixture(dataSource, embedder, "acme");
        Fixture globex = new Fixture(dataSource, embedder, "globex");
        for (int i = 0; i < 12; i++) {
            acme.add("doc-" + i, sentence(words, random));
            globex.add("doc-" + i, sentence(words, random));
        }
        Set<String> acmeChunks = new HashSet<>(acme.chunkIds);
        String[] modes = {"vector", "keyword", "hybrid"};
        int hits = 0;
        for (int i = 0; i < 60; i++) {
            String query = sentence(words, random);
            String mode = modes[i % 3];
            String filter = i % 4 == 0 ? ",\"filters\":{\"documentIds\":[\"doc-1\",\"doc-2\",\"doc-3\"]}" : "";
            List<String> found = search(
                            acme.tenant,
                            "{\"query\":\"" + query + "\",\"mode\":\"" + mode + "\",\"topK\":20" + filter + "}")
                    .getList("hits.chunkId", String.class);
            assertThat(found).as("%s search for '%s'", mode, query).allMatch(acmeChunks::contains);
            hits += found.size();
        }
        assertThat(hits).as("the queries found something").isGreaterThan(100);
        // a tenant named in the body is refused, never used
        given().header(SearchResource.TENANT_HEADER, acme.tenant)
                .contentType("application/json")
                .body("{\"query\":\"budget\",\"tenant\":\"" + globex.tenant + "\"}")
                .post("/v1/search")
                .then()
                .statusCode(400)
                .body("detail", containsString("unknown field 'tenant'"));
    }

    @Test
    void badRequestsGetAReason() {
        expect400("{\"query\":\"  \"}", "query is required");
        expect400("{\"query\":\"x\",\"topK\":0}", "topK must be between 1 and 100");
        expect400("{\"query\":\"x\",\"topK\":1000}", "topK must be between 1 and 100");
        expect400("{\"query\":\"x\",\"mode\":\"fuzzy\"}", "not a valid search request");
        expect400("{\"query\":\"x\",\"mmrLambda\":2}", "mmrLambda must be between 0 and 1");
        expect400("{\"query\":\"x\",\"filters\":{\"metadata\":{\"y\":{\"like\":\"%\"}}}}", "unknown operator 'like'");
        expect400("{\"query\":\"x\",\"fusion\":{\"method\":\"max\"}}", "fusion.method must be rrf or convex");
        expect400("{\"query\":\"" + "x".repeat(2001) + "\"}", "at most 2000");
        expect400("not json", "not a valid search request");
        given().header(SearchResource.TENANT_HEADER, "bad tenant!")
                .contentType("application/json")
                .body("{\"query\":\"x\"}")
                .post("/v1/search")
                .then()
                .statusCode(400)
                .body("detail", containsString("Ragline-Tenant"));
    }

    private static void expect400(String body, String reason) {
        given().contentType("application/json")
                .body(body)
                .post("/v1/search")
                .then()
                .statusCode(400)
                .contentType(containsString("application/problem+json"))
                .body("status", equalTo(400))
                .body("detail", containsString(reason));
    }

    private static String sentence(String[] words, Random random) {
        List<String> picked = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            picked.add(words[random.nextInt(words.length)]);
        }
        return String.join(" ", picked);
    }

    private long count(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
