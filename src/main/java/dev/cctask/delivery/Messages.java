package dev.cctask.delivery;

import dev.cctask.Text;
import dev.cctask.gateway.Route;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Every exact chat text of SPEC §5 (and the small formatters they share), as pure functions of plain inputs.
 * The texts are an interface — agents and users read them — so they are reproduced byte for byte.
 * Lengths and cuts count Unicode code points, as Python's {@code len} and slicing do.
 */
public final class Messages {

    /** Preview of the final text in final messages and the wake payload. */
    public static final int PREVIEW_LIMIT = 2000;

    private static final int TASK_LIMIT = 200;
    private static final int LAUNCH_TASK_LIMIT = 300;
    private static final int STEER_LIMIT = 200;
    private static final int RESUME_ID_LIMIT = 12;
    private static final int ERROR_LIMIT = 500;
    private static final int TASK_DESCRIPTION_LIMIT = 100;
    private static final int BACKGROUND_LINES = 10;

    private static final Map<String, String> CHANNEL_NAMES = Map.of(
            "whatsapp", "WhatsApp",
            "telegram", "Telegram",
            "discord", "Discord",
            "slack", "Slack",
            "signal", "Signal");

    /** What Claude is told when its session resumes after the plan's usage limit (CLAUDE-STREAM.md §8.1). */
    public static final String CONTINUE_PROMPT = "The usage limit has reset. Continue the task from where you stopped.";

    private static final Map<String, String> LIMIT_NAMES = Map.of(
            "five_hour", "5-hour",
            "seven_day", "weekly",
            "seven_day_opus", "weekly Opus",
            "seven_day_sonnet", "weekly Sonnet");
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm");
    private static final DateTimeFormatter DAY_AND_CLOCK = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
    /** Arguments a shell takes as they are. */
    private static final Pattern PLAIN_WORD = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private Messages() {}

    /**
     * What a heartbeat shows (SPEC §4); computed by the caller at send time.
     *
     * @param background     the {@code task_type} of each background task still running
     * @param onlyBackground the main agent has ended its turn and only background tasks run: the activity names one,
     *                       whatever the idle time
     * @param approval       {@link #approvalWaiting} while Claude waits for an answer (issue 18), else null: it takes
     *                       the activity's place, and the wait is no idleness (🟢)
     */
    public record Heartbeat(
            long elapsedSeconds,
            double idleSeconds,
            long tokens,
            long toolCalls,
            String activity,
            long chunksSinceHeartbeat,
            List<String> background,
            boolean onlyBackground,
            String approval) {

        /** Nothing waits for an approval. */
        public Heartbeat(long elapsedSeconds, double idleSeconds, long tokens, long toolCalls, String activity,
                long chunksSinceHeartbeat, List<String> background, boolean onlyBackground) {
            this(elapsedSeconds, idleSeconds, tokens, toolCalls, activity, chunksSinceHeartbeat, background,
                    onlyBackground, null);
        }

        /** No background task runs. */
        public Heartbeat(long elapsedSeconds, double idleSeconds, long tokens, long toolCalls, String activity,
                long chunksSinceHeartbeat) {
            this(elapsedSeconds, idleSeconds, tokens, toolCalls, activity, chunksSinceHeartbeat, List.of(), false);
        }
    }

    /**
     * A task Claude ran in the background (a subagent, a shell command), as the final messages name it.
     *
     * @param type        its {@code task_type}: {@code local_agent} is a subagent, {@code local_bash} a command; may
     *                    be null
     * @param description its description, or null
     * @param status      {@value #STILL_RUNNING_STATUS} when it had not ended, else the word Claude used
     *                    ({@code killed}, {@code stopped}, {@code failed}, …)
     */
    public record BackgroundTask(String type, String description, String status) {
        public static final String STILL_RUNNING_STATUS = "running";

        boolean stillRunning() {
            return STILL_RUNNING_STATUS.equals(status);
        }
    }

    /**
     * The launch message inputs (SPEC §5.1).
     *
     * @param project the {@code --project} string as given (normalised here)
     * @param label   {@code --session-label}, or null
     * @param resume  {@code --resume} id, or null
     * @param pid     the runner's PID
     * @param branch  the run's worktree branch, or null (issue 19)
     * @param warning a line that the user should see at once ({@link #sharedFolder}), or null
     */
    public record Launch(String task, String project, long timeoutSeconds, long pid, String label, String resume,
            String branch, String warning) {
        /** A launch without a worktree branch or a warning. */
        public Launch(String task, String project, long timeoutSeconds, long pid, String label, String resume) {
            this(task, project, timeoutSeconds, pid, label, resume, null, null);
        }
    }

