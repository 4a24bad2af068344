package io.ragline.ingest.embedding;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Counts tokens exactly as the in-process embedding model sees them (bge-small-en-v1.5's WordPiece tokenizer, read
 * from the model's own jar), so chunks are sized in the model's tokens, not in characters.
 */
public final class TokenCounter implements AutoCloseable {

    private static final String BGE_TOKENIZER = "bge-small-en-v1.5-q-tokenizer.json";
    private final HuggingFaceTokenizer tokenizer;

    private TokenCounter(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** The tokenizer of bge-small-en-v1.5. */
    public static TokenCounter bgeSmall() {
        try (InputStream in = TokenCounter.class.getClassLoader().getResourceAsStream(BGE_TOKENIZER)) {
            if (in == null) {
                throw new IllegalStateException(BGE_TOKENIZER + " is not on the classpath");
            }
            return new TokenCounter(HuggingFaceTokenizer.newInstance(
                    in, Map.of("padding", "false", "truncation", "false", "addSpecialTokens", "false")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Tokens of {@code text}, without the [CLS]/[SEP] the model adds. */
    public int count(String text) {
        return tokenizer.encode(text, false, false).getIds().length;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
