package dev.cctask.claude;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.CompletableFuture;

/**
 * Claude's stdin under the closing rule (issue 17): it stays open while Claude works, so that messages can be
 * steered in, and is closed when the run is finishing, which ends Claude (CLAUDE-STREAM.md §8.3):
 * <ul>
 *   <li>after the {@code result} that ends the work: {@link RunState#doneForNanos()} says Claude is done, that is,
 *       the result announced no queued turn, no background task it reported is still running, no turn began since;
 *   <li>when nothing is queued: every message sent is written, and a result came after the last one was sent (a
 *       message sent after a result starts a new turn, whose own result then ends the work).
 * </ul>
 * When the user set a background wait ceiling of their own ({@link ClaudeCommand#stopsBackground}), stdin closes
 * as soon as the main turn's result ends the work, background tasks or not: Claude applies its ceiling only once its
 * input has ended (with stdin open it waits for them forever; recorded in {@code stdin-close-at-ceiling.txt}).
 * Checked after each line Claude prints ({@link #closeIfDone}) and after each write. A message sent once stdin is
 * closed is refused ({@code false}): the run has finished.
 */
final class ClosingInput implements ClaudeInput {
    private final RunState state;
    /** Close without waiting for background tasks: Claude stops them at the user's ceiling. */
    private final boolean ceiling;
    private ClaudeInput stdin;
    /** Messages sent and not yet written. */
    private int unwritten;
    /** {@link RunState#resultCount()} when the last message was sent. */
    private int resultsAtLastSend;
    private volatile boolean closed;

    /** @param ceiling whether Claude has a background wait ceiling of the user's, which stdin must end to start */
    ClosingInput(RunState state, boolean ceiling) {
        this.state = state;
        this.ceiling = ceiling;
    }

    /** Takes over Claude's stdin and sends the prompt, the first message. */
    synchronized void open(ClaudeInput stdin, String prompt) {
        this.stdin = stdin;
        send(prompt);
    }

    @Override
    public synchronized CompletableFuture<Boolean> send(String text, Runnable beforeWrite) {
        if (closed || stdin == null) {
            return CompletableFuture.completedFuture(false);
        }
        unwritten++;
        resultsAtLastSend = state.resultCount();
        CompletableFuture<Boolean> written = stdin.send(text, beforeWrite);
        written.whenComplete((ok, failed) -> written());
        return written;
    }

    /** An answer to a permission request: no new turn, so it changes nothing the closing rule counts. */
    @Override
    public synchronized CompletableFuture<Boolean> respond(String requestId, ObjectNode response) {
        if (closed || stdin == null) {
            return CompletableFuture.completedFuture(false);
        }
        return stdin.respond(requestId, response);
    }

    private synchronized void written() {
        unwritten--;
        closeIfDone();
    }

    /** Closes stdin when the rule says the run is finishing. */
    void closeIfDone() {
        if (closed) {
            return;
        }
        synchronized (this) {
            if (stdin != null && unwritten == 0 && state.resultCount() > resultsAtLastSend
                    && (ceiling ? state.turnEnded() : state.doneForNanos() >= 0)) {
                close();
            }
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (stdin != null) {
            stdin.close();
        }
    }
}
