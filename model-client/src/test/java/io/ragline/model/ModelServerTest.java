package io.ragline.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import io.ragline.model.testing.ScriptedModelServer;
import io.ragline.model.testing.ScriptedModelServer.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The model client against the scripted OpenAI-compatible server over real HTTP. */
class ModelServerTest {

    private static final List<ChatMessage> MESSAGES =
            List.of(SystemMessage.from("You answer briefly."), UserMessage.from("What is Kafka?"));

    private ScriptedModelServer stub;

    @AfterEach
    void stop() {
        if (stub != null) {
            stub.close();
        }
    }

    private ModelServer client(Duration timeout, int retries, int breakerFailures) {
        return client(timeout, retries, breakerFailures, Duration.ofMinutes(5));
    }

    private ModelServer client(Duration timeout, int retries, int breakerFailures, Duration openFor) {
        return new ModelServer(new ModelSettings(
                Optional.of(stub.baseUrl()),
                Optional.of("secret"),
                "base-model",
                Map.of("query-rewrite", "rewriter-lora"),
                timeout,
                retries,
                Duration.ofMillis(20),
                256,
                0.0,
                breakerFailures,
                openFor));
    }

    @Test
    void aCompletionCarriesTextUsageAndTheTaskModel() {
        stub = ScriptedModelServer.start(r -> Reply.text("A distributed log."));
        ModelServer models = client(Duration.ofSeconds(5), 0, 5);

        Completion c = models.complete(Task.CHAT, MESSAGES, false);
        Completion rewrite = models.complete(Task.QUERY_REWRITE, MESSAGES, false);

        assertThat(c.text()).isEqualTo("A distributed log.");
        assertThat(c.completionTokens()).isEqualTo(3);
        assertThat(c.promptTokens()).isPositive();
        assertThat(c.truncated()).isFalse();
        assertThat(stub.requests().get(0).model()).isEqualTo("base-model");
        assertThat(stub.requests().get(0).system()).isEqualTo("You answer briefly.");
        assertThat(rewrite.model()).isEqualTo("rewriter-lora");
        assertThat(stub.requests().get(1).model()).isEqualTo("rewriter-lora");
    }

    @Test
    void tokensStreamInOrderAndTheCompletionFollows() {
        stub = ScriptedModelServer.start(r -> Reply.text("Kafka is a distributed log [1]."));
        List<String> tokens = new CopyOnWriteArrayList<>();
        AtomicReference<Completion> done = new AtomicReference<>();

        client(Duration.ofSeconds(5), 0, 5).stream(Task.CHAT, MESSAGES, new Collect(tokens, done, null));

        assertThat(String.join("", tokens)).isEqualTo("Kafka is a distributed log [1].");
        assertThat(tokens).hasSize(6);
        assertThat(done.get().text()).isEqualTo("Kafka is a distributed log [1].");
        assertThat(done.get().completionTokens()).isEqualTo(6);
        assertThat(stub.requests().get(0).stream()).isTrue();
    }

    @Test
    void serverErrorsAndRateLimitsAreRetriedWithBackoff() {
        AtomicInteger calls = new AtomicInteger();
        stub = ScriptedModelServer.start(r -> switch (calls.incrementAndGet()) {
            case 1 -> Reply.error(503, "loading model");
            case 2 -> Reply.error(429, "too many requests");
            default -> Reply.text("fine");
        });

        assertThat(client(Duration.ofSeconds(5), 2, 5)
                        .complete(Task.CHAT, MESSAGES, false)
                        .text())
                .isEqualTo("fine");
        assertThat(stub.requests()).hasSize(3);
    }

    @Test
    void aRefusedRequestIsNotRetriedAndSaysWhy() {
        stub = ScriptedModelServer.start(r -> Reply.error(400, "maximum context length is 4096 tokens"));

        assertThatThrownBy(() -> client(Duration.ofSeconds(5), 3, 5).complete(Task.CHAT, MESSAGES, false))
                .isInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining("refused")
                .hasMessageContaining("maximum context length");
        assertThat(stub.requests()).hasSize(1);
    }

    @Test
    void aSlowServerTimesOutWithinTheBound() {
        stub = ScriptedModelServer.start(r -> Reply.text("late").delayed(Duration.ofSeconds(3)));
        long t0 = System.nanoTime();

        assertThatThrownBy(() -> client(Duration.ofMillis(300), 0, 5).complete(Task.CHAT, MESSAGES, false))
                .isInstanceOf(ModelUnavailableException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(2500));
    }

    @Test
    void aStalledStreamTimesOutAndTellsWhetherTokensWereSent() {
        stub = ScriptedModelServer.start(r -> Reply.text("one two three").perToken(Duration.ofSeconds(2)));
        AtomicReference<ModelUnavailableException> error = new AtomicReference<>();
        List<Boolean> sent = new ArrayList<>();

        client(Duration.ofMillis(400), 0, 5).stream(
                Task.CHAT, MESSAGES, new Collect(new ArrayList<>(), new AtomicReference<>(), (e, s) -> {
                    error.set(e);
                    sent.add(s);
                }));

        assertThat(error.get()).hasMessageContaining("no token within 400 ms");
        assertThat(sent).containsExactly(false);
    }

