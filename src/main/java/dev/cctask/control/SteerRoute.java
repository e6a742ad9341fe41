package dev.cctask.control;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The steer route (issue 17): {@code run-task steer} POSTs a message with the control secret; it is written to
 * Claude's stdin as a {@code user} line at once, and the answer says whether it was: 200 written, 202 held (the run
 * is paused at the plan's usage limit: it goes in when the run resumes), 409 the run has finished (Claude's input is
 * closed), 503 Claude has not started yet (retry).
 */
public final class SteerRoute implements ControlServer.Route {
    /** The largest message, in bytes. */
    public static final int MAX_BYTES = 256 * 1024;
    /** How long a message may wait for Claude to read its input before the caller is answered. */
    static final Duration WRITE_WAIT = Duration.ofSeconds(10);
    static final String FINISHED = "finished: Claude's input is closed";

    /** What became of a message. */
    public enum Taken {
        /** On Claude's stdin. */
        WRITTEN,
        /** Held while the run is paused; it goes to the next attempt. */
        HELD,
        /** Refused: Claude's input is closed, the run has finished. */
        CLOSED
    }

    /** Where steered messages go: the run's Claude. */
    public interface Claude {
        /**
         * Sends {@code text} to Claude's stdin.
         *
         * @return completes with what became of it; null while Claude has not started
         */
        CompletableFuture<Taken> send(String text);

        /** What follows a written message (log, chat), run after the caller has its answer. */
        void sent(String text);
    }

    private final Claude claude;

    public SteerRoute(Claude claude) {
        this.claude = claude;
    }

    @Override
    public ControlServer.Caller caller() {
        return ControlServer.Caller.RUN_TASK;
    }

    @Override
    public int maxBytes() {
        return MAX_BYTES;
    }

    @Override
    public ControlServer.Reply handle(String text) {
        if (text.isBlank()) {
            return ControlServer.Reply.error(400, "empty message");
        }
        CompletableFuture<Taken> written = claude.send(text);
        if (written == null) {
            return new ControlServer.Reply(503, "Claude has not started yet", 1, null);
        }
        return awaitWrite(written, taken -> switch (taken) {
            case WRITTEN -> ControlServer.Reply.ok(() -> claude.sent(text));
            case HELD -> new ControlServer.Reply(202, null, 0, null);
            case CLOSED -> ControlServer.Reply.error(409, FINISHED);
        }, taken -> taken == Taken.WRITTEN, () -> claude.sent(text),
                "the message stays queued and reaches it when it reads");
    }

    /**
     * A control route's wait for its write to Claude's stdin: the reply for what became of it within
     * {@link #WRITE_WAIT}; after that a 504 saying {@code late}, and {@code then} runs once it is written.
     *
     * @param wrote whether a result means written (then the route's follow-up runs)
     */
    static <T> ControlServer.Reply awaitWrite(CompletableFuture<T> written, Function<T, ControlServer.Reply> reply,
            Predicate<T> wrote, Runnable then, String late) {
        try {
            return reply.apply(written.get(WRITE_WAIT.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            written.thenAccept(result -> {
                if (wrote.test(result)) {
                    then.run();
                }
            });
            return ControlServer.Reply.error(504, "Claude has not read its input for " + WRITE_WAIT.toSeconds()
                    + " s; " + late);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ControlServer.Reply.error(503, "the run is stopping");
        } catch (ExecutionException e) {
            return ControlServer.Reply.error(500, "writing to Claude's stdin failed: " + e.getCause());
        }
    }
}
