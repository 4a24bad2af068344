package io.ragline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MigrationsTest {

    @Test
    void migratesOnlyTheOwnersWhoseMigrationsAreOnTheClassPathInTheGivenOrder() {
        ClassLoader loader = MigrationsTest.class.getClassLoader();

        assertThat(Migrations.present(loader, List.of("runtime-it-next", "nobody", "runtime-it")))
                .containsExactly("runtime-it-next", "runtime-it");
        // this module's class path has no service: its own test resources stand in for them
        assertThat(Migrations.present(loader, Migrations.OWNERS)).isEmpty();
    }

    @Test
    void declaredTopicsIncludeTheDocumentFlowAndADeadLetterTopicPerConsumer() {
        assertThat(Topics.declared())
                .containsKeys("documents.submitted", "documents.indexed", "documents.dlq", "answers.produced")
                .allSatisfy((name, partitions) -> assertThat(partitions).isPositive());
    }
}
