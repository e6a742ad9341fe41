package dev.cctask.claude;

import java.util.List;
import java.util.Optional;

/**
 * How a run ended (SPEC §8.1, §10; D7, P2, P3, P5), decided once at the end from the parsed stream and the child's
 * exit.
 *
 * @param status timeout, cancelled, completed, failed, or limited (stopped at the plan's usage limit, issue 15)
 * @param success exit code 0, at least one {@code result}, and the last one not {@code is_error}
 * @param exitCode the child's exit code as the JVM reports it (143 SIGTERM, 137 SIGKILL; −1 unknown)
 * @param finalText the text reported to the user (never empty)
 * @param resumeFailed {@code --resume} was given, no init was seen, and Claude said the session does not exist
 * @param lastResult the last {@code result} event, if any (cost, turns, usage for the footer and the registry)
 */
public record RunOutcome(
        Status status,
        boolean success,
        int exitCode,
        String finalText,
        boolean resumeFailed,
        Optional<ResultEvent> lastResult) {

    /** The registry status words of SPEC §8.1/§8.3. */
    public enum Status {
        TIMEOUT("timeout"), CANCELLED("cancelled"), COMPLETED("completed"), FAILED("failed"), LIMITED("limited");

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
        boolean success = exitCode == 0 && last.isPresent() && !last.get().isError();
        Status status = timedOut ? Status.TIMEOUT
                : cancelled ? Status.CANCELLED
                : success ? Status.COMPLETED
                : Status.FAILED;
        String assistantText = state.assistantText();
        boolean resumeFailed = resumeId != null && !resumeId.isEmpty() && !state.sawInit()
                && (mentionsMissingSession(stderr)
                    || last.map(r -> r.errors().stream().anyMatch(RunOutcome::mentionsMissingSession)).orElse(false));
        return new RunOutcome(status, success, exitCode, finalText(last, assistantText, stderr), resumeFailed, last);
    }

    /** This end, as a run that stopped at its plan's usage limit instead of waiting for the reset. */
    public RunOutcome limited() {
        return new RunOutcome(Status.LIMITED, false, exitCode, finalText, false, lastResult);
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
