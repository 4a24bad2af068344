package io.ragline.platform;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./ragline ingest PATH}: submits every file of a folder and follows it until indexed or failed. */
@Command(
        name = "ingest",
        description = "submit every file of a folder and follow it until indexed or failed",
        mixinStandardHelpOptions = true)
final class IngestCommand extends RaglineCommand {

    @Parameters(paramLabel = "PATH", description = "the folder (or file) to submit")
    Path root;

    @Option(names = "--include", paramLabel = "GLOB", description = "only files matching this glob (repeatable)")
    List<String> include = new ArrayList<>();

    @Option(names = "--exclude", paramLabel = "GLOB", description = "leave out files matching this glob (repeatable)")
    List<String> exclude = new ArrayList<>();

    @Option(names = "--gateway", paramLabel = "URL", description = "the gateway (default: the local platform's)")
    String gateway;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "4", description = "uploads in flight")
    int parallel;

    @Override
    public Integer call() throws Exception {
        FolderIngest.Summary summary = new FolderIngest(
                        new FolderIngest.Options(
                                root.toAbsolutePath().normalize(),
                                gateway != null ? gateway : serviceUrl("gateway"),
                                include,
                                exclude,
                                parallel,
                                Duration.ofHours(2)),
                        System.out)
                .run();
        return summary.failed() + summary.rejected() + summary.pending() == 0 ? 0 : 1;
    }
}
