package dev.cctask.claude;

import dev.cctask.Env;
import dev.cctask.Executables;
import dev.cctask.UserException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Claude command line (SPEC §2.2, D4): the prompt goes to stdin, never into argv. Claude runs two-way
 * ({@code --input-format stream-json}, CLAUDE-STREAM.md §8.3): the prompt is the first {@code user} line on its stdin,
 * and stdin stays open for messages steered in while it works ({@link ClaudeInput}).
 */
public final class ClaudeCommand {
    private ClaudeCommand() {
    }

    /**
     * How long {@code -p} waits for background tasks after the last turn before it kills them and still reports
     * success (CLAUDE-STREAM.md §8.2; Claude's default 10 minutes).
     */
    public static final String BG_WAIT_CEILING = "CLAUDE_CODE_PRINT_BG_WAIT_CEILING_MS";
    /** Claude's value unless the user set one: wait for them, the run's {@code --timeout} is the only bound. */
    public static final String BG_WAIT_CEILING_DEFAULT = "0";

    /** The ceiling Claude gets: the user's {@link #BG_WAIT_CEILING}, else {@value #BG_WAIT_CEILING_DEFAULT}. */
    public static String bgWaitCeiling(String userValue) {
        return userValue != null ? userValue : BG_WAIT_CEILING_DEFAULT;
    }

    /**
     * Whether Claude stops background tasks at a ceiling: the user set {@link #BG_WAIT_CEILING} to anything but
     * {@code 0} (a value Claude cannot read leaves it its own default of 10 minutes).
     */
    public static boolean stopsBackground(String userValue) {
        return !bgWaitCeiling(userValue).strip().equals(BG_WAIT_CEILING_DEFAULT);
    }

    /**
     * {@code <bin> -p --dangerously-skip-permissions --verbose --input-format stream-json --output-format
     * stream-json --include-partial-messages [--resume <id>] [extra…]}.
     *
     * @param resumeId null or empty for a fresh session
     */
    public static List<String> argv(String bin, String resumeId, List<String> extraArgs) {
        return argv(bin, resumeId, Permissions.BYPASS, null, extraArgs);
    }

    /**
     * {@link #argv(String, String, List)} with the permission flags of {@code permissions} in place of
     * {@code --dangerously-skip-permissions} (issue 18), before {@code --verbose}, which ends the list of deny rules.
     *
     * @param controlDir the folder of the run's control file, which Claude may not read (null with {@code bypass})
     */
    public static List<String> argv(String bin, String resumeId, Permissions permissions, String controlDir,
            List<String> extraArgs) {
        List<String> argv = new ArrayList<>(List.of(bin, "-p"));
        argv.addAll(permissions.flags(controlDir));
        argv.addAll(List.of("--verbose",
                "--input-format", "stream-json", "--output-format", "stream-json", "--include-partial-messages"));
        if (resumeId != null && !resumeId.isEmpty()) {
            argv.add("--resume");
            argv.add(resumeId);
        }
        argv.addAll(extraArgs);
        return List.copyOf(argv);
    }

    /**
     * The executable to run: {@code --claude-bin}, else env {@code CLAUDE_BIN}, else {@code claude}; a name with a
     * {@code /} is a path ({@code ~} expanded), a bare name is looked up on the environment's {@code PATH}. The result
     * is absolute, because the child starts in the project directory.
     *
     * @param flagValue the {@code --claude-bin} value, or null
     * @throws ClaudeNotFoundException when no executable regular file is found
     */
    public static Path resolveExecutable(String flagValue, Env env) {
        String name = name(flagValue, env);
        if (name.contains("/")) {
            Path path = Executables.executable(env.expandHome(name), "");
            if (path != null) {
                return path;
            }
        } else {
            Path path = Executables.onPath(env.get("PATH"), name);
            if (path != null) {
                return path;
            }
        }
        throw new ClaudeNotFoundException(name);
    }

    /**
     * A path given for Claude ({@code --claude-bin}, {@code CLAUDE_BIN}) that exists but cannot be run is a usage
     * error, checked before anything starts; a path that does not exist is left to {@link #resolveExecutable}.
     *
     * @throws UserException a configuration error naming the path and the fix
     */
    public static void checkRunnable(String flagValue, Env env) {
        String name = name(flagValue, env);
        if (!name.contains("/")) {
            return; // a bare name is looked up on PATH, where a non-executable entry is skipped, as by the shell
        }
        Path path;
        try {
            path = Path.of(env.expandHome(name)).toAbsolutePath();
        } catch (InvalidPathException e) {
            return;
        }
        String given = (flagValue != null && !flagValue.isBlank() ? "--claude-bin " : "CLAUDE_BIN=") + name;
        if (Files.isDirectory(path)) {
            throw UserException.config(given + " is a directory: pass the path of the claude program");
        }
        if (Files.exists(path) && !Files.isExecutable(path)) {
            throw UserException.config(given + " is not executable: make it executable (chmod +x "
                    + path + ") or pass the path of the claude program");
        }
    }

    /**
     * The executable for a launch ({@link #resolveExecutable}), resolved before anything starts or is posted: a
     * missing one is a usage error, so the chat hears "not started", never "started" and then a crash.
     *
     * @throws UserException (exit 2): what was looked for, then where to put it ({@link ClaudeNotFoundException#hint})
     */
    public static Path resolveForLaunch(String flagValue, Env env) {
        try {
            return resolveExecutable(flagValue, env);
        } catch (ClaudeNotFoundException e) {
            throw UserException.config(e.getMessage() + ". " + e.hint());
        }
    }

    private static String name(String flagValue, Env env) {
        return flagValue != null && !flagValue.isBlank() ? flagValue
                : env.get("CLAUDE_BIN") != null ? env.get("CLAUDE_BIN")
                : "claude";
    }
}
