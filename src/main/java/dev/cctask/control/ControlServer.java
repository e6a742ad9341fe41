package dev.cctask.control;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cctask.PythonJson;
import dev.cctask.Threads;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A supervised run's control server (SPEC §14, issue 17): HTTP on 127.0.0.1, an ephemeral port, bounded threads and
 * read time, JSON replies, and a table of routes. Each route is one {@link Route}; the server does the rest (method,
 * secret, body size, one control request at a time), so that a new route is one entry in the table.
 *
 * <p>Two per-run secrets, one per {@link Caller}: Claude gets the notify secret in its environment; run-task's own
 * commands read the control secret from the run's control file ({@link ControlFile}), which Claude is never given.
 * A route takes only its caller's secret: the notify secret opens no control route.
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

    /** Who calls a route, and so which secret it takes. */
    public enum Caller {
        /** Claude and what it runs: the notify secret of its environment. */
        CLAUDE("relay"),
        /** run-task's own commands ({@code steer}): the control secret of the control file. One request at a time. */
        RUN_TASK("control");

        private final String secretName;

        Caller(String secretName) {
            this.secretName = secretName;
        }
    }

    /** One route: the text POSTed to its path, read as UTF-8 after the secret was checked. */
    public interface Route {
        Caller caller();

        /** The longest body it takes, in bytes; a longer one is refused with 413 and never handed over. */
        int maxBytes();

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
    private final Map<Caller, String> secrets = new EnumMap<>(Caller.class);
    /** At most one control request ({@link Caller#RUN_TASK}) is served at a time; another one meanwhile gets 429. */
    private final Semaphore controlRequest = new Semaphore(1);

    private ControlServer(HttpServer server) {
        this.server = server;
        SecureRandom random = new SecureRandom();
        for (Caller caller : Caller.values()) {
            byte[] bytes = new byte[16];
            random.nextBytes(bytes);
            secrets.put(caller, HexFormat.of().formatHex(bytes));
        }
    }

    /** Starts the server on an ephemeral loopback port with new secrets, answering on {@code routes}' paths. */
    public static ControlServer start(Map<String, Route> routes) throws IOException {
        // read by the JDK server once, when the first server of the process is made: this is the only one
        System.getProperties().putIfAbsent(MAX_REQUEST_TIME, Long.toString(READ_LIMIT_SECONDS));
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        ControlServer control = new ControlServer(server);
        routes.forEach((path, route) -> server.createContext(path, ex -> control.handle(ex, route)));
        ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(QUEUED), r -> Threads.daemon(r, "run-task-relay"));
        pool.allowCoreThreadTimeOut(true);
        server.setExecutor(pool);
        server.start();
        return control;
    }

    /** The secret {@code caller} sends as {@code Authorization: Bearer}. */
    String secret(Caller caller) {
        return secrets.get(caller);
    }

    /** The URL of {@code path} on this server ({@code ""}: the server's own). */
    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private void handle(HttpExchange ex, Route route) throws IOException {
        Held reply;
        boolean held = false;
        try (ex) {
            reply = answer(ex, route);
            held = reply.held();
            if (reply.reply().retryAfterSeconds() > 0) {
                ex.getResponseHeaders().set("Retry-After", Long.toString(reply.reply().retryAfterSeconds()));
            }
            send(ex, reply.reply().status(), reply.reply().error());
        } finally {
            if (held) {
                controlRequest.release();
            }
        }
        if (reply.reply().then() != null) {
            reply.reply().then().run();
        }
    }

    /** A reply, and whether it holds the control request's permit until it is sent. */
    private record Held(Reply reply, boolean held) {}

    private Held answer(HttpExchange ex, Route route) throws IOException {
        if (!"POST".equals(ex.getRequestMethod())) {
            return new Held(Reply.error(405, "method not allowed: POST the text"), false);
        }
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !MessageDigest.isEqual(auth.getBytes(StandardCharsets.UTF_8),
                ("Bearer " + secret(route.caller())).getBytes(StandardCharsets.UTF_8))) {
            return new Held(Reply.error(403, "wrong or missing " + route.caller().secretName + " secret"), false);
        }
        if (route.caller() != Caller.RUN_TASK) {
            return new Held(read(ex, route), false);
        }
        if (!controlRequest.tryAcquire()) {
            return new Held(new Reply(429, "busy: the run serves one control request at a time", 1, null), false);
        }
        try {
            return new Held(read(ex, route), true);
        } catch (IOException | RuntimeException e) {
            controlRequest.release();
            throw e;
        }
    }

    private static Reply read(HttpExchange ex, Route route) throws IOException {
        byte[] bytes = ex.getRequestBody().readNBytes(route.maxBytes() + 1);
        if (bytes.length > route.maxBytes()) {
            return Reply.error(413, "message too long: at most " + route.maxBytes() + " bytes");
        }
        return route.handle(new String(bytes, StandardCharsets.UTF_8));
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

    /** How long closing waits for a control request under way to send its reply (its answer may end the run). */
    static final long CLOSE_WAIT_MILLIS = 2000;

    @Override
    public void close() {
        try {
            // a control request under way (an answer that let Claude finish) gets its reply before the server stops
            if (controlRequest.tryAcquire(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                controlRequest.release();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
    }
}
