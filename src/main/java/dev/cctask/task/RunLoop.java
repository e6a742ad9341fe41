package dev.cctask.task;

import dev.cctask.Threads;
import dev.cctask.claude.Attempt.Stop;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Where a run's signals meet: Claude exited, the timeout, a cancel (signal or {@code cancel}), and Claude done with
 * nothing running beyond the result grace. Any thread posts; the runner's main thread alone takes them, in order.
 * Each of today's signals stops the run, and the first one wins: a cancel that comes after Claude's exit finds the run
 * already stopping ({@link #post} says so). Pausing, resuming, steering and permission answers join this queue.
 */
final class RunLoop implements AutoCloseable {
    /** How often the loop checks whether Claude has lingered beyond the result grace. */
    static final Duration CHECK_EVERY = Duration.ofMillis(200);

    private final BlockingQueue<Stop> signals = new LinkedBlockingQueue<>();
    private final CompletableFuture<Stop> stopped = new CompletableFuture<>();
    private Stop stop;
    private ScheduledExecutorService timer;

    /** Posts a stop; false when the run was already stopping (the first stop wins, later ones are dropped). */
    synchronized boolean post(Stop signal) {
        if (stop != null) {
            return false;
        }
        stop = signal;
        signals.add(signal);
        stopped.complete(signal);
        return true;
    }

    /** Completes with the first stop: for what waits before Claude starts (the queue, issue 19). */
    CompletableFuture<Stop> stopped() {
        return stopped;
    }

    synchronized boolean stopping() {
        return stop != null;
    }

    /** Posts {@link Stop#TIMEOUT} after {@code seconds}. */
    synchronized void timeoutAfter(long seconds) {
        if (timer == null) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> Threads.daemon(r, "run-task-timeout"));
        }
        timer.schedule(() -> post(Stop.TIMEOUT), seconds, TimeUnit.SECONDS);
    }

    /**
     * Waits for what stops the run. Meanwhile checks every {@link #CHECK_EVERY} how long Claude has been done
     * ({@code doneForNanos}, −1 while it works) and posts {@link Stop#DONE} once that reaches {@code resultGrace}.
     */
    Stop awaitStop(LongSupplier doneForNanos, Duration resultGrace) throws InterruptedException {
        while (true) {
            Stop signal = signals.poll(CHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
            if (signal != null) {
                return signal;
            }
            if (doneForNanos.getAsLong() >= resultGrace.toNanos()) {
                post(Stop.DONE);
            }
        }
    }

    /** Stops the timer. */
    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
