package dev.cctask.claude;

/**
 * Claude's stdin, owned by one writer: what is sent goes out whole and in order, on the writer's own thread, so a
 * child that does not read never blocks the caller. The prompt today; user messages and permission answers when the
 * input mode is stream-json (issues 17, 18). Encoding is the input mode's ({@link ClaudeCommand.InputMode}).
 */
public interface ClaudeInput {
    /** Queues {@code text} for stdin and returns at once; ignored after {@link #close()}. */
    void send(String text);

    /** Closes stdin once everything sent before is written; Claude then sees end of input. Idempotent. */
    void close();
}
