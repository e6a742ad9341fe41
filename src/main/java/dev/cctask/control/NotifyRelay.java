package dev.cctask.control;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The notify route (SPEC §14): while a run is supervised, Claude's {@code notify -m TEXT} reaches the run's
 * {@link RunControl} with the notify secret of its environment, and is posted on the run's own route. Claude then
 * needs neither the gateway token nor the chat id, and a progress message costs a local HTTP call instead of a JVM
 * start.
 */
public final class NotifyRelay implements ControlServer.Route {
    public static final String URL_ENV = ControlEnv.URL_VARIABLE;
    public static final String SECRET_ENV = ControlEnv.SECRET_VARIABLE;
    static final int MAX_CODE_POINTS = 4000;
    /** Bodies beyond this are refused unread; up to it, the text is checked in code points. */
    static final int MAX_BYTES = 64 * 1024;
    static final int MAX_PER_MINUTE = 6;
    static final long READ_LIMIT_SECONDS = ControlServer.READ_LIMIT_SECONDS;
    private static final long MINUTE_NANOS = 60_000_000_000L;

    private final Consumer<String> poster;
    private final LongSupplier nanoTime;
    private final Deque<Long> recent = new ArrayDeque<>();

    /** @param poster receives each accepted text */
    public NotifyRelay(Consumer<String> poster) {
        this(poster, System::nanoTime);
    }

    NotifyRelay(Consumer<String> poster, LongSupplier nanoTime) {
        this.poster = poster;
        this.nanoTime = nanoTime;
    }

    @Override
    public ControlServer.Caller caller() {
        return ControlServer.Caller.CLAUDE;
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
        if (text.codePointCount(0, text.length()) > MAX_CODE_POINTS) {
            return ControlServer.Reply.error(413, "message too long: at most " + MAX_CODE_POINTS + " characters");
        }
        long retryAfter = admit();
        if (retryAfter > 0) {
            return new ControlServer.Reply(429, "rate limit: at most " + MAX_PER_MINUTE + " messages a minute",
                    retryAfter, null);
        }
        return ControlServer.Reply.ok(() -> poster.accept(text));
    }

    /** Sliding one-minute window; returns 0 when admitted, else the seconds until a slot frees. */
    private synchronized long admit() {
        long now = nanoTime.getAsLong();
        while (!recent.isEmpty() && now - recent.peekFirst() >= MINUTE_NANOS) {
            recent.removeFirst();
        }
        if (recent.size() >= MAX_PER_MINUTE) {
            return Math.max(1, (recent.peekFirst() + MINUTE_NANOS - now + 999_999_999L) / 1_000_000_000L);
        }
        recent.addLast(now);
        return 0;
    }
}
