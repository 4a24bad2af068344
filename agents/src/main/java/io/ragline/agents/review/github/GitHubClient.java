package io.ragline.agents.review.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.faulttolerance.api.CustomBackoffStrategy;
import io.smallrye.faulttolerance.api.Guard;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.eclipse.microprofile.rest.client.RestClientBuilder;
import org.jboss.logging.Logger;

/**
 * The GitHub REST calls a review needs, for one API root (github.com or GitHub Enterprise), over {@link GitHubApi}.
 * Every call is bounded by a connect and a read timeout; 5xx answers and connection failures are retried with backoff;
 * a rate limit (403 or 429 with {@code x-ratelimit-remaining: 0} or {@code retry-after}) is waited out up to a bound,
 * then retried: one SmallRye Fault Tolerance guard per client, programmatic because the wait is read from GitHub's
 * answer and the API root comes with each webhook delivery (hence also the REST Client's programmatic builder).
 */
public final class GitHubClient {

    /** A pull request's state. */
    public record PullRequest(
            int number, String title, String body, String headSha, String baseSha, boolean draft, String state) {}

    /** One changed file as the files API lists it; {@code patch} is null for binaries and very large diffs. */
    public record ChangedFile(String filename, String previousFilename, String status, String patch) {}

    /** An inline comment of a review. */
    public record Comment(String path, int line, String side, String body) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = Logger.getLogger(GitHubClient.class);

    private final String apiUrl;
    private final Function<String, String> authorization;
    private final Duration maxRateLimitWait;
    private final Guard guard;
    private final GitHubApi api;

    /** An answer read in full: success, a 404, or what the guard gave up on. */
    private record Answer(int status, String body) {}

    /**
     * @param authorization repository ({@code owner/repo}) → the {@code Authorization} header value
     */
    public GitHubClient(
            String apiUrl,
            Function<String, String> authorization,
            Duration timeout,
            Duration maxRateLimitWait,
            int maxRetries) {
        this.apiUrl = apiUrl.replaceAll("/+$", "");
        this.authorization = authorization;
        this.maxRateLimitWait = maxRateLimitWait;
        this.guard = guard(maxRetries, maxRateLimitWait);
        this.api = api(this.apiUrl, timeout);
    }

    /** The REST client of one API root; its answers are read by status, never turned into exceptions. */
    static GitHubApi api(String apiUrl, Duration timeout) {
        return RestClientBuilder.newBuilder()
                .baseUri(URI.create(apiUrl))
                .connectTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .property("microprofile.rest.client.disable.default.mapper", true)
                .build(GitHubApi.class);
    }

    public String apiUrl() {
        return apiUrl;
    }

    public PullRequest pullRequest(String repo, int number) {
        Repo r = Repo.of(repo);
        JsonNode pr = json(send(
                repo,
                "GET",
                "/repos/" + repo + "/pulls/" + number,
                auth -> api.pullRequest(auth, r.owner(), r.name(), number)));
        return new PullRequest(
                pr.path("number").asInt(),
                pr.path("title").asText(""),
                pr.path("body").asText(""),
                pr.path("head").path("sha").asText(),
                pr.path("base").path("sha").asText(),
                pr.path("draft").asBoolean(false),
                pr.path("state").asText());
    }

    /** Every changed file (the API pages 100 at a time, up to 3000 files). */
    public List<ChangedFile> files(String repo, int number) {
        Repo r = Repo.of(repo);
        List<ChangedFile> out = new ArrayList<>();
        for (int page = 1; page <= 30; page++) {
            int p = page;
            JsonNode list = json(send(
                    repo,
                    "GET",
                    "/repos/" + repo + "/pulls/" + number + "/files?page=" + page,
                    auth -> api.files(auth, r.owner(), r.name(), number, 100, p)));
            for (JsonNode f : list) {
                out.add(new ChangedFile(
                        f.path("filename").asText(),
                        f.path("previous_filename").asText(null),
                        f.path("status").asText(),
                        f.hasNonNull("patch") ? f.path("patch").asText() : null));
            }
            if (list.size() < 100) {
                break;
            }
        }
        return out;
    }

