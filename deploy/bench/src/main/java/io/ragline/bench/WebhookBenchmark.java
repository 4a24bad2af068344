package io.ragline.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ragline.platform.Platform;
import io.ragline.platform.Settings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * {@code ./ragline bench-webhook}: time from a signed GitHub pull-request delivery leaving the sender to its
 * review-requested event arriving at a Kafka consumer, p50/p99, at 1 and 8 concurrent senders (GitHub sends
 * deliveries one by one per hook, several hooks in parallel); and the webhook's HTTP answer time.
 */
final class WebhookBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "bench-webhook-secret";

    private WebhookBenchmark() {}

    static int run(Settings base, int count, List<Integer> senders) throws Exception {
        Path recorded = base.home()
                .resolve(
                        "../shared/data/github-webhooks/octokit-payload-examples/pull_request/synchronize.payload.json")
                .normalize();
        ObjectNode template = Files.isRegularFile(recorded)
                ? (ObjectNode) JSON.readTree(recorded.toFile())
                : (ObjectNode) JSON.readTree("{\"action\":\"synchronize\",\"number\":2,\"pull_request\":{\"number\":2,"
                        + "\"head\":{\"sha\":\"x\"},\"base\":{\"sha\":\"y\"}},\"repository\":{\"full_name\":\"o/r\"}}");
        Settings settings = base.withDataDir(base.home().resolve("var/bench-webhook"));
        try (Platform platform = new Platform(settings)
                .withEnv("gateway", "GATEWAY_GITHUB_WEBHOOK_SECRET", SECRET)
                .start(System.out::println)) {
            String url = platform.url("gateway") + "/webhooks/github";
            HttpClient http = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            Map<String, Long> arrived = new ConcurrentHashMap<>();
            AtomicBoolean stop = new AtomicBoolean();
            Thread consumer = consumer(platform.bootstrapServers(), arrived, stop);
            send(http, url, template, 50, 4, new ConcurrentHashMap<>()); // warm-up
            System.out.println();
            System.out.printf(
                    "Webhook → review-requested on Kafka (%d deliveries per row), %s, %d cores%n%n",
                    count, LocalDate.now(), Runtime.getRuntime().availableProcessors());
            System.out.println("| senders | HTTP answer p50 / p99 | delivery → event consumed p50 / p99 | lost |");
            System.out.println("|---|---|---|---|");
            for (int s : senders) {
                Map<String, long[]> sent = new ConcurrentHashMap<>();
                send(http, url, template, count, s, sent);
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (System.nanoTime() < deadline && !arrived.keySet().containsAll(sent.keySet())) {
                    Thread.sleep(50);
                }
                List<Long> answer = new ArrayList<>();
                List<Long> endToEnd = new ArrayList<>();
                int lost = 0;
                for (var e : sent.entrySet()) {
                    answer.add(e.getValue()[1] - e.getValue()[0]);
                    Long at = arrived.get(e.getKey());
                    if (at == null) {
                        lost++;
                    } else {
                        endToEnd.add(at - e.getValue()[0]);
                    }
                }
                System.out.printf(
                        "| %d | %.1f / %.1f ms | %.1f / %.1f ms | %d |%n",
                        s, pct(answer, 50), pct(answer, 99), pct(endToEnd, 50), pct(endToEnd, 99), lost);
            }
            stop.set(true);
            consumer.join(5000);
        }
        return 0;
    }

    private static double pct(List<Long> nanos, int p) {
        if (nanos.isEmpty()) {
            return Double.NaN;
        }
        List<Long> v = new ArrayList<>(nanos);
        Collections.sort(v);
        return v.get(Math.min(v.size() - 1, (int) Math.ceil(p / 100.0 * v.size()) - 1)) / 1e6;
    }

    /** Sends {@code count} signed deliveries from {@code senders} threads; records [sent, answered] per delivery id. */
    private static void send(
            HttpClient http, String url, ObjectNode template, int count, int senders, Map<String, long[]> sent)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < senders; t++) {
            futures.add(pool.submit(() -> {
                while (next.getAndIncrement() < count) {
                    String delivery = UUID.randomUUID().toString();
                    ObjectNode payload = template.deepCopy();
                    ((ObjectNode) payload.path("pull_request").path("head"))
                            .put("sha", UUID.randomUUID().toString().replace("-", ""));
                    byte[] body = JSON.writeValueAsBytes(payload);
                    long t0 = System.nanoTime();
                    HttpResponse<String> r = http.send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .header("Content-Type", "application/json")
                                    .header("X-GitHub-Event", "pull_request")
                                    .header("X-GitHub-Delivery", delivery)
                                    .header("X-Hub-Signature-256", sign(body))
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    long t1 = System.nanoTime();
                    if (r.statusCode() != 202) {
                        throw new IllegalStateException("webhook answered " + r.statusCode() + ": " + r.body());
                    }
                    sent.put(delivery, new long[] {t0, t1});
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
    }

    private static Thread consumer(String bootstrap, Map<String, Long> arrived, AtomicBoolean stop) throws Exception {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-webhook-" + UUID.randomUUID());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor("reviews.requested").stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        Thread t = new Thread(
                () -> {
                    try (consumer) {
                        while (!stop.get()) {
                            consumer.poll(Duration.ofMillis(20)).forEach(r -> {
                                long now = System.nanoTime();
                                try {
                                    arrived.put(
                                            JSON.readTree(r.value())
                                                    .path("deliveryId")
                                                    .asText(),
                                            now);
                                } catch (java.io.IOException e) {
                                    throw new IllegalStateException(e);
                                }
                            });
                        }
                    }
                },
                "bench-webhook-consumer");
        t.start();
        return t;
    }

    private static String sign(byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    }
}
