package io.ragline.platform;

import java.time.Duration;

/** Polls a condition of a running platform until it holds, or fails the test saying what never happened. */
final class Await {

    /** A condition that may need a query or a request to check. */
    interface Check {
        boolean ok() throws Exception;
    }

    private Await() {}

    static void until(Check check, Duration limit, String failure) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (check.ok()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(failure + " within " + limit.toSeconds() + " s");
    }
}
