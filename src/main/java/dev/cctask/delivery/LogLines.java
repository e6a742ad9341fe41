package dev.cctask.delivery;

import dev.cctask.Text;
import dev.cctask.gateway.Route;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Every exact line the launcher writes to its stderr log (SPEC §12, §7.5, §8) and the {@code deliver} summary.
 * Agents grep the log for some of them ({@code 📝 Session registered:}), so they are kept byte for byte.
 */
public final class LogLines {

    private static final int TASK_LIMIT = 100;
    private static final int BODY_LIMIT = 200;

    private LogLines() {}

    /**
     * The start banner (SPEC §12).
     *
     * @param project the {@code --project} string as given (printed like Python's {@code Path})
     * @param resume  {@code --resume} id, or null
     * @param label   {@code --session-label}, or null
     * @param route   the chat route, or null
     */
    public record Banner(
            String task,
            String project,
            String outputFile,
            long timeoutSeconds,
            String resume,
            String label,
            long pid,
            Route route,
            String runId) {}

    public static List<String> banner(Banner b) {
        List<String> lines = new ArrayList<>();
        lines.add("🔧 Starting Claude Code...");
        lines.add("   Task: " + Text.cut(b.task(), TASK_LIMIT));
        lines.add("   Project: " + Messages.normaliseProject(b.project()));
        lines.add("   Output: " + b.outputFile());
        long t = b.timeoutSeconds();
        lines.add("   Timeout: " + t + "s" + (t >= 60 ? " (" + t / 60 + "min)" : ""));
        if (b.resume() != null && !b.resume().isEmpty()) {
            lines.add("   Resume: " + b.resume());
        }
        if (b.label() != null && !b.label().isEmpty()) {
            lines.add("   Label: " + b.label());
        }
        lines.add("   PID: " + b.pid());
        lines.add("   Route: " + routeText(b.route()));
        lines.add("   Run: " + b.runId());
        return lines;
    }

    private static String routeText(Route route) {
        if (route == null) {
            return "none";
        }
        String thread = route.threadId() == null || route.threadId().isEmpty() ? "" : " thread " + route.threadId();
        return route.channel() + " " + route.target() + thread;
    }

    public static String timeoutReached(long timeoutSeconds) {
        return "⏰ Timeout (" + timeoutSeconds + "s) reached, killing process...";
    }

    /** Claude printed its final result but lingers (a child holds it): it is stopped, the result stands. */
    public static String stoppedAfterResult(long graceSeconds) {
        return "⏹ Claude printed its final result but had not exited " + graceSeconds + "s later; stopping it";
    }

    /** After Claude ended on its own (or after its result), processes it started were still running. */
    public static String leftoversStopped(int count) {
        return "🧹 Stopped " + count + " leftover process(es) started by Claude";
    }

    /** Claude could not be started in its own session and process group. */
    public static String noSetsid() {
        return "⚠ setsid not found on PATH: Claude shares run-task's process group; what it starts is found by its"
                + " RUN_TASK_RUN_ID mark only";
    }

    /**
     * SPEC §8.1, one shape for every end: {@code ✅ COMPLETED Done (exit 0, 123 chars, 3min)}.
     *
     * @param event     completed, incomplete, failed, timeout, cancelled or limited
     * @param finalText the final text (its code points are counted)
     */
    public static String done(Event event, int exitCode, String finalText, long elapsedSeconds) {
        String status = switch (event) {
            case COMPLETED -> "✅ COMPLETED";
            case INCOMPLETE -> "⚠️ INCOMPLETE";
            case FAILED -> "❌ FAILED";
            case TIMEOUT -> "⏰ TIMEOUT";
            case CANCELLED -> "🛑 CANCELLED";
            case LIMITED -> "⛔ LIMITED";
            default -> throw new IllegalArgumentException("no Done line for " + event);
        };
        return status + " Done (exit " + exitCode + ", " + Text.length(finalText) + " chars, "
                + elapsedSeconds / 60 + "min)";
    }

