package io.ragline.judge.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class BleuTest {

    @Test
    void theSacrebleuReadmeExample() {
        // mjpost/sacrebleu README, "Using SacreBLEU from Python": corpus_bleu(sys, refs) prints
        // BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)
        List<String> sys = List.of("The dog bit the man.", "It wasn't surprising.", "The man had just bitten him.");
        List<List<String>> refs = List.of(
                List.of("The dog bit the man.", "It was not unexpected.", "The man bit him first."),
                List.of("The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."));

        Bleu.Result bleu = Bleu.corpus(sys, refs);

        assertThat(bleu.score()).isCloseTo(48.53, within(0.005));
        assertThat(bleu.precisions()[0]).isCloseTo(82.4, within(0.05));
        assertThat(bleu.precisions()[1]).isCloseTo(50.0, within(0.05));
        assertThat(bleu.precisions()[2]).isCloseTo(45.5, within(0.05));
        assertThat(bleu.precisions()[3]).isCloseTo(37.5, within(0.05));
        assertThat(bleu.brevityPenalty()).isCloseTo(0.943, within(0.0005));
        assertThat(bleu.hypLength()).isEqualTo(17);
        assertThat(bleu.refLength()).isEqualTo(18);
    }

    @Test
    void the13aTokenizerSplitsPunctuationButNotNumbers() {
        // 13a leaves apostrophes inside words (sacrebleu's intl tokenizer would split them)
        assertThat(Bleu.tokenize13a("It wasn't surprising.")).containsExactly("It", "wasn't", "surprising", ".");
        assertThat(Bleu.tokenize13a("Pay 3,500.50 now, ok?")).containsExactly("Pay", "3,500.50", "now", ",", "ok", "?");
        assertThat(Bleu.tokenize13a("a &amp; b")).containsExactly("a", "&", "b");
    }

    @Test
    void sentenceBleuUsesTheEffectiveOrder() {
        assertThat(Bleu.sentence("The cat sat.", List.of("The cat sat.")).score())
                .isCloseTo(100.0, within(1e-9));
        // two tokens: only unigrams and bigrams exist, so the score is their geometric mean, not zero
        assertThat(Bleu.sentence("hello there", List.of("hello there")).score()).isCloseTo(100.0, within(1e-9));
        // nothing shared: exp smoothing gives 1-grams 100/(2*2) and 2-grams 100/(4*1), geometric mean 25, times the
        // brevity penalty exp(1 - 3/2)
        assertThat(Bleu.sentence("completely different", List.of("nothing shared here"))
                        .score())
                .isCloseTo(25 * Math.exp(1 - 1.5), within(1e-9));
    }
}
