package io.ragline.agents.review.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.faulttolerance.api.CustomBackoffStrategy;
import io.smallrye.faulttolerance.api.Guard;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The GitHub REST calls a review needs, for one API root (github.com or GitHub Enterprise). Every call is bounded by a
 * timeout; 5xx answers and connection failures are retried with backoff; a rate limit (403 or 429 with
 * {@code x-ratelimit-remaining: 0} or {@code retry-after}) is waited out up to a bound, then retried: one SmallRye
 * Fault Tolerance guard per client.
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
    private final Duration timeout;
    private final Duration maxRateLimitWait;
    private final Guard guard;
    private final HttpClient http;

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
        this.timeout = timeout;
        this.maxRateLimitWait = maxRateLimitWait;
        this.guard = guard(maxRetries, maxRateLimitWait);
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    public String apiUrl() {
        return apiUrl;
    }

    public PullRequest pullRequest(String repo, int number) {
        JsonNode pr = json(send(repo, get("/repos/" + repo + "/pulls/" + number)));
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
        List<ChangedFile> out = new ArrayList<>();
        for (int page = 1; page <= 30; page++) {
            JsonNode list =
                    json(send(repo, get("/repos/" + repo + "/pulls/" + number + "/files?per_page=100&page=" + page)));
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
        HttpRequest.Builder request = get("/repos/" + repo + "/contents/" + path + "?ref="
                        + URLEncoder.encode(ref, StandardCharsets.UTF_8))
                .header("Accept", "application/vnd.github.raw+json");
        HttpResponse<String> r = sendAllowing404(repo, request);
        return r.statusCode() == 404 ? Optional.empty() : Optional.of(r.body());
    }

    /** The bodies of the reviews already on the pull request. */
    public List<String> reviewBodies(String repo, int number) {
        List<String> out = new ArrayList<>();
        for (int page = 1; page <= 10; page++) {
            JsonNode list =
                    json(send(repo, get("/repos/" + repo + "/pulls/" + number + "/reviews?per_page=100&page=" + page)));
            list.forEach(r -> out.add(r.path("body").asText("")));
            if (list.size() < 100) {
                break;
            }
        }
        return out;
    }

    /** Posts one review ({@code COMMENT}) with inline comments on {@code commitId}; returns its html URL. */
    public String createReview(String repo, int number, String commitId, String body, List<Comment> comments) {
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
        HttpRequest.Builder request = request("/repos/" + repo + "/pulls/" + number + "/reviews")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(review.toString()));
        return json(send(repo, request)).path("html_url").asText(null);
    }

    private HttpRequest.Builder get(String path) {
        return request(path).GET();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(apiUrl + path))
                .timeout(timeout)
                .header("Accept", "application/vnd.github+json")
                .header("X-GitHub-Api-Version", "2022-11-28")
                .header("User-Agent", "ragline-review-agent");
    }

    private HttpResponse<String> send(String repo, HttpRequest.Builder request) {
        HttpResponse<String> r = sendAllowing404(repo, request);
        if (r.statusCode() == 404) {
            throw new GitHubException(
                    404,
                    "GitHub answered 404 for " + r.request().uri().getPath()
                            + " (missing, or the credentials cannot see it)");
        }
        return r;
    }

    private HttpResponse<String> sendAllowing404(String repo, HttpRequest.Builder builder) {
        builder.header("Authorization", authorization.apply(repo));
        HttpRequest request = builder.build();
        AtomicLong waited = new AtomicLong();
        try {
            @SuppressWarnings("unchecked")
            HttpResponse<String> r = guard.call(() -> sendOnce(request, waited), HttpResponse.class);
            return r;
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
    private HttpResponse<String> sendOnce(HttpRequest request, AtomicLong waited) {
        HttpResponse<String> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new Unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GitHubException(0, "interrupted");
        }
        int status = r.statusCode();
        if (status < 300 || status == 404) {
            return r;
        }
        GitHubException failure = new GitHubException(
                status,
                "GitHub answered " + status + " for " + request.method() + " "
                        + request.uri().getPath() + ": " + message(r.body()));
        Optional<Duration> wait = rateLimitWait(r);
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
        Unreachable(IOException cause) {
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
    static Optional<Duration> rateLimitWait(HttpResponse<String> r) {
        int status = r.statusCode();
        if (status != 403 && status != 429) {
            return Optional.empty();
        }
        Optional<String> retryAfter = r.headers().firstValue("retry-after");
        if (retryAfter.isPresent()) {
            return Optional.of(
                    Duration.ofSeconds(Long.parseLong(retryAfter.get().strip())));
        }
        if ("0".equals(r.headers().firstValue("x-ratelimit-remaining").orElse(null))) {
            long reset =
                    Long.parseLong(r.headers().firstValue("x-ratelimit-reset").orElse("0"));
            long millis = Math.max(0, reset * 1000 - Instant.now().toEpochMilli()) + 500;
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

    private static JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new GitHubException(r.statusCode(), "GitHub answered something that is not JSON: " + e.getMessage());
        }
    }
}
