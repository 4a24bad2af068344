package io.ragline.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ragline.platform.Commands;
import io.ragline.platform.RaglineCommand;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The measuring commands of {@code ./ragline} (picocli): {@code bench-ingest}, {@code bench-search}, {@code bench-chat},
 * {@code bench-webhook}, {@code bench-research}, {@code eval} and {@code measure-start}. Each starts the packaged
 * platform through the launcher's {@link io.ragline.platform.Platform} and prints its figures; their latest values are
 * in docs/BENCHMARKS.md.
 */
@Command(
        name = "ragline",
        // every subcommand has -h/--help and -V/--version
        scope = ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        version = "ragline 0.1.0",
        subcommands = {
            Bench.IngestBench.class,
            Bench.Eval.class,
            Bench.SearchBench.class,
            Bench.ChatBench.class,
            Bench.WebhookBench.class,
            Bench.ResearchBench.class,
            Bench.MeasureStart.class
        })
public final class Bench implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        Commands.main(args, new Bench());
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "name a command (see ./ragline help)");
    }

    /** The SciFact folder of the shared evaluation data, beside the project. */
    private static Path scifact(RaglineCommand command, Path given) {
        return given != null
                ? given
                : command.home().resolve("../shared/data/scifact").normalize();
    }

    @Command(
            name = "bench-ingest",
            description = "index a BEIR corpus through the platform, side by side with the embedding baselines",
            mixinStandardHelpOptions = true)
    static final class IngestBench extends RaglineCommand {

        @Parameters(arity = "0..1", paramLabel = "BEIR_DIR", description = "default: ../shared/data/scifact")
        Path dataset;

        @Option(names = "--limit", paramLabel = "N", description = "only the first N documents")
        int limit = Integer.MAX_VALUE;

        @Override
        public Integer call() throws Exception {
            return IngestBenchmark.run(settings(), scifact(this, dataset), limit);
        }
    }

    @Command(
            name = "bench-search",
            description = "search latency and throughput against the minimal embed + JDBC baseline",
            mixinStandardHelpOptions = true)
    static final class SearchBench extends RaglineCommand {

        @Parameters(arity = "0..1", paramLabel = "BEIR_DIR", description = "default: ../shared/data/scifact")
        Path dataset;

        @Option(names = "--clients", split = ",", paramLabel = "N,N", description = "default: 1,4,16")
        List<Integer> clients = List.of(1, 4, 16);

        @Option(names = "--seconds", paramLabel = "S", description = "per step (default 60)")
        int seconds = 60;

        @Override
        public Integer call() throws Exception {
            return SearchBenchmark.run(settings(), scifact(this, dataset), clients, seconds);
        }
    }

    @Command(
            name = "bench-chat",
            description = "gateway overhead over a stub model server: time to first token and total, p50/p99",
            mixinStandardHelpOptions = true)
    static final class ChatBench extends RaglineCommand {

        @Option(names = "--clients", split = ",", paramLabel = "N,N", description = "default: 1,16")
        List<Integer> clients = List.of(1, 16);

        @Option(names = "--seconds", paramLabel = "S", description = "per step (default 20)")
        int seconds = 20;

        @Option(names = "--rounds", paramLabel = "N", description = "alternating rounds (default 3)")
        int rounds = 3;

        @Option(names = "--token-ms", paramLabel = "MS", description = "the stub's time per token (default 10)")
        int tokenMillis = 10;

        @Override
        public Integer call() throws Exception {
            return ChatBenchmark.run(settings(), clients, seconds, rounds, tokenMillis);
        }
    }

    @Command(
            name = "bench-webhook",
            description = "signed GitHub deliveries → review-requested on Kafka, p50/p99",
            mixinStandardHelpOptions = true)
    static final class WebhookBench extends RaglineCommand {

        @Option(names = "--count", paramLabel = "N", description = "deliveries per row (default 500)")
        int count = 500;

        @Option(names = "--senders", split = ",", paramLabel = "N,N", description = "default: 1,8")
        List<Integer> senders = List.of(1, 8);

        @Override
        public Integer call() throws Exception {
            return WebhookBenchmark.run(settings(), count, senders);
        }
    }

    @Command(
            name = "bench-research",
            description = "a scripted 3x2 research job, request to report: time and per-step overhead",
            mixinStandardHelpOptions = true)
    static final class ResearchBench extends RaglineCommand {

        @Option(names = "--jobs", paramLabel = "N", description = "measured jobs after one warm-up (default 5)")
        int jobs = 5;

        @Option(names = "--model-ms", paramLabel = "MS", description = "the scripted model's time per call")
        int modelMillis = 0;

        @Override
        public Integer call() throws Exception {
            return ResearchBenchmark.run(settings(), jobs, modelMillis, System.out);
        }
    }

    @Command(
            name = "measure-start",
            description = "start and stop the platform RUNS times; print start times and memory as Markdown",
            mixinStandardHelpOptions = true)
    static final class MeasureStart extends RaglineCommand {

        @Parameters(arity = "0..1", paramLabel = "RUNS", defaultValue = "5")
        int runs;

        @Override
        public Integer call() throws Exception {
            return StartupBenchmark.run(settings(), runs);
        }
    }

    @Command(
            name = "eval",
            description = "retrieval and answer quality on an evaluation dataset",
            mixinStandardHelpOptions = true,
            subcommands = {Eval.Retrieval.class, Eval.Answers.class})
    static final class Eval implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            throw new ParameterException(spec.commandLine(), "eval needs a subcommand: retrieval or answers");
        }

        @Command(
                name = "retrieval",
                description = "index a BEIR (or SQuAD-style) folder through the pipeline (reused next time) and"
                        + " print nDCG@10, Recall@10/100, MRR@10 per search mode",
                mixinStandardHelpOptions = true)
        static final class Retrieval extends RaglineCommand {

            private static final ObjectMapper JSON = new ObjectMapper();

            @Option(names = "--dataset", required = true, paramLabel = "DIR")
            Path dataset;

            @Option(names = "--split", paramLabel = "train|test", description = "default: test if there is one")
            String split;

            @Option(names = "--queries", paramLabel = "FILE")
            Path queries;

            @Option(names = "--qrels", paramLabel = "FILE")
            Path qrels;

            @Option(names = "--modes", split = ",", paramLabel = "MODE,MODE", description = "default: all three")
            List<String> modes = List.of("vector", "keyword", "hybrid");

            @Option(names = "--fusion", paramLabel = "rrf|convex")
            String fusion;

            @Option(names = "--rrf-k", paramLabel = "N")
            Integer rrfK;

            @Option(names = "--vector-weight", paramLabel = "W")
            Double vectorWeight;

            @Option(names = "--keyword-weight", paramLabel = "W")
            Double keywordWeight;

            @Option(names = "--retriever", paramLabel = "URL", description = "a running retriever instead")
            String retriever;

            @Option(names = "--concurrency", paramLabel = "N", description = "queries in flight (default 4)")
            int concurrency = 4;

            @Option(names = "--top-k", paramLabel = "N", description = "1 to 100 (default 100)")
            int topK = 100;

            @Spec
            CommandSpec spec;

            @Override
            public Integer call() throws Exception {
                if (topK < 1 || topK > 100) {
                    throw new ParameterException(spec.commandLine(), "--top-k must be between 1 and 100");
                }
                ObjectNode fusionOptions = JSON.createObjectNode();
                if (fusion != null) {
                    fusionOptions.put("method", fusion);
                }
                if (rrfK != null) {
                    fusionOptions.put("k", rrfK);
                }
                if (vectorWeight != null) {
                    fusionOptions.put("vectorWeight", vectorWeight);
                }
                if (keywordWeight != null) {
                    fusionOptions.put("keywordWeight", keywordWeight);
                }
                return RetrievalEval.run(
                        settings(),
                        new RetrievalEval.Options(
                                dataset, split, queries, qrels, modes, fusionOptions, retriever, concurrency, topK));
            }
        }

        @Command(
                name = "answers",
                description = "ask every question through POST /v1/chat; SQuAD exact match and token F1",
                mixinStandardHelpOptions = true)
        static final class Answers extends RaglineCommand {

            @Option(names = "--dataset", required = true, paramLabel = "SQUAD_DIR")
            Path dataset;

            @Option(names = "--qa", paramLabel = "FILE", description = "default: the folder's qa.dev.jsonl")
            Path qa;

            @Option(names = "--limit", paramLabel = "N", description = "only the first N questions")
            int limit = Integer.MAX_VALUE;

            @Option(names = "--concurrency", paramLabel = "N", description = "questions in flight (default 2)")
            int concurrency = 2;

            @Override
            public Integer call() throws Exception {
                return AnswerEval.run(settings(), dataset, qa, limit, concurrency);
            }
        }
    }
}