    @Test
    void theCircuitOpensAfterRepeatedFailuresAndStopsCallingTheServer() {
        stub = ScriptedModelServer.start(r -> Reply.error(500, "boom"));
        ModelServer models = client(Duration.ofSeconds(5), 0, 2);

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> models.complete(Task.CHAT, MESSAGES, false))
                    .isInstanceOf(ModelUnavailableException.class);
        }
        assertThat(models.available()).isFalse();
        assertThatThrownBy(() -> models.complete(Task.CHAT, MESSAGES, false)).hasMessageContaining("circuit open");
        assertThat(stub.requests()).hasSize(2);
    }

    @Test
    void anOpenCircuitLetsOneTrialCallThroughAfterItsDelayAndClosesOnSuccess() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        stub = ScriptedModelServer.start(
                r -> calls.incrementAndGet() <= 2 ? Reply.error(500, "boom") : Reply.text("back"));
        ModelServer models = client(Duration.ofSeconds(5), 0, 2, Duration.ofMillis(300));
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> models.complete(Task.CHAT, MESSAGES, false))
                    .isInstanceOf(ModelUnavailableException.class);
        }
        assertThat(models.available()).isFalse();

        Thread.sleep(400);

        assertThat(models.complete(Task.CHAT, MESSAGES, false).text()).isEqualTo("back");
        assertThat(models.available()).isTrue();
        assertThat(stub.requests()).hasSize(3);
    }

    @Test
    void refusedRequestsDoNotOpenTheCircuit() {
        stub = ScriptedModelServer.start(r -> Reply.error(400, "bad request"));
        ModelServer models = client(Duration.ofSeconds(5), 0, 2);

        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> models.complete(Task.CHAT, MESSAGES, false))
                    .hasMessageContaining("refused");
        }
        assertThat(models.available()).isTrue();
        assertThat(stub.requests()).hasSize(4);
    }

    @Test
    void aStreamThatFailsBeforeItsFirstTokenIsRetried() {
        AtomicInteger calls = new AtomicInteger();
        stub = ScriptedModelServer.start(
                r -> calls.incrementAndGet() == 1 ? Reply.error(503, "loading model") : Reply.text("fine now"));
        List<String> tokens = new CopyOnWriteArrayList<>();
        AtomicReference<Completion> done = new AtomicReference<>();

        client(Duration.ofSeconds(5), 1, 5).stream(Task.CHAT, MESSAGES, new Collect(tokens, done, null));

        assertThat(done.get().text()).isEqualTo("fine now");
        assertThat(stub.requests()).hasSize(2);
    }

    @Test
    void aConsumerThatGoesAwayCancelsTheStream() throws Exception {
        stub = ScriptedModelServer.start(
                r -> Reply.text("a b c d e f g h i j k l m n o p").perToken(Duration.ofMillis(100)));
        List<String> tokens = new CopyOnWriteArrayList<>();
        AtomicReference<Completion> done = new AtomicReference<>();

        client(Duration.ofSeconds(5), 0, 5).stream(Task.CHAT, MESSAGES, new Collect(tokens, done, null) {
            @Override
            public boolean cancelled() {
                return tokens.size() >= 3;
            }
        });

        assertThat(done.get()).isNull();
        assertThat(tokens.size()).isBetween(3, 5);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (stub.abandonedStreams() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(stub.abandonedStreams()).isEqualTo(1);
        assertThat(stub.completedStreams()).isZero();
    }

    @Test
    void withoutAServerEveryCallFailsFastWithTheReason() {
        ModelServer none = new ModelServer(ModelSettings.none());
        AtomicReference<ModelUnavailableException> error = new AtomicReference<>();

        assertThat(none.configured()).isFalse();
        assertThatThrownBy(() -> none.complete(Task.CHAT, MESSAGES, false)).hasMessage("no model server configured");
        none.stream(
                Task.CHAT, MESSAGES, new Collect(new ArrayList<>(), new AtomicReference<>(), (e, s) -> error.set(e)));
        assertThat(error.get()).hasMessage("no model server configured");
    }

    private static class Collect implements StreamListener {
        private final List<String> tokens;
        private final AtomicReference<Completion> done;
        private final java.util.function.BiConsumer<ModelUnavailableException, Boolean> onError;

        Collect(
                List<String> tokens,
                AtomicReference<Completion> done,
                java.util.function.BiConsumer<ModelUnavailableException, Boolean> onError) {
            this.tokens = tokens;
            this.done = done;
            this.onError = onError;
        }

        @Override
        public void onToken(String token) {
            tokens.add(token);
        }

        @Override
        public void onComplete(Completion completion) {
            done.set(completion);
        }

        @Override
        public void onError(ModelUnavailableException error, boolean tokensSent) {
            if (onError == null) {
                throw new AssertionError("unexpected error", error);
            }
            onError.accept(error, tokensSent);
        }
    }
}
