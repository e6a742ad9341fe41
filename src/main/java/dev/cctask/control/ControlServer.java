package dev.cctask.control;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cctask.PythonJson;
import dev.cctask.Threads;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A supervised run's control server (SPEC §14): HTTP on 127.0.0.1, an ephemeral port, a per-run secret, bounded
 * threads and read time, JSON replies, and a table of routes. Each route is one {@link Route}; the server does the
 * rest (method, secret, body size), so that a new route is one entry in the table.
 */
public final class ControlServer implements AutoCloseable {
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

    /** One route: the text POSTed to its path, read as UTF-8 after the secret was checked. */
    public interface Route {
        /** The longest text it takes, in code points; a longer one is refused with 413 and never handed over. */
        int maxCodePoints();

        /** The answer; {@link Reply#then} runs after it was sent. */
        Reply handle(String text);
    }

    /**
     * An answer: the HTTP status, null or the error reason ({@code {"status":"ok"}} or
     * {@code {"status":"error","error":REASON}}), a {@code Retry-After} in seconds (0: none), and what to do once the
     * client has its answer.
     */
    public record Reply(int status, String error, long retryAfterSeconds, Runnable then) {
        public static Reply ok(Runnable then) {
            return new Reply(200, null, 0, then);
        }

        public static Reply error(int status, String error) {
            return new Reply(status, error, 0, null);
        }
    }

    private final HttpServer server;
    private final String secret;

    private ControlServer(HttpServer server, String secret) {
        this.server = server;
        this.secret = secret;
    }

    /** Starts the server on an ephemeral loopback port with a new secret, answering on {@code routes}' paths. */
    public static ControlServer start(Map<String, Route> routes) throws IOException {
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        // read by the JDK server once, when the first server of the process is made: this is the only one
        System.getProperties().putIfAbsent(MAX_REQUEST_TIME, Long.toString(READ_LIMIT_SECONDS));
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        ControlServer control = new ControlServer(server, HexFormat.of().formatHex(random));
        routes.forEach((path, route) -> server.createContext(path, ex -> control.handle(ex, route)));
        ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(QUEUED), r -> Threads.daemon(r, "run-task-relay"));
        pool.allowCoreThreadTimeOut(true);
        server.setExecutor(pool);
        server.start();
        return control;
    }

    /** The secret clients send as {@code Authorization: Bearer}. */
    String secret() {
        return secret;
    }

    /** The URL of {@code path} on this server. */
    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private void handle(HttpExchange ex, Route route) throws IOException {
        Reply reply;
        try (ex) {
            reply = answer(ex, route);
            if (reply.retryAfterSeconds() > 0) {
                ex.getResponseHeaders().set("Retry-After", Long.toString(reply.retryAfterSeconds()));
            }
            send(ex, reply.status(), reply.error());
        }
        if (reply.then() != null) {
            reply.then().run();
        }
    }

    private Reply answer(HttpExchange ex, Route route) throws IOException {
        if (!"POST".equals(ex.getRequestMethod())) {
            return Reply.error(405, "method not allowed: POST the text");
        }
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !MessageDigest.isEqual(auth.getBytes(StandardCharsets.UTF_8),
                ("Bearer " + secret).getBytes(StandardCharsets.UTF_8))) {
            return Reply.error(403, "wrong or missing relay secret");
        }
        String text = readText(ex.getRequestBody(), route.maxCodePoints());
        if (text == null) {
            return Reply.error(413, "message too long: at most " + route.maxCodePoints() + " characters");
        }
        return route.handle(text);
    }

    /** Reads at most {@code max} code points; null when the body is longer. */
    private static String readText(InputStream body, int max) throws IOException {
        byte[] bytes = body.readNBytes(max * 4 + 1);
        String text = new String(bytes, StandardCharsets.UTF_8);
        return bytes.length > max * 4 || text.codePointCount(0, text.length()) > max ? null : text;
    }

    private static void send(HttpExchange ex, int code, String error) throws IOException {
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
        ((ExecutorService) server.getExecutor()).shutdownNow();
    }
}
