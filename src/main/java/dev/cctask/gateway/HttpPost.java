package dev.cctask.gateway;

import dev.cctask.Version;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Map;

/**
 * One HTTP POST to a peer on loopback (the gateway, the notify relay): plain HTTP only, no proxy, no redirects.
 * The seam between what claude-code-task says and the HTTP library that says it:
 * <ul>
 *   <li>{@link #pooled()}, OkHttp, for processes that post many times (the supervisor, {@code deliver});
 *   <li>{@link #oneShot()}, the JDK's {@code HttpURLConnection}, for a command that posts once and exits:
 *       {@code notify} then starts without initialising OkHttp, about 60 ms less (bench/RESULTS.md).
 * </ul>
 */
public interface HttpPost extends AutoCloseable {
    /** Sent with every request. */
    String USER_AGENT = "claude-code-task/" + Version.get();

    /** The answer: status, body decoded as UTF-8, and the {@code Retry-After} header (null when absent). */
    record Answer(int status, String body, String retryAfter) {}

    /**
     * @param headers request headers besides {@code Content-Type} and {@code User-Agent}
     * @param timeout bounds the whole call: connecting, sending and reading the whole answer
     * @throws MalformedURLException when {@code url} is not an {@code http://} URL; nothing was sent
     * @throws IOException when no answer arrived: {@link java.net.ConnectException} when nothing listens,
     *     {@link java.io.InterruptedIOException} on timeout
     */
    Answer post(String url, Map<String, String> headers, String contentType, byte[] body, Duration timeout)
            throws IOException;

    /** Ends the posts under way from another thread: they throw an {@link IOException}. */
    void cancelAll();

    /** Releases pooled connections and threads. */
    @Override
    void close();

    static HttpPost pooled() {
        return new OkHttpPost();
    }

    static HttpPost oneShot() {
        return new UrlConnectionPost();
    }

    /** {@code url} when it is an absolute {@code http://host…} URL (both libraries then agree on what it names). */
    static URI httpUri(String url) throws MalformedURLException {
        try {
            URI uri = new URI(url);
            if ("http".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new MalformedURLException("not an http:// URL: " + url);
    }
}
