package dev.cctask.gateway;

import dev.cctask.Threads;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link HttpPost} with the JDK's {@code HttpURLConnection}, for one post from a short-lived command. The timeout
 * bounds the whole call: {@code HttpURLConnection} only limits connecting and each read, so a peer that trickles
 * its answer a byte at a time would hold it forever. The exchange therefore runs on a daemon thread that the caller
 * stops waiting for at the timeout; that thread ends at its next read timeout, or with the process.
 */
final class UrlConnectionPost implements HttpPost {
    static {
        // The JDK sends a POST again when reading its answer fails (the gateway went away mid-request): that could
        // post a message twice. (A streamed body is never re-sent, but streaming mode throws away a 401's body.)
        System.setProperty("sun.net.http.retryPost", "false");
    }

    private final Set<CompletableFuture<Answer>> underWay = ConcurrentHashMap.newKeySet();

    @Override
    public Answer post(String url, Map<String, String> headers, String contentType, byte[] body, Duration timeout)
            throws IOException {
        HttpURLConnection c = (HttpURLConnection) HttpPost.httpUri(url).toURL().openConnection(Proxy.NO_PROXY);
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        Thread exchange = Threads.daemon(() -> {
            try {
                answer.complete(exchange(c, headers, contentType, body, timeout));
            } catch (Throwable t) {
                answer.completeExceptionally(t);
            } finally {
                c.disconnect();
            }
        }, "run-task-http-post");
        underWay.add(answer);
        try {
            exchange.start();
            return answer.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new SocketTimeoutException("no complete answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException unchecked) {
                throw unchecked;
            }
            throw new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the answer");
        } finally {
            underWay.remove(answer);
        }
    }

    private static Answer exchange(HttpURLConnection c, Map<String, String> headers, String contentType, byte[] body,
            Duration timeout) throws IOException {
        c.setRequestMethod("POST");
        c.setInstanceFollowRedirects(false);
        c.setUseCaches(false);
        c.setConnectTimeout((int) Math.min(timeout.toMillis(), GatewayClient.CONNECT_TIMEOUT.toMillis()));
        c.setReadTimeout((int) timeout.toMillis());
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", contentType);
        c.setRequestProperty("User-Agent", USER_AGENT);
        for (Map.Entry<String, String> header : headers.entrySet()) {
            c.setRequestProperty(header.getKey(), header.getValue());
        }
        try (OutputStream out = c.getOutputStream()) {
            out.write(body);
        }
        int status = c.getResponseCode();
        if (status < 0) {
            throw new IOException("the answer is not HTTP");
        }
        InputStream answer = status >= 400 ? c.getErrorStream() : c.getInputStream();
        String text = "";
        if (answer != null) {
            try (InputStream in = answer) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        return new Answer(status, text, c.getHeaderField("Retry-After"));
    }

    @Override
    public void cancelAll() {
        underWay.forEach(answer -> answer.completeExceptionally(new IOException("Canceled")));
    }

    @Override
    public void close() {
    }
}
