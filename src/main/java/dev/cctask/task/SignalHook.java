package dev.cctask.task;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * SIGTERM, SIGINT and SIGHUP during a run (SPEC §9.2): a shutdown hook that tells the run, waits (at most a limit) for
 * the run to report its end, then halts the JVM with the run's exit status. Without a signal the run removes it.
 */
final class SignalHook implements AutoCloseable {
    private final Thread hook;
    private final CountDownLatch ended = new CountDownLatch(1);

    private SignalHook(Runnable onSignal, Duration maxWait, IntSupplier exitStatus, PrintWriter err) {
        hook = new Thread(() -> {
            onSignal.run();
            try {
                ended.await(maxWait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            err.flush();
            Runtime.getRuntime().halt(exitStatus.getAsInt());
        }, "run-task-signal");
    }

    /**
     * @param onSignal   run first, on the hook's thread
     * @param maxWait    how long the run may take to report after the signal
     * @param exitStatus read after the run ended (or the wait ran out)
     */
    static SignalHook install(Runnable onSignal, Duration maxWait, IntSupplier exitStatus, PrintWriter err) {
        SignalHook h = new SignalHook(onSignal, maxWait, exitStatus, err);
        Runtime.getRuntime().addShutdownHook(h.hook);
        return h;
    }

    /** The run has reported its end: a hook that is waiting halts now. */
    void runEnded() {
        ended.countDown();
    }

    /** Removes the hook; after a signal it stays, and halts the JVM once the run ended. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // a signal arrived: the hook halts the JVM with the exit status once the run is done
        }
    }
}
