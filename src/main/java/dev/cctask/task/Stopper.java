package dev.cctask.task;

import dev.cctask.claude.Attempt;
import dev.cctask.claude.Attempt.Stop;
import dev.cctask.delivery.LogLines;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Ends an attempt, with the log lines that explain the stop. After Claude's own exit (or its result) the sweep of what
 * it left running goes on beside the reporting; a next attempt and the end of the run wait for it, since it stops
 * every process of the run's mark that started after that Claude, as the next attempt's would.
 */
final class Stopper {
    private final Consumer<String> log;
    private CompletableFuture<Void> sweep = CompletableFuture.completedFuture(null);

    Stopper(Consumer<String> log) {
        this.log = log;
    }

    /** Stops the attempt (its leftovers too) and collects how it ended; {@code timeoutSeconds} for the log. */
    Attempt.Ended end(Attempt a, Stop how, long timeoutSeconds) throws Exception {
        if (how == Stop.TIMEOUT) {
            log.accept(LogLines.timeoutReached(timeoutSeconds));
        } else if (how == Stop.DONE) {
            log.accept(LogLines.stoppedAfterResult(TaskRun.RESULT_GRACE.toSeconds()));
        }
        Attempt.Ended ended = a.end(how, TaskRun.KILL_GRACE, TaskRun.DRAIN);
        if (how == Stop.EXITED || how == Stop.DONE) {
            sweep = ended.leftovers().thenAccept(n -> {
                if (n > 0) {
                    log.accept(LogLines.leftoversStopped(n));
                }
            });
        }
        return ended;
    }

    /** Waits until what the last attempt left running is stopped (whatever the sweep's end). */
    void awaitSweep() {
        sweep.handle((done, failed) -> null).join();
    }
}
