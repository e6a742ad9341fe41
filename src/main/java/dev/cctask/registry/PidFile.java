package dev.cctask.registry;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One PID file (SPEC §8.4, D11): line 1 the runner pid, line 2 the task's first 60 code points, line 3 the ISO-local
 * start, then {@code key=value} lines. {@code runnerPid} is null when line 1 is not an integer (such files are stale).
 */
public record PidFile(Path path, Long runnerPid, String task, String started, Map<String, String> fields) {
    public static final String CLAUDE_PID = "claude_pid";
    public static final String SESSION_KEY = "session_key";
    public static final String OUTPUT = "output";
    public static final String LABEL = "label";
    public static final String RUN_ID = "run_id";
    public static final String SESSION_ID = "session_id";
    public static final String PROJECT = "project";
    public static final String RUNNER_STARTED = "runner_started";
    /** The run's own git worktree and its branch (issue 19). */
    public static final String WORKTREE = "worktree";
    public static final String BRANCH = "branch";
    /** The run's ticket while it waits for a slot (issue 19); absent once Claude may start. */
    public static final String QUEUED = "queued";
    /** The run's background tasks as Claude last reported them: a JSON array on one line ({@code tasks --json}). */
    public static final String BACKGROUND_TASKS = "background_tasks";
    /** How many messages were steered into the run (issue 17). */
    public static final String STEERED = "steered";
    /** While the run waits for its plan's usage limit to reset: when it resumes (ISO local, like line 3). */
    public static final String PAUSED_UNTIL = "paused_until";
    /** The permission requests Claude waits on (issue 18): a JSON array on one line ({@code tasks --json}). */
    public static final String APPROVALS = "approvals";
    private static final List<String> KEY_ORDER = List.of(CLAUDE_PID, SESSION_KEY, OUTPUT, LABEL, RUN_ID, SESSION_ID,
            PROJECT, WORKTREE, BRANCH, QUEUED, RUNNER_STARTED, PAUSED_UNTIL, BACKGROUND_TASKS, STEERED, APPROVALS);

    public PidFile {
        fields = Collections.unmodifiableMap(ordered(fields));
    }

    /** A value, or null when absent. */
    public String field(String key) {
        return fields.get(key);
    }

    public Long claudePid() {
        return parseLong(field(CLAUDE_PID));
    }

    public String sessionId() {
        return field(SESSION_ID);
    }

    public String sessionKey() {
        return field(SESSION_KEY);
    }

    public String label() {
        return field(LABEL);
    }

    public String output() {
        return field(OUTPUT);
    }

    public String runId() {
        return field(RUN_ID);
    }

    public String project() {
        return field(PROJECT);
    }

    /** Messages steered into the run so far, or null (a runner that predates steering). */
    public Integer steered() {
        Long n = parseLong(field(STEERED));
        return n == null ? null : n.intValue();
    }

    /**
     * The run's control file beside this one ({@code <name>.control}, issue 17): its control server and secret,
     * for run-task's own commands.
     */
    public Path controlFile() {
        return path.resolveSibling(path.getFileName().toString().replaceFirst("\\.pid$", "") + ".control");
    }

    public String worktree() {
        return field(WORKTREE);
    }

    public String branch() {
        return field(BRANCH);
    }

    /** The queue ticket of a run that waits for a slot, or null. */
    public Long queueTicket() {
        return parseLong(field(QUEUED));
    }

    /** When the runner process started (recorded to detect PID reuse), or null. */
    public Instant runnerStarted() {
        String v = field(RUNNER_STARTED);
        try {
            return v == null ? null : Instant.parse(v);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** When a paused run resumes; empty while it runs (or when unparseable). */
    public Optional<LocalDateTime> pausedUntil() {
        return IsoLocal.parse(field(PAUSED_UNTIL));
    }

    /** Line 3 parsed; empty when unparseable. */
    public Optional<LocalDateTime> startedAt() {
        return IsoLocal.parse(started);
    }

    /** A copy with {@code changes} applied (a null value removes the key). */
    public PidFile with(Map<String, String> changes) {
        Map<String, String> f = new LinkedHashMap<>(fields);
        changes.forEach((k, v) -> {
            if (v == null) {
                f.remove(k);
            } else {
                f.put(k, v);
            }
        });
        return new PidFile(path, runnerPid, task, started, f);
    }

    /** The file's text: lines joined by LF, no trailing newline; CR/LF inside values become spaces [P7]. */
    public String content() {
        List<String> lines = new ArrayList<>(List.of(String.valueOf(runnerPid), flat(task), flat(started)));
        fields.forEach((k, v) -> lines.add(k + "=" + flat(v)));
        return String.join("\n", lines);
    }

    /** Reads the text written by {@link #content()} (or by the original: three lines only). */
    public static PidFile parse(Path path, String text) {
        String[] lines = text.split("\n", -1);
        Long pid = parseLong(text.strip().split("\n", -1)[0].strip()); // the original's int(text.strip().split("\n")[0])
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 3; i < lines.length; i++) {
            int eq = lines[i].indexOf('=');
            if (eq > 0) {
                fields.put(lines[i].substring(0, eq), lines[i].substring(eq + 1));
            }
        }
        return new PidFile(path, pid, lines.length > 1 ? lines[1] : "", lines.length > 2 ? lines[2] : "", fields);
    }

    /** Each CR and LF becomes a space, as the Python skill writes its PID files (so CRLF is two spaces). */
    private static String flat(String s) {
        return s.replace('\r', ' ').replace('\n', ' ');
    }

    private static Long parseLong(String s) {
        try {
            return s == null ? null : Long.valueOf(s.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    // Known keys in SPEC order first, then any others (from newer versions) in their own order.
    private static Map<String, String> ordered(Map<String, String> fields) {
        Map<String, String> out = new LinkedHashMap<>();
        KEY_ORDER.stream().filter(fields::containsKey).forEach(k -> out.put(k, fields.get(k)));
        fields.forEach(out::putIfAbsent);
        return out;
    }
}