    /**
     * What the last {@code result} event said, for the completion footer (SPEC §5.3, D7).
     * Pass null instead of a {@code ResultStats} when no result event was seen.
     *
     * @param totalCostUsd {@code total_cost_usd}, or null when absent
     * @param numTurns     {@code num_turns}, or null when absent
     * @param tokens       the token figure of SPEC §3.3 (omitted from the footer when 0)
     */
    public record ResultStats(Double totalCostUsd, Integer numTurns, long tokens) {}

    /**
     * The end of a run, for the completed / failed / timeout / cancelled messages (SPEC §5.3).
     *
     * @param project        the {@code --project} string as given (normalised here)
     * @param finalText      the final text of SPEC §8.1
     * @param exitCode       the child's exit code as the JVM reports it (−1 if unknown)
     * @param elapsedSeconds whole seconds since spawn, measured when the message is built
     * @param stats          the last result's figures, or null when no result event was seen
     * @param label          the session label ({@code --session-label}, or the registered one on resume), or null
     * @param unfinished     the background tasks that did not complete (incomplete: all of them; timeout and cancelled:
     *                       those still running are listed)
     * @param branch         what the run's worktree branch changed, or null without a worktree (issue 19)
     */
    public record Finished(
            String task,
            String project,
            String outputFile,
            String finalText,
            int exitCode,
            long elapsedSeconds,
            long timeoutSeconds,
            long toolCalls,
            ResultStats stats,
            String label,
            List<BackgroundTask> unfinished,
            BranchChanges branch) {

        public Finished {
            unfinished = List.copyOf(unfinished);
        }

        /** A run without background tasks left unfinished, and without a worktree. */
        public Finished(String task, String project, String outputFile, String finalText, int exitCode,
                long elapsedSeconds, long timeoutSeconds, long toolCalls, ResultStats stats, String label) {
            this(task, project, outputFile, finalText, exitCode, elapsedSeconds, timeoutSeconds, toolCalls, stats,
                    label, List.of(), null);
        }
    }
    /**
     * What a run's worktree branch changed against the commit it was made from, committed and uncommitted together.
     *
     * @param files       files changed, or null when git could not tell (then only the branch is named)
     * @param uncommitted files with changes not committed (untracked ones included)
     */
    public record BranchChanges(String branch, Integer files, long added, long deleted, int uncommitted) {}

    /** Another live run working in the same folder (its label, else its task). */
    public record Neighbour(String name, long pid) {}

    /**
     * A plan usage limit as the chat shows it.
     *
     * @param type Claude's {@code rateLimitType} ({@code five_hour}, {@code seven_day}, …), or null
     * @param at   when the run resumes (pause) or the limit resets (stop), or null when unknown
     * @param now  when the message is built
     * @param zone this machine's time zone
     */
    public record Limit(String type, Instant at, Instant now, ZoneId zone) {}

    /**
     * The run so far, for the pause and usage-limit messages.
     *
     * @param label the run's label, or null
     */
    public record SoFar(String task, String project, String label, long toolCalls, long tokens) {}

    /**
     * A run whose runner died without reporting (SPEC §5.3 "lost", §8.6).
     *
     * @param sessionId the Claude session id, or null when unknown
     */
    public record Lost(String task, String project, String outputFile, long runnerPid, String sessionId) {}

    // ---------------------------------------------------------------- formatters

    /**
     * Python {@code format_tokens}: {@code f"{n/1000:.1f}K"} rounds the exact binary value of the double half-even,
     * which {@link String#format} (half-up on the decimal expansion) does not reproduce.
     */
    public static String formatTokens(long n) {
        if (n < 1000) {
            return Long.toString(n);
        }
        if (n < 10000) {
            return new BigDecimal(n / 1000.0).setScale(1, RoundingMode.HALF_EVEN).toPlainString() + "K";
        }
        return n / 1000 + "K";
    }

    /** {@code "{s}s"} below a minute, else whole minutes: {@code 7200 → "120min"}. */
    public static String fmt(long seconds) {
        return seconds < 60 ? seconds + "s" : seconds / 60 + "min";
    }