    // ---------------------------------------------------------------- the plan's usage limit (issue 15)

    /**
     * @param limit    the limit as the chat names it ({@code 5-hour}, {@code weekly}, …)
     * @param resumeAt when the same session is resumed, local time to the second
     */
    public static String paused(String limit, String resumeAt, int pause, int maxPauses) {
        return "⏸ PAUSED usage limit (" + limit + "): resuming at " + resumeAt + " (pause " + pause + " of at most "
                + maxPauses + ")";
    }

    public static String resuming(String sessionId) {
        return "▶️ Resuming session " + sessionId + " after the usage limit";
    }

    /** @param reason why the run does not wait ({@link Messages#onLimitStop()}, …) */
    public static String notWaiting(String limit, String reason) {
        return "⛔ Not waiting for the usage limit (" + limit + ") to reset: " + reason;
    }

    public static String sessionRegistered(String sessionId) {
        return "📝 Session registered: " + sessionId;
    }

    /** Two spaces after the emoji, as the original. */
    public static String registerFailed(String error) {
        return "⚠️  Failed to register session: " + error;
    }

    // ---------------------------------------------------------------- gateway results (SPEC §7.5)

    public static String agentNotifiedViaSessionsSend() {
        return "✓ Agent notified via sessions_send";
    }

    public static String agentWokenViaHooks() {
        return "✓ Agent woken via hooks";
    }

    /**
     * A wake that was not accepted; a 404 means the tool is on the gateway's HTTP deny list.
     *
     * @param status the HTTP status, or a negative number when no answer came ({@code body} then says why)
     */
    public static String sessionsSendReturned(int status, String body) {
        return "⚠ sessions_send " + returned(status) + Text.cut(body, BODY_LIMIT)
                + (status == 404 ? " (add \"sessions_send\" to gateway.tools.allow)" : "");
    }

    /** A wake that waits for its run's chat message (SPEC §8.5): the order at work, not a problem. */
    public static String wakeHeldBack() {
        return "📮 Wake held back until the chat message is delivered";
    }

    /** @param status the HTTP status, or a negative number when no answer came ({@code body} then says why) */
    public static String messageSendReturned(int status, String body) {
        return "⚠ message send " + returned(status) + Text.cut(body, BODY_LIMIT);
    }

    /** The full output as a document was not taken at its one attempt (issue 20): given up, moved to failed/. */
    public static String documentSendReturned(int status, String body) {
        return "⚠ document send " + returned(status) + Text.cut(body, BODY_LIMIT)
                + " (the chat has the result without its document)";
    }

    private static String returned(int status) {
        return status < 0 ? "failed: " : "returned " + status + ": ";
    }

    // ---------------------------------------------------------------- delivery and the run's end

    public static String sessionNotified() {
        return "📨 Session notified";
    }

    public static String deliveryPending(int items, Path outboxDir) {
        return "📮 Delivery pending: " + items + " item(s) left in " + outboxDir;
    }

    /** A signal ended the runner's delivery retries; the items wait in the outbox. */
    public static String deliveryStopped(int items, Path outboxDir) {
        return deliveryPending(items, outboxDir) + " (stopped by a signal; send them with \"run-task deliver\")";
    }

    /** The outbox was not writable and the gateway did not take these items in time: nothing will retry them. */
    public static String deliveryLost(int items) {
        return "📮 Delivery lost: " + items + " item(s) neither delivered nor queued (the outbox was not writable);"
                + " the result is only in the output file; exit status 3";
    }

    public static String resumeFailed(String resumeId) {
        return "❌ Resume failed: session " + resumeId + " not found";
    }

    public static String resumeFailureNotified() {
        return "📨 Resume failure notified";
    }

    /** The variable that, set to 1, adds the stack trace to a crash. */
    public static final String STACKTRACE_VARIABLE = "RUN_TASK_STACKTRACE";

