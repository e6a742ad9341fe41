package dev.cctask;

/**
 * A failure the user can fix, said in one line (no stack trace). Domain code says which kind it is; the command line
 * ({@code cli.App}) picks the shape and the exit code. The factories below are the only way to make one.
 */
public final class UserException extends RuntimeException {
    /** What went wrong, which decides the shape on stderr and the exit code (README, Exit codes). */
    public enum Kind {
        /** An argument is wrong: the line, the one-line usage and where to find help; exit 2. */
        USAGE,
        /** The setup is wrong (configuration, environment, the Claude program): the line; exit 2. */
        CONFIG,
        /** It could not be done (a state file, no such session): the line; exit 1. */
        FAILED
    }

    private final Kind kind;

    private UserException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    /** An argument is wrong; {@code message} says which and how to fix it. */
    public static UserException usage(String message) {
        return new UserException(Kind.USAGE, message);
    }

    /** The configuration or environment is wrong; {@code message} names the setting and the fix. */
    public static UserException config(String message) {
        return new UserException(Kind.CONFIG, message);
    }

    /** What was asked cannot be done; {@code message} says why. */
    public static UserException failed(String message) {
        return new UserException(Kind.FAILED, message);
    }

    public Kind kind() {
        return kind;
    }
}
