package dev.cctask.task;

import dev.cctask.Threads;
import dev.cctask.claude.RunOutcome;
import dev.cctask.claude.RunTotals;
import dev.cctask.delivery.Event;
import dev.cctask.delivery.LogLines;
import dev.cctask.delivery.Messages;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * How a run's end is told, once (SPEC §2.1, §8): the output file gets the final text, the registry the outcome, the
 * log its line, the chat and the agent the final message (with the full output as a document, {@code --attach}) and
 * the wake. The registry is written beside the output file and the outbox, and before anything is sent.
 */
final class FinalReport {
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
     * @param elapsed  the run's working seconds
     * @param deadline how long the final message may take to be delivered
     * @return the runner's exit status: 0 for a completed run, else 1
     */
    int tell(RunOutcome outcome, RunTotals totals, long elapsed, Duration deadline) {
        Messages.BranchChanges branch = workspace.end();
        if (outcome.resumeFailed()) {
            log.accept(LogLines.resumeFailed(o.resume()));
            output.writeResult(outcome.finalText());
            notifications.finalMessage(Event.RESUME_FAILED, output.withWarning(Messages.resumeFailed(o.resume())),
                    deadline);
            return 1;
        }
        CompletableFuture<Void> recorded = CompletableFuture.runAsync(() -> recorder.finished(outcome, totals.tokens()),
                Threads.starting("run-task-registry"));
        CompletableFuture<Attachment> attaching = Attachment.beside(o.attach(), outcome.finalText(),
                output.path().toString(), o.label(), LocalDateTime.now());
        output.writeResult(outcome.finalText());
        Event event = Event.valueOf(outcome.status().name());
        log.accept(LogLines.done(event, outcome.exitCode(), outcome.finalText(), elapsed));
        Messages.Finished f = new Messages.Finished(o.summary(), o.project(), output.path().toString(),
                outcome.finalText(), outcome.exitCode(), elapsed, o.timeoutSeconds(), totals.toolCalls(),
                outcome.lastResult().map(r -> new Messages.ResultStats(r.totalCostUsd(), r.numTurns(), totals.tokens()))
                        .orElse(null), o.label(), outcome.unfinished().stream()
                        .map(t -> new Messages.BackgroundTask(t.type(), t.description(), t.status())).toList(), branch);
        String message = recorder.queued() ? Messages.cancelledWhileQueued(f) : Messages.finished(event, f);
        // a document that could not be made (no memory for it) is left out: the message names the output file
        notifications.finalMessage(event, output.withWarning(message), attaching.exceptionally(failed -> null).join(),
                deadline, recorded);
        recorded.join();
        return outcome.success() ? 0 : 1;
    }
}
