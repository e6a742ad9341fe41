package dev.cctask.delivery;

import java.time.Duration;

/** Waits between delivery attempts; injected so that tests run on a fake clock without sleeping. */
@FunctionalInterface
public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;

    static Sleeper system() {
        return d -> {
            long millis = d.toMillis() + (d.toNanosPart() % 1_000_000 == 0 ? 0 : 1);
            if (millis > 0) {
                Thread.sleep(millis);
            }
        };
    }
}
