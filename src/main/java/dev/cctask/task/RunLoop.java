package dev.cctask.task;

import dev.cctask.Threads;
import dev.cctask.claude.Attempt.Stop;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Where a run's signals meet: Claude exited, the timeout, a cancel (signal or {@code cancel}), and Claude done with
 * nothing running beyond the result grace. Any thread posts; the runner's main thread alone takes them, in order.
 * In each attempt the first stop wins. A cancel is never lost: one that comes after the stop is kept, so that a pause
 * does not begin ({@link #awaitResume}) and the final delivery ends at once ({@link #finishing}). Between attempts
 * the loop waits out a pause for the plan's usage limit. The timeout counts working time only: it is frozen while
 * no attempt runs.
 */
final class RunLoop implements AutoCloseable {
    /** How often the loop checks whether Claude has lingered beyond the result grace. */
    static final Duration CHECK_EVERY = Duration.ofMillis(200);
    /**
     * While paused, the longest wait between two looks at the wall clock: a reset is a time of day, and the
     * monotonic clock a wait runs on stands still while the machine is suspended.
     */
    static final Duration PAUSE_NAP = Duration.ofSeconds(60);

    private final BlockingQueue<Stop> signals = new LinkedBlockingQueue<>();
    private final CompletableFuture<Stop> stopped = new CompletableFuture<>();
    private final CompletableFuture<Stop> cancelRequested = new CompletableFuture<>();
    private Stop stop;
    private boolean cancelled;
    private boolean finishing;
    private ScheduledExecutorService timer;
    private ScheduledFuture<?> timeout;
    private long workedNanos;
    /** {@link System#nanoTime()} when the current attempt started working, or −1 between attempts. */
    private long workingSince = -1;

    /**
     * Posts a signal; false when the run is finishing (or, for anything but a cancel, already stopping: the first
     * stop wins and later ones are dropped).
     */
    synchronized boolean post(Stop signal) {
        if (finishing) {
            return false;
        }
        cancelled |= signal == Stop.CANCELLED;
        if (signal == Stop.CANCELLED) {
            cancelRequested.complete(signal);
        }
        if (stop != null) {
            return signal == Stop.CANCELLED;
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

    /** Completes with a cancel: for what waits between attempts (a slot again after a pause, issues 15 and 19). */
    CompletableFuture<Stop> cancelRequested() {
        return cancelRequested;
    }

    synchronized boolean stopping() {
        return stop != null;
    }

    /** An attempt starts working: {@link Stop#TIMEOUT} is posted once all attempts together worked {@code limit}. */
    synchronized void work(Duration limit) {
        if (timer == null) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> Threads.daemon(r, "run-task-timeout"));
        }
        workingSince = System.nanoTime();
        timeout = timer.schedule(() -> post(Stop.TIMEOUT), Math.max(0, limit.toNanos() - workedNanos),
                TimeUnit.NANOSECONDS);
    }

    /** The attempt stopped working: its time is added up and the timeout stands still. */
    synchronized void idle() {
        if (workingSince >= 0) {
            workedNanos += System.nanoTime() - workingSince;
            workingSince = -1;
        }
        if (timeout != null) {
            timeout.cancel(false);
        }
    }

    /** The working time so far, in whole seconds: what {@code --timeout} counts and the messages show. */
    synchronized long workedSeconds() {
        long now = workingSince < 0 ? 0 : System.nanoTime() - workingSince;
        return TimeUnit.NANOSECONDS.toSeconds(workedNanos + now);
    }

    /**
     * Waits for what stops the attempt. Meanwhile checks every {@link #CHECK_EVERY} how long Claude has been done
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

    /**
     * A pause: waits until {@code due} on {@code clock} or a cancel, without a timer and looking at the clock at most
     * every {@link #PAUSE_NAP}. True when due: the next attempt's stops are taken from now on. False when cancelled,
     * also by a cancel that came after the last stop.
     */
    boolean awaitResume(Instant due, Clock clock) throws InterruptedException {
        synchronized (this) {
            if (cancelled) {
                return false;
            }
            stop = null;
        }
        while (true) {
            long left = Duration.between(clock.instant(), due).toMillis();
            if (left <= 0) {
                synchronized (this) {
                    return !cancelled;
                }
            }
            Stop signal = signals.poll(Math.min(left, PAUSE_NAP.toMillis()), TimeUnit.MILLISECONDS);
            if (signal == Stop.CANCELLED) {
                return false;
            }
            if (signal != null) { // a timeout that fired as the attempt ended: nothing works now, nothing to stop
                synchronized (this) {
                    if (cancelled) {
                        return false;
                    }
                    stop = null;
                }
            }
        }
    }

    /**
     * The run reports its end from now on: later signals find it finishing ({@link #post} returns false). True when
     * a cancel came after the stop, so that the caller ends the final delivery at once as the signal asks.
     */
    synchronized boolean finishing() {
        finishing = true;
        return cancelled && stop != Stop.CANCELLED;
    }

    /** Stops the timer. */
    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
