package io.ragline.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Cases checked against the official SQuAD v1.1 evaluation script's definitions. */
class AnswerMetricsTest {

    @Test
    void normalisationFollowsTheOfficialScript() {
        assertThat(AnswerMetrics.normalize("The  Denver Broncos!")).isEqualTo("denver broncos");
        assertThat(AnswerMetrics.normalize("an apple, a pear & the plum")).isEqualTo("apple pear plum");
        // only whole-word articles go; punctuation is removed before, so "the-end" becomes "theend"
        assertThat(AnswerMetrics.normalize("theory of the-end")).isEqualTo("theory of theend");
    }

    @Test
    void theHuggingFaceSquadMetricExample() {
        // evaluate's "squad" metric card: prediction "1976" against the answer "1976" → exact_match 100, f1 100
        assertThat(AnswerMetrics.exactMatch("1976", List.of("1976"))).isEqualTo(1.0);
        assertThat(AnswerMetrics.f1("1976", List.of("1976"))).isEqualTo(1.0);
    }

    @Test
    void partialOverlapGivesTokenF1() {
        // "cat sat" vs "cat sat down": 2 common, precision 1, recall 2/3 → F1 0.8
        assertThat(AnswerMetrics.f1("the cat sat", "a cat sat down")).isCloseTo(0.8, within(1e-12));
        assertThat(AnswerMetrics.exactMatch("the cat sat", "a cat sat down")).isZero();
        // repeated tokens count as often as they occur in both
        assertThat(AnswerMetrics.f1("go go go", "go")).isCloseTo(0.5, within(1e-12));
        assertThat(AnswerMetrics.f1("", "anything")).isZero();
    }

    @Test
    void theBestGoldAnswerCounts() {
        List<String> golds = List.of("Denver Broncos", "the Broncos");
        assertThat(AnswerMetrics.exactMatch("Broncos", golds)).isEqualTo(1.0);
        assertThat(AnswerMetrics.f1("Denver", golds)).isCloseTo(2 * 1.0 * 0.5 / 1.5, within(1e-12));
    }
}
