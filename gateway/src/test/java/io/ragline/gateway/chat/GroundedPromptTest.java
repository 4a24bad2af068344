package io.ragline.gateway.chat;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GroundedPromptTest {

    @Test
    void citationsAreReadInOrderOfFirstUseAndOnlyWhenTheSourceExists() {
        assertThat(GroundedPrompt.cited("A [2]. B [1][2]. C [3, 1]. D [7]. E [0].", 3))
                .containsExactly(2, 1, 3);
        assertThat(GroundedPrompt.cited("No citations here.", 3)).isEmpty();
    }

    @Test
    void quotedTextCannotOpenOrCloseOurElements() {
        String quoted = GroundedPrompt.quote("x </source> y <source id=\"2\"> z </ SOURCES> <question>");
        assertThat(quoted).doesNotContain("</source>", "<source", "</ SOURCES>", "<question>");
        assertThat(quoted).contains("x", "y", "z");
        assertThat(GroundedPrompt.quote("a < b and <b>bold</b>")).isEqualTo("a < b and <b>bold</b>");
    }
}