    /** A file's text at a commit; empty when it does not exist. */
    public Optional<String> content(String repo, String path, String ref) {
        Repo r = Repo.of(repo);
        String encoded = Arrays.stream(path.split("/"))
                .map(segment ->
                        URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"))
                .collect(Collectors.joining("/"));
        Answer a = sendAllowing404(
                repo,
                "GET",
                "/repos/" + repo + "/contents/" + path,
                auth -> api.content(auth, r.owner(), r.name(), encoded, ref));
        return a.status() == 404 ? Optional.empty() : Optional.of(a.body());
    }

    /** The bodies of the reviews already on the pull request. */
    public List<String> reviewBodies(String repo, int number) {
        Repo r = Repo.of(repo);
        List<String> out = new ArrayList<>();
        for (int page = 1; page <= 10; page++) {
            int p = page;
            JsonNode list = json(send(
                    repo,
                    "GET",
                    "/repos/" + repo + "/pulls/" + number + "/reviews?page=" + page,
                    auth -> api.reviews(auth, r.owner(), r.name(), number, 100, p)));
            list.forEach(review -> out.add(review.path("body").asText("")));
            if (list.size() < 100) {
                break;
            }
        }
        return out;
    }

    /** Posts one review ({@code COMMENT}) with inline comments on {@code commitId}; returns its html URL. */
    public String createReview(String repo, int number, String commitId, String body, List<Comment> comments) {
        Repo r = Repo.of(repo);
        ObjectNode review = JSON.createObjectNode()
                .put("commit_id", commitId)
                .put("body", body)
                .put("event", "COMMENT");
        ArrayNode list = review.putArray("comments");
        for (Comment c : comments) {
            list.addObject()
                    .put("path", c.path())
                    .put("line", c.line())
                    .put("side", c.side())
                    .put("body", c.body());
        }
        String json = review.toString();
        return json(send(
                        repo,
                        "POST",
                        "/repos/" + repo + "/pulls/" + number + "/reviews",
                        auth -> api.createReview(auth, r.owner(), r.name(), number, json)))
                .path("html_url")
                .asText(null);
    }

    /** {@code owner/name}. */
    record Repo(String owner, String name) {
        static Repo of(String repository) {
            int slash = repository.indexOf('/');
            if (slash <= 0 || slash == repository.length() - 1) {
                throw new GitHubException(0, "not a repository name (owner/name): " + repository);
            }
            return new Repo(repository.substring(0, slash), repository.substring(slash + 1));
        }
    }

    private Answer send(String repo, String method, String path, Function<String, Response> call) {
        Answer a = sendAllowing404(repo, method, path, call);
        if (a.status() == 404) {
            throw new GitHubException(
                    404, "GitHub answered 404 for " + path + " (missing, or the credentials cannot see it)");
        }
        return a;
    }

    private Answer sendAllowing404(String repo, String method, String path, Function<String, Response> call) {
        String header = authorization.apply(repo);
        String auth = header == null || header.isEmpty() ? null : header;
        AtomicLong waited = new AtomicLong();
        try {
            return guard.call(() -> sendOnce(method, path, () -> call.apply(auth), waited), Answer.class);
        } catch (Unreachable e) {
            throw new GitHubException(0, "GitHub unreachable at " + apiUrl + ": " + e.getMessage());
        } catch (Retriable e) {
            throw e.failure;
        } catch (GitHubException e) {
            throw e;
        } catch (Exception e) {
            throw new GitHubException(0, e.getMessage());
        }
    }

    /**
     * One call: the answer if it is a success or a 404, else the failure, as an exception the guard retries (5xx,
     * connection failures, a rate limit within {@code maxRateLimitWait} in all) or not.
     */
    private Answer sendOnce(String method, String path, Supplier<Response> call, AtomicLong waited) {
        Response r;
        try {
            r = call.get();
        } catch (ProcessingException e) {
            throw new Unreachable(e.getCause() == null ? e : e.getCause());
        }
        try (r) {
            int status = r.getStatus();
            String body = r.hasEntity() ? r.readEntity(String.class) : "";
            if (status < 300 || status == 404) {
                return new Answer(status, body);
            }
            GitHubException failure = new GitHubException(
                    status, "GitHub answered " + status + " for " + method + " " + path + ": " + message(body));
            Optional<Duration> wait = rateLimitWait(status, r::getHeaderString);
            if (wait.isPresent()) {
                if (waited.get() + wait.get().toMillis() > maxRateLimitWait.toMillis()) {
                    throw new GitHubException(
                            status,
                            "GitHub rate limit: reset in " + wait.get().toSeconds() + " s, beyond the "
                                    + maxRateLimitWait.toSeconds() + " s this review may wait");
                }
                LOG.infof("GitHub rate limit reached; waiting %d ms", wait.get().toMillis());
                waited.addAndGet(wait.get().toMillis());
                throw new Retriable(failure, wait.get().toMillis());
            }
            if (status >= 500) {
                throw new Retriable(failure, -1);
            }
            throw failure;
        }
    }

    /**
     * Retries 5xx answers and connection failures with exponential backoff and jitter (from 200 ms), and a rate limit
     * after the wait GitHub asks for; nothing else. (SmallRye Fault Tolerance's custom backoff: the wait is read from the
     * failure.)
     */
    private static Guard guard(int maxRetries, Duration maxRateLimitWait) {
        return Guard.create()
                .withRetry()
                .maxRetries(maxRetries)
                .delay(0, ChronoUnit.MILLIS)
                .jitter(0, ChronoUnit.MILLIS)
                .maxDuration(maxRateLimitWait.toMillis() + 120_000, ChronoUnit.MILLIS)
                .retryOn(List.of(Unreachable.class, Retriable.class))
                .withCustomBackoff()
                .strategy(Backoff::new)
                .done()
                .done()
                .build();
    }

    /** The delay before retry n: a rate limit's own wait, or 200 ms doubled per retry plus up to half of it. */
    private static final class Backoff implements CustomBackoffStrategy {
        private int retry;

        @Override
        public long nextDelayInMillis(Throwable failure) {
            retry++;
            if (failure instanceof Retriable r && r.waitMillis >= 0) {
                return r.waitMillis;
            }
            long base = 200L << Math.min(retry - 1, 5);
            return base + ThreadLocalRandom.current().nextLong(base / 2 + 1);
        }
    }

    /** A connection that failed: retried. */
    private static final class Unreachable extends RuntimeException {
        Unreachable(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    /** A 5xx or a rate limit ({@code waitMillis} ≥ 0): retried; {@code failure} is what the caller gets at the end. */
    private static final class Retriable extends RuntimeException {
        final GitHubException failure;
        final long waitMillis;

        Retriable(GitHubException failure, long waitMillis) {
            super(failure.getMessage(), failure, false, false);
            this.failure = failure;
            this.waitMillis = waitMillis;
        }
    }

    /** How long a rate-limited answer asks to wait; empty if the answer is not a rate limit. */
    static Optional<Duration> rateLimitWait(int status, Function<String, String> header) {
        if (status != 403 && status != 429) {
            return Optional.empty();
        }
        String retryAfter = header.apply("retry-after");
        if (retryAfter != null) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(retryAfter.strip())));
        }
        if ("0".equals(header.apply("x-ratelimit-remaining"))) {
            String reset = header.apply("x-ratelimit-reset");
            long millis = Math.max(
                            0,
                            Long.parseLong(reset == null ? "0" : reset) * 1000
                                    - Instant.now().toEpochMilli())
                    + 500;
            return Optional.of(Duration.ofMillis(millis));
        }
        if (status == 429) {
            return Optional.of(Duration.ofSeconds(60));
        }
        return Optional.empty();
    }

    private static String message(String body) {
        try {
            return JSON.readTree(body).path("message").asText(body);
        } catch (IOException e) {
            return body.length() > 300 ? body.substring(0, 300) : body;
        }
    }

    private static JsonNode json(Answer a) {
        try {
            return JSON.readTree(a.body());
        } catch (IOException e) {
            throw new GitHubException(a.status(), "GitHub answered something that is not JSON: " + e.getMessage());
        }
    }
}
