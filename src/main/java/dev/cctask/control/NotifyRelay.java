package dev.cctask.control;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cctask.PythonJson;
import dev.cctask.Threads;
import dev.cctask.gateway.Notifier;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The notify relay (SPEC §14): while a run is supervised, Claude's {@code notify -m TEXT} reaches the supervisor on
 * 127.0.0.1 with a per-run secret, and is posted on the run's own route. Claude then needs neither the gateway
 * token nor the chat id, and a progress message costs a local HTTP call instead of a JVM start.
 */
public final class NotifyRelay implements AutoCloseable {
    public static final String URL_ENV = Notifier.RELAY_URL_VARIABLE;
    public static final String SECRET_ENV = Notifier.RELAY_SECRET_VARIABLE;
    static final int MAX_CODE_POINTS = 4000;
    static final int MAX_PER_MINUTE = 6;
    /**
     * A request (headers and body) not read within this many seconds is dropped: the JDK server's
     * {@code sun.net.httpserver.maxReqTime}, unless set on the command line. A slow or stalled client then holds
     * one of the {@link #THREADS} request threads for at most this long, and never the others.
     */
    static final long READ_LIMIT_SECONDS = 10;
    static final int THREADS = 4;
    /** Requests waiting for a thread beyond these are refused (the connection is closed). */
    static final int QUEUED = 32;
    private static final String MAX_REQUEST_TIME = "sun.net.httpserver.maxReqTime";
    private static final long MINUTE_NANOS = 60_000_000_000L;

    private final HttpServer server;
    private final String secret;
    private final Consumer<String> poster;
    private final LongSupplier nanoTime;
    private final Deque<Long> recent = new ArrayDeque<>();

    private NotifyRelay(HttpServer server, String secret, Consumer<String> poster, LongSupplier nanoTime) {
        this.server = server;
        this.secret = secret;
        this.poster = poster;
        this.nanoTime = nanoTime;
    }

    /** Starts the relay on an ephemeral loopback port; {@code poster} receives each accepted text. */
    public static NotifyRelay start(Consumer<String> poster) throws IOException {
        return start(poster, System::nanoTime);
    }

    static NotifyRelay start(Consumer<String> poster, LongSupplier nanoTime) throws IOException {
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        // read by the JDK server once, when the first server of the process is made: the relay is the only one
        System.getProperties().putIfAbsent(MAX_REQUEST_TIME, Long.toString(READ_LIMIT_SECONDS));
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        NotifyRelay relay = new NotifyRelay(server, HexFormat.of().formatHex(random), poster, nanoTime);
        server.createContext("/notify", relay::handle);
        ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(QUEUED), r -> Threads.daemon(r, "run-task-relay"));
        pool.allowCoreThreadTimeOut(true);
        server.setExecutor(pool);
        server.start();
        return relay;
    }

    /** The variables added to Claude's environment. */
    public Map<String, String> childEnv() {
        return Map.of(URL_ENV, url(), SECRET_ENV, secret);
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/notify";
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (!"POST".equals(ex.getRequestMethod())) {
                reply(ex, 405, "method not allowed: POST the text");
                return;
            }
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth == null || !MessageDigest.isEqual(auth.getBytes(StandardCharsets.UTF_8),
                    ("Bearer " + secret).getBytes(StandardCharsets.UTF_8))) {
                reply(ex, 403, "wrong or missing relay secret");
                return;
            }
            String text = readText(ex.getRequestBody());
            if (text == null) {
                reply(ex, 413, "message too long: at most " + MAX_CODE_POINTS + " characters");
                return;
            }
            if (text.isBlank()) {
                reply(ex, 400, "empty message");
                return;
            }
            long retryAfter = admit();
            if (retryAfter > 0) {
                ex.getResponseHeaders().set("Retry-After", Long.toString(retryAfter));
                reply(ex, 429, "rate limit: at most " + MAX_PER_MINUTE + " messages a minute");
                return;
            }
            reply(ex, 200, null);
            poster.accept(text);
        }
    }

    /** Reads at most 4000 code points; null when the body is longer. */
    private static String readText(InputStream body) throws IOException {
        byte[] bytes = body.readNBytes(MAX_CODE_POINTS * 4 + 1);
        String text = new String(bytes, StandardCharsets.UTF_8);
        return bytes.length > MAX_CODE_POINTS * 4 || text.codePointCount(0, text.length()) > MAX_CODE_POINTS ? null : text;
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

    private static void reply(HttpExchange ex, int code, String error) throws IOException {
        ObjectNode status = PythonJson.mapper().createObjectNode().put("status", error == null ? "ok" : "error");
        if (error != null) {
            status.put("error", error);
        }
        byte[] bytes = PythonJson.mapper().writeValueAsBytes(status);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
