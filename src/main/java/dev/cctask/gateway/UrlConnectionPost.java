package dev.cctask.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * {@link HttpPost} with the JDK's {@code HttpURLConnection}, for one post from a short-lived command. The timeout
 * bounds connecting (at most {@link GatewayClient#CONNECT_TIMEOUT}) and each read of the answer.
 */
final class UrlConnectionPost implements HttpPost {
    static {
        // The JDK sends a POST again when reading its answer fails (the gateway went away mid-request): that could
        // post a message twice. (A streamed body is never re-sent, but streaming mode throws away a 401's body.)
        System.setProperty("sun.net.http.retryPost", "false");
    }

    @Override
    public Answer post(String url, Map<String, String> headers, String contentType, byte[] body, Duration timeout)
            throws IOException {
        HttpURLConnection c = (HttpURLConnection) HttpPost.httpUri(url).toURL().openConnection(Proxy.NO_PROXY);
        try {
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
        } finally {
            c.disconnect();
        }
    }

    @Override
    public void close() {
    }
}
