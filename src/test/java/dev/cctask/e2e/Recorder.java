package dev.cctask.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** A thread-safe log of what a fake server received, with a wait for a condition (no sleeps). */
final class Recorder<T> {
    private final List<T> items = new ArrayList<>();

    synchronized void add(T item) {
        items.add(item);
        notifyAll();
    }

    synchronized List<T> all() {
        return List.copyOf(items);
    }

    /** Waits until {@code condition} holds for the log, then returns the log; fails after {@code limit}. */
    synchronized List<T> await(String what, Predicate<List<T>> condition, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.test(items)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                fail("timed out after " + limit.toSeconds() + " s waiting for " + what + "; received:\n" + items);
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
        return List.copyOf(items);
    }
}