    /**
     * {@code str(pathlib.PurePosixPath(p))}: duplicate slashes collapsed, {@code .} segments and a trailing slash
     * dropped, {@code ..} kept, nothing made absolute; empty → {@code .}; exactly two leading slashes are kept (POSIX).
     */
    public static String normaliseProject(String project) {
        String root = "";
        String rest = project;
        if (project.startsWith("/")) {
            root = project.startsWith("//") && !project.startsWith("///") ? "//" : "/";
            rest = project.replaceFirst("^/+", "");
        }
        List<String> parts = new ArrayList<>();
        for (String part : rest.split("/")) {
            if (!part.isEmpty() && !part.equals(".")) {
                parts.add(part);
            }
        }
        String joined = root + String.join("/", parts);
        return joined.isEmpty() ? "." : joined;
    }

    /** {@code {error}} of the crash message: the exception message, or its simple class name when blank. */
    public static String errorText(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    // ---------------------------------------------------------------- progress (best effort, "📡 " prefix)

    /** A progress message from {@code notify} (SPEC §11, §14): the background prefix, text as given. */
    public static String progress(String text) {
        return "📡 " + text;
    }

    /** The chat's note of a message steered in (issue 17): its first 200 code points, {@code …} when cut. */
    public static String steered(String text) {
        return "📡 ↪️ Sent to Claude Code: " + Text.cut(text, STEER_LIMIT)
                + (Text.length(text) > STEER_LIMIT ? "…" : "");
    }

    // ---------------------------------------------------------------- approvals (issue 18)

    /** How much of a Bash command, or of another tool's input, the request shows. */
    static final int APPROVAL_DETAIL_LIMIT = 500;
    /** How many of a file write's first lines the request shows. */
    static final int APPROVAL_FILE_LINES = 5;

    /**
     * A permission request of Claude's, as the chat shows it.
     *
     * @param n        the request's number in the run (1, 2, …)
     * @param tool     {@code tool_name}
     * @param command  a Bash command, or null
     * @param filePath the file a write or edit touches, or null
     * @param content  a write's content, or null
     * @param other    for other tools: Claude's description or the input as JSON
     * @param cwd      the folder Claude works in
     * @param target   the run as {@code approve} and {@code deny} take it: its label, else the runner's PID
     */
    public record Ask(int n, String tool, String command, String filePath, String content, String other, String cwd,
            String target) {}

    /**
     * {@code 🔐 Claude Code asks (#2): Bash}, what it wants to do (a command whole up to 500 code points; a write as
     * path, size and first lines), the folder, and the two commands that answer it.
     */
    public static String approvalRequest(Ask a) {
        List<String> lines = new ArrayList<>();
        lines.add("🔐 Claude Code asks (#" + a.n() + "): " + a.tool());
        if (a.command() != null) {
            lines.add(cutWithEllipsis(a.command(), APPROVAL_DETAIL_LIMIT));
        } else if (a.filePath() != null && a.content() != null) {
            lines.add(a.filePath() + " (" + a.content().getBytes(StandardCharsets.UTF_8).length
                    + " bytes)");
            List<String> first = a.content().lines().toList();
            first.stream().limit(APPROVAL_FILE_LINES).map(l -> cutWithEllipsis(l, APPROVAL_DETAIL_LIMIT / 5))
                    .forEach(lines::add);
            if (first.size() > APPROVAL_FILE_LINES) {
                lines.add("… (" + (first.size() - APPROVAL_FILE_LINES) + " more lines)");
            }
        } else if (a.filePath() != null) {
            lines.add(a.filePath());
        } else if (present(a.other())) {
            lines.add(cutWithEllipsis(a.other(), APPROVAL_DETAIL_LIMIT));
        }
        lines.add("in " + a.cwd());
        lines.add("Approve: run-task approve " + quote(a.target(), false) + " " + a.n() + "   ·   Deny: run-task deny "
                + quote(a.target(), false) + " " + a.n() + " \"why\"");
        return String.join("\n", lines);
    }

    /**
     * The wake of a permission request: the request, then what the agent must do: ask the user (or follow their
     * standing instruction), run one of the two commands, and never approve on its own.
     */
    public static String approvalWake(String message, Route route) {
        String where = route == null ? "on this session's channel" : "in the " + place(route);
        return "[CLAUDE_CODE_APPROVAL]\n" + message + "\n\n---\n"
                + "⚠️ INSTRUCTION: Claude Code is waiting for a permission answer. Ask the user " + where
                + " whether to allow it, unless they already told you how to answer requests like this one. Then run"
                + " exactly one of the two commands above: approve only when the user said yes (now or in a standing"
                + " instruction), otherwise deny with the reason. Do NOT approve on your own. Then reply NO_REPLY.";
    }

    /** The runner's confirmation of an answer (best effort). */
    public static String approved(int n) {
        return "📡 ✔️ approved #" + n;
    }

    public static String denied(int n) {
        return "📡 ✖️ denied #" + n;
    }

    /** What Claude is told when nobody answered in time: {@code No answer within 30min}. */
    public static String approvalTimeoutReason(Duration timeout) {
        return "No answer within " + fmt(timeout.toSeconds());
    }

    /** The chat hears that a request was denied for want of an answer. */
    public static String approvalTimedOut(int n, Duration timeout) {
        return denied(n) + ": " + approvalTimeoutReason(timeout);
    }

    /** The heartbeat's part while Claude waits: {@code 🔐 waiting for approval #2 (4min)}. */
    public static String approvalWaiting(int n, long waitedSeconds) {
        return "🔐 waiting for approval #" + n + " (" + fmt(waitedSeconds) + ")";
    }

    private static String cutWithEllipsis(String text, int limit) {
        return Text.length(text) > limit ? Text.cut(text, limit) + "…" : text;
    }

    /** The output file's record of a message steered in, where it fell in the stream (issue 17): the whole text. */
    public static String steerRecord(String text) {
        return "\n↪️ Sent to Claude Code: " + text + "\n";
    }

    /**
     * SPEC §4: {@code 📡 🟢 CC (3min) | 1.2K tok | 8 calls | 📝 Write: auth.py ✍️}; {@code 1 call} for one. While
     * background tasks run, a part counts them ({@code 🤖 2 agents}) before the activity; while only they run, the
     * activity names one ({@code 🤖 Agent: Run the test matrix}) instead of {@code 🧠 Thinking...}.
     */
    public static String heartbeat(Heartbeat h) {
        double idle = h.approval() != null ? 0 : h.idleSeconds();
        String dot = idle < 30 ? "🟢" : idle < 120 ? "🟡" : "🔴";
        List<String> parts = new ArrayList<>();
        parts.add(dot + " CC (" + h.elapsedSeconds() / 60 + "min)");
        if (h.tokens() > 0) {
            parts.add(formatTokens(h.tokens()) + " tok");
        }
        if (h.toolCalls() > 0) {
            parts.add(h.toolCalls() + (h.toolCalls() == 1 ? " call" : " calls"));
        }
        if (!h.background().isEmpty()) {
            parts.add(backgroundCount(h.background()));
        }
        if (h.approval() != null) {
            parts.add(h.approval());
        } else if (h.onlyBackground() && present(h.activity())) {
            parts.add(h.activity() + (h.chunksSinceHeartbeat() > 0 ? " ✍️" : ""));
        } else if (idle > 120) {
            parts.add("🧠 Thinking... (" + (long) Math.floor(idle) + "s)");
        } else if (idle > 15 && h.chunksSinceHeartbeat() == 0) {
            parts.add("🧠 Thinking...");
        } else if (h.activity() != null && !h.activity().isEmpty()) {
            parts.add(h.activity() + (h.chunksSinceHeartbeat() > 0 ? " ✍️" : ""));
        }
        return "📡 " + String.join(" | ", parts);
    }

    /** SPEC §5.1 (D1): single {@code *} emphasis, prompt cut to 300 code points + {@code …}. */
    public static String launch(Launch l) {
        return launch("📡 🚀 *Claude Code started*", l);
    }

    /** A launch that waits for a slot (issue 19): as the start message, under its own first line. */
    public static String queued(Launch l, int ahead) {
        return launch("📡 ⏳ Claude Code queued (" + ahead + " ahead)", l);
    }

    /** Issue 19: {@code ⚠ another task is working in this folder: "auth" (PID 4242); use --worktree …}. */
    public static String sharedFolder(List<Neighbour> others) {
        List<String> names = others.stream().map(n -> "\"" + n.name() + "\" (PID " + n.pid() + ")").toList();
        return "⚠ another task is working in this folder: " + String.join(", ", names)
                + "; use --worktree to keep them apart";
    }

    /** Issue 19: {@code Branch: cc/auth-refactor · 5 files changed, +120 −30 (uncommitted: 2)}. */
    public static String branchLine(BranchChanges c) {
        String line = "Branch: " + c.branch();
        if (c.files() == null) {
            return line;
        }
        if (c.files() == 0 && c.uncommitted() == 0) {
            return line + " · no changes";
        }
        return line + " · " + c.files() + (c.files() == 1 ? " file" : " files") + " changed, +" + c.added() + " −"
                + c.deleted() + (c.uncommitted() > 0 ? " (uncommitted: " + c.uncommitted() + ")" : "");
    }

    private static String launch(String title, Launch l) {
        List<String> lines = new ArrayList<>();
        lines.add(title);
        if (present(l.label())) {
            lines.add("*Label:* " + l.label());
        }
        lines.add("*Project:* " + normaliseProject(l.project()));
        if (present(l.branch())) {
            lines.add("*Branch:* " + l.branch());
        }
        lines.add("*Timeout:* " + fmt(l.timeoutSeconds()));
        if (present(l.resume())) {
            lines.add("*Resume:* " + Text.cut(l.resume(), RESUME_ID_LIMIT) + "...");
        }
        lines.add("*PID:* " + l.pid());
        if (present(l.warning())) {
            lines.add(l.warning());
        }
        String prompt = Text.cut(l.task(), LAUNCH_TASK_LIMIT);
        lines.add("Prompt: " + prompt + (Text.length(l.task()) > LAUNCH_TASK_LIMIT ? "…" : ""));
        return String.join("\n", lines);
    }

    /** Best effort, when the same session goes on after the plan's usage limit reset. */
    public static String resumed() {
        return "📡 ▶️ Claude Code resumed after the usage limit";
    }

    // ---------------------------------------------------------------- the plan's usage limit (durable, no prefix)

    /** {@code 5-hour}, {@code weekly}, …: the limit as users know it; {@code plan} when Claude did not say. */
    public static String limitName(String type) {
        return type == null || type.isEmpty() ? "plan" : LIMIT_NAMES.getOrDefault(type, type.replace('_', ' '));
    }

    /** {@code 14:05 (in 2h13m)}; with the date when it is another day here; {@code an unknown time} for null. */
    public static String when(Limit l) {
        if (l.at() == null) {
            return "an unknown time";
        }
        ZonedDateTime at = l.at().atZone(l.zone());
        boolean today = at.toLocalDate().equals(l.now().atZone(l.zone()).toLocalDate());
        return (today ? CLOCK : DAY_AND_CLOCK).format(at) + " (in " + span(Duration.between(l.now(), l.at())) + ")";
    }

    /** {@code 45s}, {@code 13m}, {@code 2h13m}, {@code 2h05m}, {@code 12h}, {@code 4d19h}: whole units, zeros left out. */
    public static String span(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s < 60) {
            return s + "s";
        }
        long days = s / 86400;
        long hours = s % 86400 / 3600;
        long minutes = s % 3600 / 60;
        if (days > 0) {
            return days + "d" + (hours > 0 ? hours + "h" : "");
        }
        if (hours > 0) {
            return hours + "h" + (minutes > 0 ? String.format("%02dm", minutes) : "");
        }
        return minutes + "m";
    }

