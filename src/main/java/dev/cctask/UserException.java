package dev.cctask;

/**
 * A failure the user can fix: printed as one line (no stack trace), mapped to an exit code.
 * Domain code throws it; {@link App} prints the message and returns the code.
 */
public class UserException extends RuntimeException {
    private final int exitCode;

    public UserException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
