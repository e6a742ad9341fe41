package dev.cctask.task;

import dev.cctask.Threads;
import dev.cctask.claude.RunOutcome;
import dev.cctask.claude.RunTotals;
import dev.cctask.claude.UsageLimit;
import dev.cctask.delivery.Event;
import dev.cctask.delivery.LogLines;
import dev.cctask.delivery.Messages;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * How a run's end is told, once (SPEC §2.1, §8): the output file gets the final text, the registry the outcome, the
 * log its line, the chat and the agent the final message (with the full output as a document, {@code --attach}) and
 * the wake. The registry is written beside the output file and the outbox, and before anything is sent. The figures
 * are the whole run's, over all its attempts.
 */
final class FinalReport {
    /** The exit status of a run that stopped at its plan's usage limit instead of waiting (README, exit codes). */
    static final int LIMITED = 4;

    /**
     * A run that stopped at its plan's usage limit (issue 15).
     *
     * @param reason    why it did not wait ({@link Messages#onLimitStop()}, …)
     * @param sessionId the session to resume after the reset
     */
    record LimitStop(UsageLimit limit, String reason, String sessionId) {}

    private final TaskOptions o;
    private final Workspace workspace;
    private final OutputFile output;
    private final RunRecorder recorder;
    private final Notifications notifications;
    private final Consumer<String> log;

    FinalReport(TaskOptions o, Workspace workspace, OutputFile output, RunRecorder recorder,
            Notifications notifications, Consumer<String> log) {
        this.o = o;
        this.workspace = workspace;
        this.output = output;
        this.recorder = recorder;
        this.notifications = notifications;
        this.log = log;
    }

    /**
     * Tells how the run ended.
     *
     * @param stop     the usage limit it stopped at, or null
     * @param elapsed  the run's working seconds
     * @param deadline how long the final message may take to be delivered
     * @return the runner's exit status: 0 for a completed run, {@link #LIMITED} for one stopped at the limit, else 1
     */
    int tell(RunOutcome outcome, LimitStop stop, RunTotals totals, long elapsed, Duration deadline) {
        Messages.BranchChanges branch = workspace.end();
        if (outcome.resumeFailed()) {
            log.accept(LogLines.resumeFailed(o.resume()));
            output.writeResult(outcome.finalText());
            notifications.finalMessage(Event.RESUME_FAILED, output.withWarning(Messages.resumeFailed(o.resume())),
                    deadline);
            return 1;
        }
        RunOutcome end = stop == null ? outcome : outcome.limited();
        CompletableFuture<Void> recorded = CompletableFuture.runAsync(() -> recorder.finished(end, totals),
                Threads.starting("run-task-registry"));
        CompletableFuture<Attachment> attaching = stop != null ? CompletableFuture.completedFuture(null)
                : Attachment.beside(o.attach(), end.finalText(), output.path().toString(), o.label(), LocalDateTime.now());
        if (stop == null) {
            output.writeResult(end.finalText());
        } else {
            output.keepAll();
        }
        Event event = Event.valueOf(end.status().name());
        log.accept(LogLines.done(event, end.exitCode(), end.finalText(), elapsed));
        String message;
        if (stop == null) {
            Messages.Finished f = new Messages.Finished(o.summary(), o.project(), output.path().toString(),
                    end.finalText(), end.exitCode(), elapsed, o.timeoutSeconds(), totals.toolCalls(),
                    totals.lastResult().map(r -> new Messages.ResultStats(r.totalCostUsd(), totals.turns(),
                            totals.tokens())).orElse(null), o.label(), end.unfinished().stream()
                            .map(t -> new Messages.BackgroundTask(t.type(), t.description(), t.status())).toList(),
                    branch);
            message = recorder.queued() ? Messages.cancelledWhileQueued(f) : Messages.finished(event, f);
        } else {
            message = Messages.limitStopped(new Messages.Limit(stop.limit().type(), stop.limit().resetsAt(),
                    Instant.now(), ZoneId.systemDefault()), soFar(o, totals), stop.reason(), Messages.resumeCommand(
                    stop.sessionId(), Path.of(o.project()).toAbsolutePath().normalize().toString(), o.sessionKey()),
                    output.path().toString());
        }
        // a document that could not be made (no memory for it) is left out: the message names the output file
        notifications.finalMessage(event, output.withWarning(message), attaching.exceptionally(failed -> null).join(),
                deadline, recorded);
        recorded.join();
        return stop != null ? LIMITED : end.success() ? 0 : 1;
    }

    /** The run so far, as the pause and usage-limit messages show it. */
    static Messages.SoFar soFar(TaskOptions o, RunTotals totals) {
        return new Messages.SoFar(o.summary(), o.project(), o.label(), totals.toolCalls(), totals.tokens());
    }
}
