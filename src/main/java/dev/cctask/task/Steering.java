package dev.cctask.task;

import dev.cctask.Text;
import dev.cctask.claude.Attempt;
import dev.cctask.control.SteerRoute;
import dev.cctask.delivery.LogLines;
import dev.cctask.delivery.Messages;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Steering a running task (issue 17): a message from {@code run-task steer} goes to the current attempt's stdin as a
 * {@code user} line. It is recorded in the output file just before it goes out, where it falls in the stream, and
 * once written counted in the PID file ({@code tasks --json}); after {@code steer} has its answer, it is logged and
 * told to the chat ({@code 📡 ↪️ Sent to Claude Code: …}, best effort).
 */
final class Steering implements SteerRoute.Claude {
    private final Supplier<Attempt> attempt;
    private final OutputFile output;
    private final RunRecorder recorder;
    private final Notifications notifications;
    private final Consumer<String> log;
    private final AtomicInteger written = new AtomicInteger();

    /** @param attempt the run's current attempt, null before Claude started */
    Steering(Supplier<Attempt> attempt, OutputFile output, RunRecorder recorder, Notifications notifications,
            Consumer<String> log) {
        this.attempt = attempt;
        this.output = output;
        this.recorder = recorder;
        this.notifications = notifications;
        this.log = log;
    }

    @Override
    public CompletableFuture<Boolean> send(String text) {
        Attempt current = attempt.get();
        if (current == null) {
            return null;
        }
        return current.input().send(text, () -> output.append(Messages.steerRecord(text))).thenApply(ok -> {
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
}
