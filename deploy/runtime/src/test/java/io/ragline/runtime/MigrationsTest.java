package io.ragline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class MigrationsTest {

    @Test
    void everyMigrationFileIsListedInOrderAndTheFirstEnablesPgvector() throws IOException {
        var loaded = Migrations.load();

        try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration"))) {
            assertThat(loaded).hasSize((int) files.count());
        }
        assertThat(loaded.get(0).sql()).contains("CREATE EXTENSION IF NOT EXISTS vector");
        assertThat(loaded).extracting(Migrations.Migration::version).startsWith(1);
    }

    @Test
    void declaredTopicsIncludeTheDocumentFlowAndADeadLetterTopicPerConsumer() {
        assertThat(Topics.declared())
                .containsKeys("documents.submitted", "documents.indexed", "documents.dlq", "answers.produced")
                .allSatisfy((name, partitions) -> assertThat(partitions).isPositive());
    }
}
