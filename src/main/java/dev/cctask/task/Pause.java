package dev.cctask.task;

import dev.cctask.claude.RunTotals;
import dev.cctask.claude.UsageLimit;
import dev.cctask.delivery.LogLines;
import dev.cctask.delivery.Messages;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.function.Consumer;

/**
 * A run at its plan's usage limit (issue 15): whether it waits for the reset, and the pause itself. While paused the
 * chat has one durable ⏸ message, the registry says {@code paused}, the PID file says until when, heartbeats and the
 * working-time clock stand still, and the runner waits on its {@link RunLoop} with no timer running. Then the same
 * session resumes: the registry says {@code running} again, the output file gets a separator and the chat a
 * best-effort ▶️ line.
 */
final class Pause {
    /** Added to the reset time: reset times are approximate, and a request just before it is refused again. */
    static final Duration MARGIN = Duration.ofSeconds(30);
    /** How many times one run may pause; then it stops as {@code --on-limit stop} would. */
    static final int MAX_PAUSES = 10;
    /** The wait when Claude named no reset time: the next attempt learns whether the limit is still there. */
    static final Duration UNKNOWN_RESET = Duration.ofHours(1);

    private final TaskOptions o;
    private final long runnerPid;
    private final RunLoop loop;
    private final RunRecorder recorder;
    private final Notifications notifications;
    private final OutputFile output;
    private final RunTotals totals;
    private final Consumer<String> log;
    private final Clock clock;
    private int pauses;

    Pause(TaskOptions o, long runnerPid, RunLoop loop, RunRecorder recorder, Notifications notifications,
            OutputFile output, RunTotals totals, Consumer<String> log, Clock clock) {
        this.o = o;
        this.runnerPid = runnerPid;
        this.loop = loop;
        this.recorder = recorder;
        this.notifications = notifications;
        this.output = output;
        this.totals = totals;
        this.log = log;
        this.clock = clock;
    }

    /** How this limit ends the run instead of pausing it (the log says why), or null when the run waits. */
    FinalReport.LimitStop refusal(UsageLimit limit, String sessionId) {
        String why = o.onLimit() == OnLimit.STOP ? Messages.onLimitStop()
                : pauses >= MAX_PAUSES ? Messages.pausedTooOften(pauses)
                : Duration.between(clock.instant(), resumeAt(limit)).compareTo(o.maxPause()) > 0
                        ? Messages.beyondMaxPause(o.maxPause())
                        : null;
        if (why == null) {
            return null;
        }
        log.accept(LogLines.notWaiting(Messages.limitName(limit.type()), why));
        return new FinalReport.LimitStop(limit, why, sessionId);
    }

    /**
     * Pauses until the reset (plus {@link #MARGIN}) and prepares the resume of {@code sessionId}.
     *
     * @return true when the reset came, false when the run was cancelled meanwhile
     */
    boolean await(UsageLimit limit, String sessionId) throws InterruptedException {
        pauses++;
        Instant resumeAt = resumeAt(limit);
        LocalDateTime local = LocalDateTime.ofInstant(resumeAt, clock.getZone()).truncatedTo(ChronoUnit.SECONDS);
        log.accept(LogLines.paused(Messages.limitName(limit.type()), LogLines.localTime(resumeAt), pauses, MAX_PAUSES));
        recorder.paused(local);
        notifications.pauseNotice(Messages.paused(new Messages.Limit(limit.type(), resumeAt, clock.instant(),
                clock.getZone()), FinalReport.soFar(o, totals), Messages.cancelCommand(o.label(), runnerPid, o.pidDir())));
        boolean due = loop.awaitResume(resumeAt, clock);
        notifications.endPause();
        if (due) {
            recorder.resumed();
            log.accept(LogLines.resuming(sessionId));
            output.separate(Messages.outputSeparator(limit.type(), LogLines.localTime(clock.instant())));
            notifications.launchAsync(Messages.resumed());
        }
        return due;
    }

    private Instant resumeAt(UsageLimit limit) {
        return limit.resetsAt() == null ? clock.instant().plus(UNKNOWN_RESET) : limit.resetsAt().plus(MARGIN);
    }
}
