package dev.cctask.task;

import dev.cctask.Threads;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Progress messages on their own clock (SPEC §4, D5): ticks at interval, 2·interval, … after spawn, at a
 * fixed rate so they do not drift. The send runs on its own thread, so a slow gateway never delays the
 * next tick or the supervision; a tick whose previous send is still in flight is skipped. The first
 * heartbeat waits for the launch message to finish. After {@link #close()} nothing more is sent.
 */
public final class Heartbeat implements AutoCloseable {
    private final ScheduledExecutorService clock;
    private final AtomicBoolean inFlight = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ScheduledFuture<?> ticks;
    private final CompletableFuture<?> launchDone;
    private final Supplier<String> line;
    private final Consumer<String> sender;
    private final Executor sends;

    public Heartbeat(long intervalMillis, CompletableFuture<?> launchDone, Supplier<String> line, Consumer<String> sender) {
        this(intervalMillis, intervalMillis, launchDone, line, sender);
    }

    /** @param firstMillis delay of the first tick: the interval less the time since spawn, so ticks fall at k·interval after spawn */
    public Heartbeat(long firstMillis, long intervalMillis, CompletableFuture<?> launchDone, Supplier<String> line,
            Consumer<String> sender) {
        this(firstMillis, intervalMillis, launchDone, line, sender, Threads.starting("heartbeat-send"));
    }

    /** For tests: {@code sends} runs each send, and a test may call {@link #tick()} itself. */
    Heartbeat(long firstMillis, long intervalMillis, CompletableFuture<?> launchDone, Supplier<String> line,
            Consumer<String> sender, Executor sends) {
        this.launchDone = launchDone;
        this.line = line;
        this.sender = sender;
        this.sends = sends;
        this.clock = Executors.newSingleThreadScheduledExecutor(r -> Threads.daemon(r, "heartbeat-clock"));
        this.ticks = clock.scheduleAtFixedRate(this::tick, Math.max(0, firstMillis), intervalMillis, TimeUnit.MILLISECONDS);
    }

    /** Ticks at k·interval after {@code spawnNanos} ({@link System#nanoTime()} at spawn). */
    static Heartbeat sinceSpawn(long spawnNanos, int intervalSeconds, CompletableFuture<?> launchDone,
            Supplier<String> line, Consumer<String> sender) {
        long interval = intervalSeconds * 1000L;
        long sinceSpawn = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - spawnNanos);
        return new Heartbeat(interval - sinceSpawn, interval, launchDone, line, sender);
    }

    void tick() {
        if (closed.get() || !inFlight.compareAndSet(false, true)) {
            return;
        }
        launchDone.handle((ok, failed) -> null).thenRunAsync(this::send, sends);
    }

    private void send() {
        try {
            if (!closed.get()) {
                sender.accept(line.get());
            }
        } finally {
            inFlight.set(false);
        }
    }

    /** Stops the ticks at once; a send already in progress finishes on its own thread. */
    @Override
    public void close() {
        closed.set(true);
        ticks.cancel(false);
        clock.shutdownNow();
    }
}
