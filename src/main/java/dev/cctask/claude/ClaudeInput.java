package dev.cctask.claude;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.CompletableFuture;

/**
 * Claude's stdin, owned by one writer (CLAUDE-STREAM.md §8.3): each message goes out as one stream-json {@code user}
 * line, whole and in order, on the writer's own thread, so a child that does not read never blocks the caller. The
 * prompt first, then what is steered in while Claude works (issue 17); and the answers to its permission requests (issue 18).
 */
public interface ClaudeInput {
    /**
     * Queues {@code text} as a {@code user} message and returns at once.
     *
     * @return completes true once the line is written to Claude's stdin, false when it cannot be: stdin was closed
     *     before, or Claude stopped reading
     */
    default CompletableFuture<Boolean> send(String text) {
        return send(text, () -> { });
    }

    /**
     * {@link #send(String)}, running {@code beforeWrite} on the writer's thread just before the line goes out (not
     * when it cannot): what it records comes before anything Claude answers to the message.
     */
    CompletableFuture<Boolean> send(String text, Runnable beforeWrite);

    /**
     * Answers the permission request {@code requestId} (issue 18): one {@code control_response} line with
     * {@code response} ({@code {"behavior":"allow",…}} or {@code {"behavior":"deny",…}}), in turn with the messages.
     *
     * @return completes true once written, false when it cannot be (stdin closed)
     */
    CompletableFuture<Boolean> respond(String requestId, ObjectNode response);

    /** Closes stdin once everything sent before is written; Claude then sees end of input. Idempotent. */
    void close();
}
