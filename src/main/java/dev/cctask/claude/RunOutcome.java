package dev.cctask.claude;

import java.util.List;
import java.util.Optional;

/**
 * How a run ended (SPEC §8.1, §10; D7, P2, P3, P5), decided once at the end from the parsed stream and the child's
 * exit.
 *
 * @param status timeout, cancelled, completed, incomplete, failed, or limited (stopped at the plan's usage limit,
 *               issue 15)
 * @param success completed: exit code 0, at least one {@code result}, the last one not {@code is_error}, and every
 *                background task completed
 * @param exitCode the child's exit code as the JVM reports it (143 SIGTERM, 137 SIGKILL; −1 unknown)
 * @param finalText the text reported to the user (never empty)
 * @param resumeFailed {@code --resume} was given, no init was seen, and Claude said the session does not exist
 * @param lastResult the last {@code result} event, if any (cost, turns, usage for the footer and the registry)
 * @param unfinished the background tasks that did not complete: ended otherwise ({@code killed}, {@code stopped},
 *                   {@code failed}, …) or still {@link BackgroundTask#RUNNING} when Claude exited or was stopped
 */
public record RunOutcome(
        Status status,
        boolean success,
        int exitCode,
        String finalText,
        boolean resumeFailed,
        Optional<ResultEvent> lastResult,
        List<BackgroundTask> unfinished) {

    public RunOutcome {
        unfinished = List.copyOf(unfinished);
    }

    /** No background task. */
    public RunOutcome(Status status, boolean success, int exitCode, String finalText, boolean resumeFailed,
            Optional<ResultEvent> lastResult) {
        this(status, success, exitCode, finalText, resumeFailed, lastResult, List.of());
    }

    /**
     * The registry status words of SPEC §8.1/§8.3. INCOMPLETE: Claude succeeded, but background tasks it started did
     * not complete (stopped at its own wait ceiling, or still running when it exited).
     */
    public enum Status {
        TIMEOUT("timeout"), CANCELLED("cancelled"), COMPLETED("completed"), INCOMPLETE("incomplete"), FAILED("failed"),
        LIMITED("limited");

        private final String word;

        Status(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    static final String NO_OUTPUT = "(no output captured)";
    private static final List<String> RESUME_FAILURE_MARKERS =
            List.of("No conversation found", "--resume requires a valid session ID");

    /**
     * @param stderr what the child wrote to stderr (as captured)
     * @param resumeId the {@code --resume} id, or null
     */
    public static RunOutcome of(
            RunState state, int exitCode, String stderr, boolean timedOut, boolean cancelled, String resumeId) {
        Optional<ResultEvent> last = state.lastResult();
        boolean resultOk = exitCode == 0 && last.isPresent() && !last.get().isError();
        List<BackgroundTask> unfinished = state.backgroundTasks().stream().filter(t -> !t.completed()).toList();
        Status status = timedOut ? Status.TIMEOUT
                : cancelled ? Status.CANCELLED
                : !resultOk ? Status.FAILED
                : unfinished.isEmpty() ? Status.COMPLETED
                : Status.INCOMPLETE;
        String assistantText = state.assistantText();
        boolean resumeFailed = resumeId != null && !resumeId.isEmpty() && !state.sawInit()
                && (mentionsMissingSession(stderr)
                    || last.map(r -> r.errors().stream().anyMatch(RunOutcome::mentionsMissingSession)).orElse(false));
        return new RunOutcome(status, status == Status.COMPLETED, exitCode, finalText(last, assistantText, stderr),
                resumeFailed, last, unfinished);
    }

    /** This end, as a run that stopped at its plan's usage limit instead of waiting for the reset. */
    public RunOutcome limited() {
        return new RunOutcome(Status.LIMITED, false, exitCode, finalText, false, lastResult, unfinished);
    }

    /** The first non-empty of: result text, errors (+ assistant text), assistant text, stderr, a placeholder. */
    private static String finalText(Optional<ResultEvent> last, String assistantText, String stderr) {
        if (last.isPresent()) {
            ResultEvent result = last.get();
            if (result.result() != null && !result.result().isEmpty()) {
                return result.result();
            }
            if (!result.errors().isEmpty()) {
                String errors = String.join("\n", result.errors());
                return assistantText.isEmpty() ? errors : errors + "\n\n" + assistantText;
            }
        }
        if (!assistantText.isEmpty()) {
            return assistantText;
        }
        if (stderr != null && !stderr.isEmpty()) {
            return stderr;
        }
        return NO_OUTPUT;
    }

    private static boolean mentionsMissingSession(String text) {
        return text != null && RESUME_FAILURE_MARKERS.stream().anyMatch(text::contains);
    }
}
