package dev.cctask.delivery;

import java.time.Duration;

/** Waits between delivery attempts; injected so that tests run on a fake clock without sleeping. */
@FunctionalInterface
public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
}
