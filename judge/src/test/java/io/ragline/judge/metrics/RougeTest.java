package io.ragline.judge.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RougeTest {

    private static final String TARGET = "The quick brown fox jumps over the lazy dog";
    private static final String PREDICTION = "The quick brown dog jumps on the log.";

    @Test
    void theRougeScorePackageReadmeExample() {
        // google-research/rouge (rouge_score) README: scorer.score(target, prediction) for these two sentences gives
        // rouge1 Score(precision=0.75, recall=0.6666666666666666, fmeasure=0.7058823529411765)
        // rougeL Score(precision=0.625, recall=0.5555555555555556, fmeasure=0.5882352941176471)
        Rouge.Score r1 = Rouge.n(1, TARGET, PREDICTION);
        assertThat(r1.precision()).isCloseTo(0.75, within(1e-12));
        assertThat(r1.recall()).isCloseTo(0.6666666666666666, within(1e-12));
        assertThat(r1.fmeasure()).isCloseTo(0.7058823529411765, within(1e-12));
        Rouge.Score rl = Rouge.l(TARGET, PREDICTION);
        assertThat(rl.precision()).isCloseTo(0.625, within(1e-12));
        assertThat(rl.recall()).isCloseTo(0.5555555555555556, within(1e-12));
        assertThat(rl.fmeasure()).isCloseTo(0.5882352941176471, within(1e-12));
    }

    @Test
    void bigramsAndTheTokenizer() {
        // bigrams: target has 8, prediction 7; shared: "the quick", "quick brown" → P 2/7, R 2/8
        Rouge.Score r2 = Rouge.n(2, TARGET, PREDICTION);
        assertThat(r2.precision()).isCloseTo(2 / 7.0, within(1e-12));
        assertThat(r2.recall()).isCloseTo(2 / 8.0, within(1e-12));
        assertThat(Rouge.tokens("Don't stop—at 3.5%!")).containsExactly("don", "t", "stop", "at", "3", "5");
        assertThat(Rouge.n(1, "", "anything").fmeasure()).isZero();
    }
}
