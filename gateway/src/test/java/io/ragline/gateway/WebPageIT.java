package io.ragline.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.ragline.contracts.EventJson;
import io.ragline.contracts.document.DocumentSubmitted;
import io.ragline.gateway.chat.ChatStubs;
import io.ragline.gateway.document.ScriptedIngest;
import io.ragline.model.testing.ScriptedModelServer.Reply;
import io.ragline.retriever.client.testing.StubRetriever;
import io.ragline.runtime.testing.KafkaTestResource;
import io.ragline.runtime.testing.PostgresTestResource;
import io.ragline.runtime.testing.TestInfrastructure;
import io.ragline.runtime.testing.Topic;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The chat page in a real headless Chromium (Debian's, driven by playwright-core from {@code src/test/browser}):
 * upload with live status, a streamed answer, a clicked citation showing its passage; saves
 * {@code target/screenshots/chat-page.png}. Ingest is played by the test: when the upload's event reaches Kafka, it
 * records the document as indexed, as ingest would.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(ChatStubs.class)
class WebPageIT {

    private static final Path BROWSER = Path.of("src/test/browser");
    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));

    @TestHTTPResource("/")
    URL page;

    @Test
    void aUserUploadsAsksAndOpensACitationInTheBrowser() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "no Chromium at " + CHROMIUM + " (.ci/run installs it)");
        assumeTrue(Files.isDirectory(BROWSER.resolve("node_modules/playwright-core")), "run npm ci in " + BROWSER);
        ChatStubs.retriever.answer(List.of(new StubRetriever.Hit(
                "chunk-kafka-1",
                "kafka-guide",
                "Kafka guide",
                "Consumers in a group share the partitions of a topic.",
                0.8)));
        ChatStubs.model.script(
                r -> Reply.text("Consumers of one group share the partitions of a topic between them [1].")
                        .perToken(Duration.ofMillis(60)));
        long started = System.currentTimeMillis();
        CompletableFuture<Void> ingest = CompletableFuture.runAsync(() -> indexTheUpload(started));

        Path screenshot = Path.of("target/screenshots/chat-page.png").toAbsolutePath();
        Files.createDirectories(screenshot.getParent());
        Files.deleteIfExists(screenshot);
        Process node = new ProcessBuilder("node", "chat-page.mjs", page.toString(), screenshot.toString())
                .directory(BROWSER.toFile())
                .redirectErrorStream(true)
                .start();
        boolean finished = node.waitFor(120, TimeUnit.SECONDS);
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!finished) {
            node.destroyForcibly();
        }

        assertThat(finished)
                .as("browser run finished in time; output:%n%s", output)
                .isTrue();
        assertThat(node.exitValue()).as("browser checks; output:%n%s", output).isZero();
        assertThat(output).contains("ok: citation [1] shows its passage");
        assertThat(screenshot).isNotEmptyFile();
        ingest.get(5, TimeUnit.SECONDS);
    }

    /** The page's upload: other tests of this run upload a notes.md too, before this one started. */
    private void indexTheUpload(long startedMillis) {
        var record = Topic.await(
                TestInfrastructure.kafka().bootstrapServers(),
                "documents.submitted",
                r -> r.timestamp() >= startedMillis && r.value().contains("upload:notes.md"),
                Duration.ofSeconds(60));
        DocumentSubmitted event = EventJson.fromJson(record.value(), DocumentSubmitted.class);
        // what ingest does when it has indexed the document (the gateway recorded it as queued)
        ScriptedIngest.indexed(event.tenant(), event.documentId(), event.eventId(), 1);
    }
}