    /**
     * The durable pause message (no wake): which limit, when the run resumes, the work so far and how to cancel.
     * {@code ⏸ Claude Code paused: usage limit (5-hour) · resumes at 14:05 (in 2h13m)}.
     */
    public static String paused(Limit l, SoFar s, String cancelCommand) {
        return "⏸ Claude Code paused: usage limit (" + limitName(l.type()) + ") · resumes at " + when(l) + "\n\n"
                + soFar(s) + "\nCancel: " + cancelCommand;
    }

    /**
     * The final message of a run that stopped at the usage limit instead of waiting: when it resets, why the run did
     * not wait, and the command that resumes the session after the reset.
     *
     * @param resumeCommand {@link #resumeCommand}, or null when the session is unknown
     */
    public static String limitStopped(Limit l, SoFar s, String reason, String resumeCommand, String outputFile) {
        return "⛔ Claude Code stopped: usage limit (" + limitName(l.type()) + ") · resets at " + when(l) + "\n\n"
                + soFar(s) + "\nNot waiting: " + reason
                + (resumeCommand == null ? "" : "\nResume after the reset: " + resumeCommand)
                + "\nFull output: " + outputFile;
    }

    public static String onLimitStop() {
        return "--on-limit stop";
    }

    public static String beyondMaxPause(Duration maxPause) {
        return "the reset is more than --max-pause " + span(maxPause) + " away";
    }

