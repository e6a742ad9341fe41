package dev.cctask.task;

import dev.cctask.Text;
import dev.cctask.claude.Attempt;
import dev.cctask.control.SteerRoute;
import dev.cctask.control.SteerRoute.Taken;
import dev.cctask.delivery.LogLines;
import dev.cctask.delivery.Messages;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Steering a running task (issue 17): a message from {@code run-task steer} goes to the current attempt's stdin as a
 * {@code user} line. It is recorded in the output file just before it goes out, where it falls in the stream, and
 * once written counted in the PID file ({@code tasks --json}); after {@code steer} has its answer, it is logged and
 * told to the chat ({@code 📡 ↪️ Sent to Claude Code: …}, best effort).
 *
 * <p>While the run is paused at the plan's usage limit there is no Claude to write to: a message is held, and goes to
 * the next attempt right after its prompt. One that finds an attempt's input closed waits for the run to say whether
 * it pauses ({@link #hold}: held) or ends ({@link #finished}: refused).
 */
final class Steering implements SteerRoute.Claude {
    private final OutputFile output;
    private final RunRecorder recorder;
    private final Notifications notifications;
    private final Consumer<String> log;
    private final AtomicInteger written = new AtomicInteger();

    private Attempt attempt;
    /** Completed by {@link #hold} (true) or {@link #finished} (false) once the current attempt has ended. */
    private CompletableFuture<Boolean> afterAttempt = new CompletableFuture<>();
    private boolean holding;
    private final List<String> held = new ArrayList<>();

    Steering(OutputFile output, RunRecorder recorder, Notifications notifications, Consumer<String> log) {
        this.output = output;
        this.recorder = recorder;
        this.notifications = notifications;
        this.log = log;
    }

    @Override
    public synchronized CompletableFuture<Taken> send(String text) {
        if (holding) {
            held.add(text);
            return CompletableFuture.completedFuture(Taken.HELD);
        }
        if (attempt == null) {
            return null;
        }
        Attempt current = attempt;
        CompletableFuture<Boolean> ended = afterAttempt;
        return write(current, text).thenCompose(ok -> ok ? CompletableFuture.completedFuture(Taken.WRITTEN)
                : ended.thenCompose(paused -> paused ? afterClosed(current, text)
                        : CompletableFuture.completedFuture(Taken.CLOSED)));
    }

    /** {@code text} found {@code closed}'s input closed, and the run paused: held, or to the attempt started since. */
    private synchronized CompletableFuture<Taken> afterClosed(Attempt closed, String text) {
        if (holding) {
            held.add(text);
            return CompletableFuture.completedFuture(Taken.HELD);
        }
        return attempt == closed ? CompletableFuture.completedFuture(Taken.CLOSED)
                : write(attempt, text).thenApply(ok -> ok ? Taken.WRITTEN : Taken.CLOSED);
    }

    private CompletableFuture<Boolean> write(Attempt to, String text) {
        return to.input().send(text, () -> output.append(Messages.steerRecord(text))).thenApply(ok -> {
            if (ok) {
                recorder.steered(written.incrementAndGet());
            }
            return ok;
        });
    }

    @Override
    public void sent(String text) {
        log.accept(LogLines.steered(written.get(), Text.length(text)));
        notifications.steered(text);
    }

    /** A new attempt has started: messages go to it, the held ones first, right after its prompt. */
    synchronized void started(Attempt next) {
        attempt = next;
        afterAttempt = new CompletableFuture<>();
        holding = false;
        for (String text : held) {
            write(next, text).thenAccept(ok -> {
                if (ok) {
                    sent(text);
                }
            });
        }
        held.clear();
    }

    /** The attempt ended at the usage limit and the run pauses: messages are held for the next attempt. */
    synchronized void hold() {
        holding = true;
        afterAttempt.complete(true);
    }

    /** The run is ending: messages are refused; any still held were never sent (logged). */
    synchronized void finished() {
        holding = false;
        afterAttempt.complete(false);
        if (!held.isEmpty()) {
            log.accept(LogLines.heldNotSent(held.size()));
            held.clear();
        }
    }
}
