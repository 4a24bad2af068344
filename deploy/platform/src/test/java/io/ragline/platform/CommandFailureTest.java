package io.ragline.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

class CommandFailureTest {

    @Test
    void aMissingFileIsNamedInOneLine() {
        assertThat(CommandFailure.describe(new UncheckedIOException(new NoSuchFileException("/data/golden.jsonl"))))
                .isEqualTo("no such file or folder: /data/golden.jsonl");
        assertThat(CommandFailure.describe(new NoSuchFileException("/nope")))
                .isEqualTo("no such file or folder: /nope");
    }

    @Test
    void aRefusedConnectionPointsAtTheRunningPlatform() {
        assertThat(CommandFailure.describe(new ConnectException("Connection refused")))
                .startsWith("cannot connect (is ragline up?")
                .endsWith("Connection refused");
    }

    @Test
    void anyOtherFailureIsItsFirstLineOrItsType() {
        assertThat(CommandFailure.describe(new IllegalArgumentException("/x is not a folder\n\tdetail")))
                .isEqualTo("/x is not a folder");
        assertThat(CommandFailure.describe(new IllegalStateException())).isEqualTo("IllegalStateException");
    }
}