    public static String pausedTooOften(int pauses) {
        return "the run already paused " + pauses + " times";
    }

    /** {@code run-task cancel "<label>"}, or by the runner's PID without a label; with the run's {@code --pid-dir}. */
    public static String cancelCommand(String label, long runnerPid, String pidDir) {
        return "run-task cancel " + (present(label) ? quote(label, true) : Long.toString(runnerPid))
                + (pidDir == null ? "" : " --pid-dir " + quote(pidDir, false));
    }

    /** The launch that resumes the session after the reset, in its project, on the same chat. */
    public static String resumeCommand(String sessionId, String project, String sessionKey) {
        return "run-task --resume " + quote(sessionId, false) + " -p " + quote(project, false)
                + (present(sessionKey) ? " -s " + quote(sessionKey, true) : "") + " -t " + quote(CONTINUE_PROMPT, true);
    }

    /** The line between two attempts in the output file. */
    public static String outputSeparator(String limitType, String resumedAt) {
        return "\n--- ▶️ resumed after the usage limit (" + limitName(limitType) + ") at " + resumedAt + " ---\n";
    }

    /** A shell word: as it is when plain (unless {@code always}), else in double quotes, else in single quotes. */
    static String quote(String s, boolean always) {
        if (!always && PLAIN_WORD.matcher(s).matches()) {
            return s;
        }
        if (s.chars().noneMatch(c -> "\"$`\\!".indexOf(c) >= 0)) {
            return "\"" + s + "\"";
        }
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static String soFar(SoFar s) {
        return (present(s.label()) ? "Label: " + s.label() + "\n" : "") + taskAndProject(s.task(), s.project())
                + "\nSo far: " + s.toolCalls() + (s.toolCalls() == 1 ? " tool call" : " tool calls") + " · "
                + formatTokens(s.tokens()) + " tok";
    }

    // ---------------------------------------------------------------- final messages (no prefix)

    /** The final message of a run that ended {@code event}: completed, incomplete, failed, timeout or cancelled. */
    public static String finished(Event event, Finished f) {
        return switch (event) {
            case COMPLETED -> completed(f);
            case INCOMPLETE -> incomplete(f);
            case FAILED -> failed(f);
            case TIMEOUT -> timeout(f);
            case CANCELLED -> cancelled(f);
            default -> throw new IllegalArgumentException("not the end of a finished run: " + event);
        };
    }

    public static String completed(Finished f) {
        return "✅ Claude Code task complete!\n\n" + taskAndProject(f) + result(f);
    }

    /**
     * Claude succeeded, but background tasks it started did not complete: the result is partial. The header also
     * starts the wake text, so the agent knows it (and can resume the session).
     */
    public static String incomplete(Finished f) {
        int n = f.unfinished().size();
        return "⚠️ Claude Code finished, but " + n + " background " + (n == 1 ? "task" : "tasks")
                + " did not complete\n\n"
                + taskAndProject(f)
                + backgroundLines("Not completed: ", f.unfinished(), true)
                + result(f);
    }

    /** {@code Result (N chars):}, the preview, the footer and the output file, as the completed message ends. */
    private static String result(Finished f) {
        int size = Text.length(f.finalText());
        return "\nResult (" + size + " chars):\n\n"
                + preview(f.finalText()) + "\n"
                + (size > PREVIEW_LIMIT ? "...(truncated)" : "") + "\n"
                + footer(f.stats())
                + "Full output: " + f.outputFile();
    }

    public static String failed(Finished f) {
        return "❌ Claude Code error (exit " + f.exitCode() + ")\n\n"
                + taskAndProject(f) + "\n\n"
                + preview(f.finalText());
    }

    public static String timeout(Finished f) {
        return "⏰ Claude Code timed out after " + fmt(f.elapsedSeconds())
                + " (limit: " + fmt(f.timeoutSeconds()) + ")\n\n"
                + partialResult(f);
    }

    public static String cancelled(Finished f) {
        return "🛑 Claude Code task cancelled after " + fmt(f.elapsedSeconds()) + "\n\n" + partialResult(f);
    }

    /** A run cancelled while it waited for a slot (issue 19): Claude never started. */
    public static String cancelledWhileQueued(Finished f) {
        return "🛑 Claude Code task cancelled while queued\n\n" + taskAndProject(f);
    }

    /** Any final message, when the output file could not be written in full (disk full, I/O error). */
    public static String outputIncomplete(String message, String reason) {
        return message + "\n⚠️ Output file incomplete: " + Text.cut(reason, ERROR_LIMIT);
    }

    /** Keeps the original's {@code **} emphasis (D1). */
    public static String crash(String task, String error) {
        return "💥 Claude Code script crashed!\n\n**Task:** " + Text.cut(task, TASK_LIMIT)
                + "\n**Error:** " + Text.cut(error, ERROR_LIMIT);
    }

    /** A launch that failed before anything started (a usage error after the session key was read). */
    public static String notStarted(String reason) {
        return "❌ Claude Code not started: " + Text.cut(reason, ERROR_LIMIT);
    }

    /** Keeps the original's {@code **} emphasis (D1). */
    public static String resumeFailed(String resumeId) {
        return "❌ Claude Code resume failed\n\nSession ID `" + resumeId + "` not found or expired.\n\n"
                + "**Suggestion:** Start a fresh session without --resume flag.";
    }

    public static String lost(Lost l) {
        return "⚠️ Claude Code task lost\n\n"
                + taskAndProject(l.task(), l.project())
                + "\nThe runner (PID " + l.runnerPid() + ") stopped without reporting a result.\n"
                + "Partial output: " + l.outputFile()
                + (present(l.sessionId()) ? "\nResume with: --resume " + l.sessionId() : "");
    }

    // ---------------------------------------------------------------- the full output as a document (issue 20)

    /**
     * A document that holds only the start of the output: the gateway takes request bodies of at most 2 MiB.
     *
     * @param keptBytes  UTF-8 bytes of the output in the document
     * @param totalBytes UTF-8 bytes of the whole output
     * @param outputFile the output file, which holds it all
     */
    public record Cut(long keptBytes, long totalBytes, String outputFile) {}

    /** The caption under the document: {@code 📎 Full output}; a cut one names the file that holds it all. */
    public static String documentCaption(Cut cut) {
        return cut == null ? "📎 Full output"
                : "📎 Full output, cut at " + cutAt(cut) + "; the whole file: " + cut.outputFile();
    }

    /** The end of a cut document (Markdown), after the part of the output it holds. */
    public static String documentCutNote(Cut cut) {
        return "\n\n---\n✂️ Cut at " + cutAt(cut) + ", the most the gateway takes in one document. The whole output is"
                + " in " + cut.outputFile() + " on the machine that ran the task.\n";
    }

    private static final String ATTACHED = "\n\n📎 The full output is attached to the chat as ";
    private static final String ATTACHED_END = ": the user has it, do not paste it.";

    /** The final message as the wake gives it when the document was queued with it: the agent need not paste it. */
    public static String documentAttached(String message, String filename, Cut cut) {
        return message + ATTACHED + filename
                + (cut == null ? "" : ", cut at " + cutAt(cut) + " (the whole file: " + cut.outputFile() + ")")
                + ATTACHED_END;
    }

    /**
     * A wake text of {@link #documentAttached} once the gateway refused the document: its 📎 line says so instead
     * (the wake is queued before the document is sent). Any other text is returned as it is.
     */
    public static String documentRefused(String wakeText, String reason) {
        int start = wakeText.indexOf(ATTACHED);
        int end = start < 0 ? -1 : wakeText.indexOf(ATTACHED_END, start);
        if (end < 0) {
            return wakeText;
        }
        return wakeText.substring(0, start) + "\n\n📎 The chat did not take the full output as a file ("
                + Text.oneLine(reason, 200) + "): the user has only the message above; the whole output is in its"
                + " Full output file." + wakeText.substring(end + ATTACHED_END.length());
    }

    /** {@code 1.5 MB of 3.2 MB}. */
    private static String cutAt(Cut cut) {
        return megabytes(cut.keptBytes()) + " of " + megabytes(cut.totalBytes());
    }

    /** {@code 1.5 MB}: decimal megabytes, one decimal. */
    public static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    /**
     * The completion footer (D7, A1): {@code Cost: $0.10 · 2 turns · 84 tok} + newline, or empty when no result
     * event was seen or no part exists.
     */
    public static String footer(ResultStats stats) {
        if (stats == null) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        if (stats.totalCostUsd() != null) {
            parts.add("Cost: $" + BigDecimal.valueOf(stats.totalCostUsd()).setScale(2, RoundingMode.HALF_UP).toPlainString());
        }
        if (stats.numTurns() != null) {
            parts.add(stats.numTurns() + (stats.numTurns() == 1 ? " turn" : " turns"));
        }
        if (stats.tokens() > 0) {
            parts.add(formatTokens(stats.tokens()) + " tok");
        }
        return parts.isEmpty() ? "" : String.join(" · ", parts) + "\n";
    }

    // ---------------------------------------------------------------- wake (SPEC §5.5, D3)

    /**
     * The {@code [CLAUDE_CODE_RESULT]} payload that wakes the agent. For a WhatsApp group route it is byte-identical
     * to the original's; other routes name their channel, kind and thread; without a route the agent is told to answer
     * on its own session's channel.
     *
     * @param message the final message (any event), unprefixed
     * @param route   the chat route, or null when the session key has none
     */
    public static String wakePayload(String message, Route route) {
        String instruction = route == null
                ? "send your response to the user with the message tool (action=send) on this session's channel."
                : "send your response to the " + place(route)
                        + " using message(action=send, channel=" + route.channel()
                        + ", target=" + route.target()
                        + (present(route.threadId()) ? ", threadId=" + route.threadId() : "")
                        + ", message=YOUR_SUMMARY).";
        return "[CLAUDE_CODE_RESULT]\n" + message + "\n\n---\n"
                + "⚠️ INSTRUCTION: You received a Claude Code result. Process it, then " + instruction
                + " Then reply NO_REPLY to avoid duplicate. Do NOT rely on announce step.";
    }

    private static String place(Route route) {
        String name = CHANNEL_NAMES.getOrDefault(route.channel(), route.channel());
        String kind = route.kind() == null ? "" : route.kind();
        String word = switch (kind) {
            case "group" -> "group";
            case "channel" -> "channel";
            default -> "chat";
        };
        return name + " " + word;
    }

    // ---------------------------------------------------------------- shared pieces

    private static String partialResult(Finished f) {
        return taskAndProject(f)
                + "\nTool calls: " + f.toolCalls()
                + backgroundLines("Still running: ",
                        f.unfinished().stream().filter(BackgroundTask::stillRunning).toList(), false)
                + "\n\nPartial result (" + Text.length(f.finalText()) + " chars):\n\n"
                + preview(f.finalText())
                + "\n\nFull output: " + f.outputFile();
    }

    /**
     * One line per task, each after a newline: {@code prefix} and {@code subagent "Run echo"}, with its status in
     * parentheses when {@code withStatus} ({@code (killed)}, {@code (still running)}); the first 10, then
     * {@code prefix … and N more}.
     */
    private static String backgroundLines(String prefix, List<BackgroundTask> tasks, boolean withStatus) {
        StringBuilder lines = new StringBuilder();
        for (BackgroundTask t : tasks.subList(0, Math.min(tasks.size(), BACKGROUND_LINES))) {
            lines.append('\n').append(prefix).append(taskWord(t.type()));
            if (t.description() != null && !t.description().isBlank()) {
                lines.append(" \"").append(Text.oneLine(t.description(), TASK_DESCRIPTION_LIMIT)).append('"');
            }
            if (withStatus) {
                lines.append(" (").append(t.stillRunning() ? "still running" : t.status()).append(')');
            }
        }
        if (tasks.size() > BACKGROUND_LINES) {
            lines.append('\n').append(prefix).append("… and ").append(tasks.size() - BACKGROUND_LINES)
                    .append(" more");
        }
        return lines.toString();
    }

    /** The heartbeat's count of running background tasks: {@code 🤖 2 agents}, {@code 🤖 1 agent, 1 command}. */
    private static String backgroundCount(List<String> types) {
        List<String> parts = new ArrayList<>();
        for (String[] kind : new String[][] {{"subagent", "agent"}, {"command", "command"}, {"task", "task"}}) {
            long n = types.stream().filter(type -> taskWord(type).equals(kind[0])).count();
            if (n > 0) {
                parts.add(n + " " + kind[1] + (n == 1 ? "" : "s"));
            }
        }
        return "🤖 " + String.join(", ", parts);
    }

    /** What a task of this {@code task_type} is called: {@code subagent}, {@code command}, else {@code task}. */
    private static String taskWord(String type) {
        String t = type == null ? "" : type;
        return t.contains("agent") ? "subagent" : t.contains("bash") || t.contains("shell") ? "command" : "task";
    }

    /** {@code Label: …} (when the run has one), {@code Task: …}, {@code Project: …}, {@code Branch: …} (worktree). */
    private static String taskAndProject(Finished f) {
        return (present(f.label()) ? "Label: " + f.label() + "\n" : "") + taskAndProject(f.task(), f.project())
                + (f.branch() == null ? "" : "\n" + branchLine(f.branch()));
    }

    private static String taskAndProject(String task, String project) {
        return "Task: " + Text.cut(task, TASK_LIMIT) + "\nProject: " + normaliseProject(project);
    }

    private static String preview(String text) {
        return Text.cut(text, PREVIEW_LIMIT);
    }

    private static boolean present(String s) {
        return s != null && !s.isEmpty();
    }
}
