package dev.cctask.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A JDK HttpServer on 127.0.0.1, ephemeral port, one thread per exchange (so a stalled reply blocks nobody else).
 * Handlers that wait (long polls, stalls, pauses) wait on {@link #sleep}, which {@link #close()} cuts short.
 */
abstract class LoopbackServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService pool;
    private final CountDownLatch closed = new CountDownLatch(1);

    LoopbackServer(String name) {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
        server.createContext("/", exchange -> {
            try (exchange) {
                handle(exchange);
            } catch (IOException e) {
                // the client went away (e.g. a long poll cut by the gateway's shutdown): nothing to answer
            } catch (RuntimeException e) {
                System.err.println(name + ": " + e);
                throw e;
            }
        });
        server.start();
    }

    abstract void handle(HttpExchange exchange) throws IOException;

    int port() {
        return server.getAddress().getPort();
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + port());
    }

    boolean isClosed() {
        return closed.getCount() == 0;
    }

    /** Waits {@code d}, or less when the server closes; true when the full time passed. */
    boolean sleep(Duration d) {
        try {
            return !closed.await(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Blocks until the server closes (a reply that never ends). */
    void stallUntilClosed() {
        sleep(Duration.ofDays(1));
    }

    static String body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    static void sendJson(HttpExchange exchange, int status, Object body) throws IOException {
        send(exchange, status, "application/json", Json.write(body));
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        pool.shutdownNow();
    }
}