    public static String crash(Throwable e) {
        return "💥 Crash: " + Messages.errorText(e);
    }

    /** Reporting a crash failed too; the crash line is already in the log. */
    public static String crashWhileReporting(Throwable e) {
        return "💥 Crash while reporting the crash: " + Messages.errorText(e);
    }

    /**
     * The crash in the run log: one line that says where the details are, or with {@code withTrace} (the user set
     * {@link #STACKTRACE_VARIABLE} to 1) the line and the stack trace.
     */
    public static String crash(Throwable e, boolean withTrace) {
        if (!withTrace) {
            return crash(e) + " (set " + STACKTRACE_VARIABLE + "=1 for details)";
        }
        java.io.StringWriter trace = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(trace));
        return crash(e) + System.lineSeparator() + trace.toString().stripTrailing();
    }

    /** The output file could not be written (disk full, I/O error): a warning, the result still goes out. */
    public static String outputFileFailed(Path path, String reason) {
        return "⚠ Cannot write the output file " + path + ": " + reason;
    }

    /** The whole final text in the log when the output file could not take it. */
    public static String resultInLog(String finalText) {
        return "⚠ The output file is incomplete; the result follows:\n" + finalText;
    }

    /** Issue 19: where a {@code --worktree} run works. */
    public static String worktreeCreated(Path worktree, String branch, String base) {
        return "🌿 Working in the worktree " + worktree + " on the new branch " + branch + " (from "
                + base.substring(0, Math.min(7, base.length())) + ")";
    }

    /** Issue 19: a resumed session works in its own worktree again, recreated from its branch if it was removed. */
    public static String worktreeResumed(Path worktree, String branch, boolean recreated) {
        return "🌿 Working in the worktree " + worktree + " on the branch " + branch
                + (recreated ? " (recreated from the branch)" : "");
    }

    /** Issue 19: the same text as the start message's line. */
    public static String sharedFolder(List<Messages.Neighbour> others) {
        return Messages.sharedFolder(others);
    }

    /** Issue 19: every slot of {@code --max-parallel} is taken. */
    public static String queued(int ahead, int limit) {
        return "⏳ Queued: " + ahead + " ahead; at most " + limit + " Claude process(es) run at once (--max-parallel)";
    }

    /** The queue's files cannot be used: the run starts without waiting for a slot. */
    public static String queueUnusable(String reason) {
        return "⚠ Cannot use the run queue (" + reason + "): starting without the --max-parallel limit";
    }

    public static String leftQueue(long seconds) {
        return "▶ Left the queue after " + seconds + "s; starting Claude";
    }

    public static String gitNotFound() {
        return "⚠ git not found; skipping git init";
    }

    /**
     * @param reason why there is no token, e.g. {@code no token in /home/dev/.openclaw/openclaw.json}; never the token
     */
    public static String noGatewayToken(String reason, Path outboxDir) {
        return "⚠ No gateway token (" + reason + "): chat messages disabled; final messages queued in " + outboxDir;
    }

    /** The outbox cannot be written (disk full, read-only): final messages are sent once, directly. */
    public static String durabilityOff(String reason) {
        return "⚠ Outbox not writable (" + reason + "): durability is off, retrying the result in memory until the"
                + " delivery deadline";
    }

    /** Crash reconciliation found a dead runner (SPEC §8.6). */
    public static String runLost(long runnerPid, String sessionId) {
        return "⚠️ Run of PID " + runnerPid + " was lost (runner gone without a result)"
                + (sessionId == null ? "" : "; session " + sessionId + " marked lost");
    }

    /** Resuming a registered session in the directory it was started in, instead of the default {@code -p} (SPEC §10). */
    public static String resumeInRegisteredDir(String sessionId, String registeredDir) {
        return "📂 Resuming session " + sessionId + " in " + registeredDir + ", where it was started";
    }

    public static String resumeElsewhere(String sessionId, String registeredDir, String project) {
        return "⚠ Session " + sessionId + " was started in " + registeredDir + "; resuming in " + project
                + " as asked (Claude stores sessions per directory, so it may not find the session there)";
    }

    public static String noDeliveryConfigured(String outputFile) {
        return "⚠ No delivery configured: results stay in " + outputFile;
    }

    /** The {@code deliver} subcommand's summary line (SPEC §1.4). */
    public static String deliverSummary(int delivered, int pending, int failed) {
        return "Delivered " + delivered + ", pending " + pending + ", failed " + failed;
    }

    /** {@code deliver} moved an outbox file that is no item to {@code failed/}. */
    public static String deliverUnreadable(String fileName, String reason, Path failedDir) {
        return "  failed: " + fileName + " (unreadable: " + reason + "); moved to " + failedDir;
    }

    /** {@code 2026-11-24 02:15:03}: an instant in this machine's time zone, to the second, as the other listings. */
    public static String localTime(Instant t) {
        return LOCAL_SECONDS.format(t.atZone(ZoneId.systemDefault()));
    }

    private static final DateTimeFormatter LOCAL_SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    /**
     * One line per item the {@code deliver} summary explains: failed ones with their reason, pending ones with
     * why and when they are tried next; null for delivered items.
     */
    public static String deliverItem(Deliverer.ItemReport r) {
        String what = r.id() + " (" + r.event().wireName() + " " + r.kind().wireName() + "): " + r.reason();
        return switch (r.state()) {
            case FAILED -> "  failed: " + what;
            case PENDING -> "  pending: " + what + "; next attempt " + localTime(r.nextAttemptAt());
            case DELIVERED -> null;
        };
    }

    // ---------------------------------------------------------------- housekeeping warnings (the run goes on)

    public static String outboxFlushFailed(String error) {
        return "⚠ Outbox flush failed: " + error;
    }

    public static String pidFileRemoveFailed(Path pidFile, String error) {
        return "⚠ Cannot remove the PID file " + pidFile + ": " + error;
    }

    public static String pidFileUpdateFailed(Path pidFile, String error) {
        return "⚠ Cannot update the PID file " + pidFile + ": " + error;
    }

    public static String reconcileFailed(Path pidFile, String error) {
        return "⚠ Cannot reconcile " + pidFile + ": " + error;
    }

    public static String lostNoticeNotQueued(String error) {
        return "⚠ Cannot queue the lost notice: " + error;
    }

    public static String reconciliationFailed(String error) {
        return "⚠ Crash reconciliation failed: " + error;
    }

    // ---------------------------------------------------------------- steering (issue 17)

    public static String controlFileFailed(Path controlFile, String error) {
        return "⚠ Cannot write the control file " + controlFile + ": " + error
                + "; run-task steer cannot reach this run";
    }

    /** A message steered in was written to Claude's stdin: the run's {@code n}th. */
    public static String steered(int n, int chars) {
        return "↪️ Steered message " + n + " written to Claude's stdin (" + chars + " chars)";
    }

    /** The run ended while paused: messages steered in meanwhile never reached Claude. */
    public static String heldNotSent(int n) {
        return "↪️ " + n + (n == 1 ? " message" : " messages") + " held during the pause never reached Claude: the run ended"
                + " before it resumed";
    }

    // ---------------------------------------------------------------- approvals (issue 18)

    /** {@code 🔐 Permission request #2: Bash (waiting for approve or deny)}. */
    public static String approvalAsked(int n, String tool) {
        return "🔐 Permission request #" + n + ": " + tool + " (waiting for approve or deny)";
    }

    /** {@code 🔐 #2 approved (always)}, {@code 🔐 #2 denied: not now}. */
    public static String approvalAnswered(int n, boolean allow, boolean always, String reason) {
        return "🔐 #" + n + (allow ? " approved" + (always ? " (always)" : "") : " denied: " + reason);
    }
}
