package io.ragline.model;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Consecutive-failure circuit breaker: after {@code threshold} failed calls in a row the circuit opens and calls are
 * refused at once for {@code openFor}; then one trial call is let through (half-open), and its outcome closes or
 * re-opens the circuit. Keeps a model server that is down from costing every request a full timeout.
 */
final class CircuitBreaker {

    enum State {
        CLOSED,
        OPEN,
        HALF_OPEN
    }

    private final int threshold;
    private final Duration openFor;
    private final Clock clock;
    private int failures;
    private Instant openedAt;
    private boolean trialInFlight;

    CircuitBreaker(int threshold, Duration openFor, Clock clock) {
        this.threshold = threshold;
        this.openFor = openFor;
        this.clock = clock;
    }

    /** Whether a call may go out now; in half-open state only one caller gets {@code true}. */
    synchronized boolean tryAcquire() {
        if (openedAt == null) {
            return true;
        }
        if (clock.instant().isBefore(openedAt.plus(openFor)) || trialInFlight) {
            return false;
        }
        trialInFlight = true;
        return true;
    }

    synchronized void onSuccess() {
        failures = 0;
        openedAt = null;
        trialInFlight = false;
    }

    synchronized void onFailure() {
        failures++;
        if (trialInFlight || failures >= threshold) {
            openedAt = clock.instant();
        }
        trialInFlight = false;
    }

    synchronized State state() {
        if (openedAt == null) {
            return State.CLOSED;
        }
        return clock.instant().isBefore(openedAt.plus(openFor)) ? State.OPEN : State.HALF_OPEN;
    }
}
