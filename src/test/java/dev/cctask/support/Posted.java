package dev.cctask.support;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Records what a {@code NotifyRelay} hands to its poster. The relay answers the client first and posts after, so
 * a test waits for the posts it expects instead of reading the list at once.
 */
public final class Posted implements Consumer<String> {
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);
    private final List<String> texts = new ArrayList<>();

    @Override
    public synchronized void accept(String text) {
        texts.add(text);
        notifyAll();
    }

    /** The texts posted so far, once there are at least {@code count} of them (or 5 s have passed). */
    public synchronized List<String> await(int count) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_NANOS;
        for (long left = WAIT_NANOS; texts.size() < count && left > 0; left = deadline - System.nanoTime()) {
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return List.copyOf(texts);
    }
}
