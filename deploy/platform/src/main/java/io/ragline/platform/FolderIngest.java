package io.ragline.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * {@code ragline ingest PATH}: submits every file of a folder (glob include/exclude) to the gateway's upload API, each
 * under a stable document id derived from its relative path (so re-running replaces rather than duplicates), then
 * follows the submissions until each is indexed or failed, with a progress line, and prints a summary.
 */
final class FolderIngest {

    /** What to ingest and where. */
    record Options(
            Path root, String gateway, List<String> include, List<String> exclude, int parallel, Duration timeout) {}

    /** The outcome of one run. */
    record Summary(int files, int indexed, int failed, int rejected, int pending, Map<String, String> problems) {}

    private record Submitted(String documentId, String eventId, String path) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Options options;
    private final PrintStream out;

    FolderIngest(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    Summary run() throws IOException, InterruptedException {
        List<Path> files = files();
        out.printf("ingesting %d file(s) from %s into %s%n", files.size(), options.root(), options.gateway());
        long t0 = System.nanoTime();
        Map<String, String> problems = new LinkedHashMap<>();
        List<Submitted> submitted = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, options.parallel()));
        try {
            List<Future<Object>> futures = new ArrayList<>();
            for (Path file : files) {
                futures.add(pool.submit(() -> submit(file)));
            }
            for (int i = 0; i < futures.size(); i++) {
                String path = relative(files.get(i));
                try {
                    Object result = futures.get(i).get();
                    if (result instanceof Submitted s) {
                        submitted.add(s);
                    } else {
                        problems.put(path, result.toString());
                    }
                } catch (Exception e) {
                    problems.put(path, "not submitted: " + e.getMessage());
                }
                progress(i + 1, files.size(), "submitted", t0);
            }
        } finally {
            pool.shutdownNow();
        }
        out.println();
        int rejected = problems.size();
        Map<String, Submitted> pending = new LinkedHashMap<>();
        submitted.forEach(s -> pending.put(s.eventId(), s));
        int indexed = 0;
        int failed = 0;
        long deadline = System.nanoTime() + options.timeout().toNanos();
        while (!pending.isEmpty() && System.nanoTime() < deadline) {
            List<Submitted> batch = pending.values().stream().limit(1000).toList();
            for (JsonNode status : status(batch)) {
                if (!status.path("processed").asBoolean()) {
                    continue;
                }
                Submitted s = pending.remove(status.path("eventId").asText());
                if (s == null) {
                    continue;
                }
                if ("failed".equals(status.path("status").asText())) {
                    failed++;
                    problems.put(s.path(), "failed: " + status.path("reason").asText());
                } else {
                    indexed++;
                }
            }
            progress(indexed + failed, submitted.size(), "indexed or failed", t0);
            if (!pending.isEmpty()) {
                Thread.sleep(500);
            }
        }
        out.println();
        double seconds = (System.nanoTime() - t0) / 1e9;
        out.printf(
                "%d indexed, %d failed, %d rejected, %d still pending after %.1f s (%.1f documents/s)%n",
                indexed, failed, rejected, pending.size(), seconds, (indexed + failed) / Math.max(seconds, 1e-3));
        problems.forEach((path, why) -> out.printf("  %s: %s%n", path, why));
        pending.values().forEach(s -> out.printf("  %s: not indexed yet (event %s)%n", s.path(), s.eventId()));
        return new Summary(files.size(), indexed, failed, rejected, pending.size(), problems);
    }

    private List<Path> files() throws IOException {
        if (!Files.isDirectory(options.root())) {
            throw new IllegalArgumentException(options.root() + " is not a folder");
        }
        List<PathMatcher> include = matchers(options.include().isEmpty() ? List.of("**") : options.include());
        List<PathMatcher> exclude = matchers(options.exclude());
        try (Stream<Path> walk = Files.walk(options.root())) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> {
                        Path rel = options.root().relativize(p);
                        return include.stream().anyMatch(m -> m.matches(rel))
                                && exclude.stream().noneMatch(m -> m.matches(rel))
                                && !rel.getFileName().toString().startsWith(".");
                    })
                    .sorted()
                    .toList();
        }
    }

    private static List<PathMatcher> matchers(List<String> globs) {
        List<PathMatcher> matchers = new ArrayList<>();
        for (String glob : globs) {
            matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
            if (glob.startsWith("**/")) {
                // "**/*.md" should also match files at the top of the folder
                matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + glob.substring(3)));
            }
        }
        return matchers;
    }

    /** Uploads one file; returns a {@link Submitted} or the reason it was refused. */
    private Object submit(Path file) throws IOException, InterruptedException {
        String rel = relative(file);
        String boundary = "ragline-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        field(body, boundary, "id", documentId(rel));
        field(body, boundary, "metadata", JSON.writeValueAsString(Map.of("path", rel)));
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                        + file.getFileName().toString().replace("\"", "_")
                        + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.write(Files.readAllBytes(file));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(options.gateway() + "/v1/documents"))
                        .timeout(Duration.ofSeconds(60))
                        .header("content-type", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 202) {
            JsonNode problem = parse(response.body());
            return "rejected (" + response.statusCode() + "): "
                    + (problem == null
                            ? response.body()
                            : problem.path("detail").asText(response.body()));
        }
        JsonNode accepted = JSON.readTree(response.body()).path("documents").path(0);
        return new Submitted(
                accepted.path("documentId").asText(), accepted.path("eventId").asText(), rel);
    }

    private List<JsonNode> status(List<Submitted> batch) throws IOException, InterruptedException {
        ObjectNode request = JSON.createObjectNode();
        ArrayNode list = request.putArray("submissions");
        batch.forEach(s -> list.addObject().put("documentId", s.documentId()).put("eventId", s.eventId()));
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(options.gateway() + "/v1/documents/status"))
                        .timeout(Duration.ofSeconds(30))
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(request)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            return List.of();
        }
        List<JsonNode> statuses = new ArrayList<>();
        JSON.readTree(response.body()).forEach(statuses::add);
        return statuses;
    }

    /** A document id the gateway accepts, stable for a relative path. */
    static String documentId(String relativePath) {
        String id = relativePath.replace('\\', '/').replaceAll("[^A-Za-z0-9._:/-]", "_");
        return id.length() <= 200 ? id : id.substring(0, 160) + "-" + Integer.toHexString(relativePath.hashCode());
    }

    private String relative(Path file) {
        return options.root().relativize(file).toString().replace('\\', '/');
    }

    private void progress(int done, int total, String what, long t0) {
        int width = 30;
        int filled = total == 0 ? width : (int) ((long) done * width / total);
        double rate = done / Math.max((System.nanoTime() - t0) / 1e9, 1e-3);
        out.printf(
                "\r[%s%s] %d/%d %s, %.1f/s   ",
                "#".repeat(filled), ".".repeat(width - filled), done, total, what, rate);
        out.flush();
    }

    private static void field(ByteArrayOutputStream body, String boundary, String name, String value)
            throws IOException {
        body.write(
                ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n")
                        .getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }
}
