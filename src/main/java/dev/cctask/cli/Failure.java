package dev.cctask.cli;

import dev.cctask.Env;
import dev.cctask.UserException;
import dev.cctask.claude.ClaudeNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/**
 * What a command's failure means to the user: one line with the fix, and the exit code (README, Exit codes). Known
 * causes are named; anything else is one line pointing at {@value #STACKTRACE_VARIABLE}.
 */
record Failure(String line, int exitCode) {
    static final String STACKTRACE_VARIABLE = "RUN_TASK_STACKTRACE";

    static Failure of(Throwable e, Env env) {
        if (e instanceof UserException ue) {
            return new Failure(ue.getMessage(), ue.kind() == UserException.Kind.FAILED ? App.EXIT_FAILED : App.EXIT_USAGE);
        }
        if (e instanceof ClaudeNotFoundException nf) {
            return new Failure(nf.getMessage() + ". " + nf.hint(), App.EXIT_FAILED);
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof FileSystemException fs && fs.getFile() != null) {
                return new Failure("Cannot use " + fs.getFile() + ": " + reason(fs) + "; check that it and its"
                        + " directory belong to you and are readable and writable (state dir: " + env.stateDir()
                        + ")", App.EXIT_FAILED);
            }
            if (t instanceof ConnectException || t instanceof HttpConnectTimeoutException) {
                return new Failure("Cannot reach the gateway: " + describe(t) + "; start it (openclaw gateway) or"
                        + " check --gateway-url and gateway.port in the OpenClaw config (run-task doctor)",
                        App.EXIT_FAILED);
            }
        }
        if (e instanceof UncheckedIOException || e instanceof IOException) {
            Throwable io = e instanceof UncheckedIOException u ? u.getCause() : e;
            return new Failure("I/O error: " + describe(io) + "; check the state dir " + env.stateDir()
                    + " (run-task doctor)", App.EXIT_FAILED);
        }
        return new Failure("Unexpected error: " + describe(e) + " (set " + STACKTRACE_VARIABLE + "=1 for details)",
                App.EXIT_FAILED);
    }

    /** Whether the user asked for stack traces. */
    static boolean wantsTrace(Env env) {
        return "1".equals(env.get(STACKTRACE_VARIABLE));
    }

    private static String reason(FileSystemException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        return e.getReason() != null ? e.getReason() : e.getClass().getSimpleName();
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + m;
    }
}
