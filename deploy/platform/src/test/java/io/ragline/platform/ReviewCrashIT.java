package io.ragline.platform;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.ragline.model.testing.ScriptedModelServer;
import io.ragline.runtime.Home;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The review agent killed in the middle of a review (SIGKILL while the model is answering): after the restart the
 * request is taken again from Kafka and the pull request gets exactly one review.
 */
class ReviewCrashIT {

    private static final String SECRET = "crash-test-secret";

    @TempDir
    Path data;

    @Test
    void anAgentKilledMidReviewPostsExactlyOneReviewAfterRestart() throws Exception {
        String repo = "acme/crash-" + UUID.randomUUID().toString().substring(0, 8);
        String sha = "e5" + UUID.randomUUID().toString().replace("-", "");
        AtomicInteger modelCalls = new AtomicInteger();
        WireMockServer github = new WireMockServer(
                WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        github.start();
        try (ScriptedModelServer model = ScriptedModelServer.start(r -> modelCalls.incrementAndGet() == 1
                ? ScriptedModelServer.Reply.text("{\"findings\":[]}").delayed(Duration.ofSeconds(20))
                : ScriptedModelServer.Reply.text("{\"findings\":[]}"))) {
            stubPullRequest(github, repo, sha);
            Map<String, String> env = FreePorts.settings(data.resolve("data"));
            Settings settings = Settings.from(Home.locate(), env);
            try (Platform platform = new Platform(settings)
                    .withEnv("gateway", "GATEWAY_GITHUB_WEBHOOK_SECRET", SECRET)
                    .withEnv("agents", "AGENTS_GITHUB_API_URL", "http://127.0.0.1:" + github.port())
                    .withEnv("agents", "AGENTS_GITHUB_TOKEN", "test-token")
                    .withEnv("agents", "AGENTS_MODEL_BASE_URL", model.baseUrl())
                    .start(line -> {})) {
                deliver(platform.url("gateway"), repo, sha);

                Await.until(() -> modelCalls.get() >= 1, Duration.ofSeconds(90), "the agent never asked the model");
                platform.crashAndRestart("agents");

                Await.until(
                        () -> !github.findAll(postRequestedFor(urlPathEqualTo("/repos/" + repo + "/pulls/7/reviews")))
                                .isEmpty(),
                        Duration.ofSeconds(150),
                        "no review was posted after the restart");
                Thread.sleep(3000);
                assertThat(github.findAll(postRequestedFor(urlPathEqualTo("/repos/" + repo + "/pulls/7/reviews"))))
                        .hasSize(1);
                assertThat(modelCalls.get())
                        .as("the review was redone after the crash")
                        .isGreaterThanOrEqualTo(2);
            }
        } finally {
            github.stop();
        }
    }

    private static void stubPullRequest(WireMockServer github, String repo, String sha) {
        github.stubFor(get(urlPathEqualTo("/repos/" + repo + "/pulls/7"))
                .willReturn(okJson("{\"number\":7,\"title\":\"Fix\",\"state\":\"open\",\"head\":{\"sha\":\"" + sha
                        + "\"},\"base\":{\"sha\":\"b0\"}}")));
        github.stubFor(
                get(urlPathEqualTo("/repos/" + repo + "/pulls/7/reviews")).willReturn(okJson("[]")));
        github.stubFor(get(urlPathEqualTo("/repos/" + repo + "/pulls/7/files"))
                .willReturn(okJson("[{\"filename\":\"src/A.java\",\"status\":\"modified\",\"patch\":"
                        + "\"@@ -1,2 +1,2 @@\\n class A {\\n-  int a;\\n+  long a;\\n\"}]")));
        github.stubFor(get(urlPathEqualTo("/repos/" + repo + "/contents/.ragline/review.yml"))
                .willReturn(aResponse().withStatus(404).withBody("{\"message\":\"Not Found\"}")));
        github.stubFor(post(urlPathEqualTo("/repos/" + repo + "/pulls/7/reviews"))
                .willReturn(okJson("{\"id\":1,\"html_url\":\"https://github.test/r/1\"}")));
    }

    private static void deliver(String gateway, String repo, String sha) throws Exception {
        byte[] body = ("{\"action\":\"opened\",\"number\":7,\"pull_request\":{\"number\":7,\"draft\":false,"
                        + "\"head\":{\"sha\":\"" + sha
                        + "\"},\"base\":{\"sha\":\"b0\"}},\"repository\":{\"full_name\":\""
                        + repo + "\",\"url\":\"https://api.github.com/repos/" + repo + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(gateway + "/webhooks/github"))
                                .header("Content-Type", "application/json")
                                .header("X-GitHub-Event", "pull_request")
                                .header("X-GitHub-Delivery", UUID.randomUUID().toString())
                                .header(
                                        "X-Hub-Signature-256",
                                        "sha256=" + HexFormat.of().formatHex(mac.doFinal(body)))
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    }
}
