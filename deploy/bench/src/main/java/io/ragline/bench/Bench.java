package io.ragline.bench;

import io.ragline.platform.Commands;

/**
 * The measuring commands of {@code ./ragline}: {@code bench-ingest}, {@code bench-search}, {@code bench-chat},
 * {@code bench-webhook}, {@code bench-research}, {@code eval} and {@code measure-start}. Each starts the packaged
 * platform through the launcher's {@link io.ragline.platform.Platform} and prints its figures; their latest values are
 * in docs/BENCHMARKS.md.
 */
public final class Bench {

    private Bench() {}

    public static void main(String[] args) {
        Commands.main(args, (command, settings) -> switch (command) {
            case "bench-ingest" -> IngestBenchmark.run(settings, args);
            case "eval" -> RetrievalEval.run(settings, args);
            case "bench-search" -> SearchBenchmark.run(settings, args);
            case "bench-chat" -> ChatBenchmark.run(settings, args);
            case "bench-webhook" -> WebhookBenchmark.run(settings, args);
            case "bench-research" -> ResearchBenchmark.run(settings, args, System.out);
            case "measure-start" -> StartupBenchmark.run(settings, args.length > 1 ? Integer.parseInt(args[1]) : 5);
            default -> {
                System.err.println("ragline: unknown command '" + command + "' (see ./ragline help)");
                yield 2;
            }
        });
    }
}
