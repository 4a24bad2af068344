package io.ragline.gateway.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The signature vectors in ../shared/data/github-webhooks, GitHub's documented one included. */
class WebhookSignatureTest {

    private static final Path VECTORS = Path.of("../../shared/data/github-webhooks/x-hub-signature-256-vectors.json");

    @Test
    void githubsDocumentedVector() {
        assertThat(WebhookSignature.sign(
                        "It's a Secret to Everybody", "Hello, World!".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
    }

    @Test
    void everySharedVectorVerifiesAsRecorded() throws IOException {
        assumeTrue(Files.isRegularFile(VECTORS), "../shared/data/github-webhooks is absent");
        JsonNode vectors = new ObjectMapper().readTree(VECTORS.toFile()).path("vectors");
        assertThat(vectors.size()).isEqualTo(5);
        for (JsonNode v : vectors) {
            byte[] body = v.path("payload").asText().getBytes(StandardCharsets.UTF_8);
            String presented = v.hasNonNull("expected_x_hub_signature_256")
                    ? v.path("expected_x_hub_signature_256").asText()
                    : v.path("presented_x_hub_signature_256").asText();
            assertThat(WebhookSignature.valid(v.path("secret").asText(), body, presented))
                    .as(v.path("name").asText())
                    .isEqualTo(v.path("valid").asBoolean());
        }
    }

    @Test
    void aMissingPrefixOrAnyChangedByteFails() {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        String good = WebhookSignature.sign("s", body);
        assertThat(WebhookSignature.valid("s", body, good)).isTrue();
        assertThat(WebhookSignature.valid("s", body, good.substring(7))).isFalse();
        assertThat(WebhookSignature.valid("s", "{} ".getBytes(StandardCharsets.UTF_8), good))
                .isFalse();
        assertThat(WebhookSignature.valid("s", body, null)).isFalse();
    }
}
