package dev.cctask.control;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The notify route (SPEC §14): while a run is supervised, Claude's {@code notify -m TEXT} reaches the supervisor's
 * {@link ControlServer} with the per-run secret, and is posted on the run's own route. Claude then needs neither the
 * gateway token nor the chat id, and a progress message costs a local HTTP call instead of a JVM start.
 */
public final class NotifyRelay implements AutoCloseable, ControlServer.Route {
    public static final String URL_ENV = ControlEnv.URL_VARIABLE;
    public static final String SECRET_ENV = ControlEnv.SECRET_VARIABLE;
    static final int MAX_CODE_POINTS = 4000;
    static final int MAX_PER_MINUTE = 6;
    static final long READ_LIMIT_SECONDS = ControlServer.READ_LIMIT_SECONDS;
    private static final long MINUTE_NANOS = 60_000_000_000L;

    private final Consumer<String> poster;
    private final LongSupplier nanoTime;
    private final Deque<Long> recent = new ArrayDeque<>();
    private ControlServer server;

    private NotifyRelay(Consumer<String> poster, LongSupplier nanoTime) {
        this.poster = poster;
        this.nanoTime = nanoTime;
    }

    /** Starts the control server with the notify route; {@code poster} receives each accepted text. */
    public static NotifyRelay start(Consumer<String> poster) throws IOException {
        return start(poster, System::nanoTime);
    }

    static NotifyRelay start(Consumer<String> poster, LongSupplier nanoTime) throws IOException {
        NotifyRelay relay = new NotifyRelay(poster, nanoTime);
        relay.server = ControlServer.start(Map.of(ControlEnv.NOTIFY_PATH, relay));
        return relay;
    }

    /** The variables added to Claude's environment. */
    public Map<String, String> childEnv() {
        return Map.of(URL_ENV, url(), SECRET_ENV, server.secret());
    }

    String url() {
        return server.url(ControlEnv.NOTIFY_PATH);
    }

    @Override
    public int maxCodePoints() {
        return MAX_CODE_POINTS;
    }

    @Override
    public ControlServer.Reply handle(String text) {
        if (text.isBlank()) {
            return ControlServer.Reply.error(400, "empty message");
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

    @Override
    public void close() {
        server.close();
    }
}
