package io.ragline.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

    private static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-11-29T00:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void opensAfterTheThresholdThenLetsOneTrialThrough() {
        MutableClock clock = new MutableClock();
        CircuitBreaker b = new CircuitBreaker(3, Duration.ofSeconds(30), clock);

        b.onFailure();
        b.onFailure();
        assertThat(b.tryAcquire()).isTrue();
        b.onFailure();
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(b.tryAcquire()).isFalse();

        clock.now = clock.now.plusSeconds(31);
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(b.tryAcquire()).isTrue();
        assertThat(b.tryAcquire()).as("only one trial at a time").isFalse();
        b.onFailure();
        assertThat(b.state()).as("a failed trial re-opens").isEqualTo(CircuitBreaker.State.OPEN);

        clock.now = clock.now.plusSeconds(31);
        assertThat(b.tryAcquire()).isTrue();
        b.onSuccess();
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(b.tryAcquire()).isTrue();
    }

    @Test
    void aSuccessResetsTheCount() {
        CircuitBreaker b = new CircuitBreaker(2, Duration.ofSeconds(30), new MutableClock());
        b.onFailure();
        b.onSuccess();
        b.onFailure();
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }
}
