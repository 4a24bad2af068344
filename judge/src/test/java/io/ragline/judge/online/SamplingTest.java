package io.ragline.judge.online;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class SamplingTest {

    @Test
    void theSampleIsDecidedByTheEventIdAndMatchesTheRate() {
        int kept = 0;
        for (int i = 0; i < 20_000; i++) {
            if (Judgements.sampled(UUID.nameUUIDFromBytes(("e" + i).getBytes()).toString(), 0.1)) {
                kept++;
            }
        }
        assertThat(kept).isBetween(1_800, 2_200);
        String id = UUID.randomUUID().toString();
        assertThat(Judgements.sampled(id, 0.5)).isEqualTo(Judgements.sampled(id, 0.5));
        assertThat(Judgements.sampled(id, 1.0)).isTrue();
        assertThat(Judgements.sampled(id, 0.0)).isFalse();
    }
}
