package io.ragline.agents.review.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.ragline.agents.review.ReviewStubs;
import io.ragline.runtime.testing.KafkaTestResource;
import io.ragline.runtime.testing.PostgresTestResource;
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
 * The GitHub client's retries against a local HTTP server that answers from a script of status codes; in the agents'
 * Quarkus application (shared with {@code ReviewIT}) so that the REST Client and the guard are the ones it runs.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(ReviewStubs.class)
class GitHubClientIT {

    private static final String PR = "{\"number\":7,\"title\":\"t\",\"body\":\"\",\"state\":\"open\",\"draft\":false,"
            + "\"head\":{\"sha\":\"h\"},\"base\":{\"sha\":\"b\"}}";

    private HttpServer server;
    private final List<String> paths = new CopyOnWriteArrayList<>();

    private GitHubClient client(int... statuses) throws IOException {
        AtomicInteger calls = new AtomicInteger();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            paths.add(exchange.getRequestURI().getPath());
            int n = calls.getAndIncrement();
            int status = n < statuses.length ? statuses[n] : 200;
            byte[] body =
                    (status == 200 ? PR : "{\"message\":\"status " + status + "\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return new GitHubClient(
                "http://127.0.0.1:" + server.getAddress().getPort(),
                repo -> "token t",
                Duration.ofSeconds(2),
                Duration.ofSeconds(5),
                2);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void serverErrorsAreRetriedWithBackoff() throws IOException {
        GitHubClient github = client(502, 503);

        assertThat(github.pullRequest("acme/svc", 7).headSha()).isEqualTo("h");
        assertThat(paths).hasSize(3);
    }

    @Test
    void serverErrorsBeyondTheRetriesFailWithGitHubsAnswer() throws IOException {
        GitHubClient github = client(500, 500, 502);

        assertThatThrownBy(() -> github.pullRequest("acme/svc", 7))
                .isInstanceOf(GitHubException.class)
                .hasMessageContaining("GitHub answered 502")
                .hasMessageContaining("status 502");
        assertThat(paths).hasSize(3);
    }

    @Test
    void aRefusalIsNotRetried() throws IOException {
        GitHubClient github = client(422);

        assertThatThrownBy(() -> github.pullRequest("acme/svc", 7))
                .isInstanceOf(GitHubException.class)
                .hasMessageContaining("422");
        assertThat(paths).hasSize(1);
    }

    @Test
    void anUnreachableServerIsNamed() {
        GitHubClient github = new GitHubClient(
                "http://127.0.0.1:9", repo -> "token t", Duration.ofSeconds(1), Duration.ofSeconds(5), 1);

        assertThatThrownBy(() -> github.pullRequest("acme/svc", 7))
                .isInstanceOf(GitHubException.class)
                .hasMessageContaining("unreachable");
    }
}
