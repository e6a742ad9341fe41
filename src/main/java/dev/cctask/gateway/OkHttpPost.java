package dev.cctask.gateway;

import java.io.IOException;
import java.net.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.ConnectionSpec;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * {@link HttpPost} with OkHttp: connections are pooled, the whole call is bounded by its timeout. The client is
 * built on first use, cleartext only (skipping TLS spares loading the trust store).
 */
final class OkHttpPost implements HttpPost {
    private OkHttpClient http;

    @Override
    public Answer post(String url, Map<String, String> headers, String contentType, byte[] body, Duration timeout)
            throws IOException {
        HttpUrl target = HttpUrl.get(HttpPost.httpUri(url).toString());
        Request.Builder request = new Request.Builder()
                .url(target)
                .header("User-Agent", USER_AGENT)
                .post(RequestBody.create(body, MediaType.get(contentType)));
        for (Map.Entry<String, String> header : headers.entrySet()) {
            request.header(header.getKey(), header.getValue());
        }
        Call call = client().newCall(request.build());
        call.timeout().timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        try (Response response = call.execute()) {
            return new Answer(response.code(), response.body().string(), response.header("Retry-After"));
        }
    }

    @Override
    public synchronized void cancelAll() {
        if (http != null) {
            http.dispatcher().cancelAll(); // synchronous calls too
        }
    }

    @Override
    public synchronized void close() {
        if (http != null) {
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
            http = null;
        }
    }

    private synchronized OkHttpClient client() {
        if (http == null) {
            // each call has its own timeout, so there is no separate read or write limit
            http = new OkHttpClient.Builder()
                    .connectionSpecs(List.of(ConnectionSpec.CLEARTEXT))
                    .proxy(Proxy.NO_PROXY)
                    .followRedirects(false)
                    .connectTimeout(GatewayClient.CONNECT_TIMEOUT)
                    .readTimeout(Duration.ZERO)
                    .writeTimeout(Duration.ZERO)
                    .build();
        }
        return http;
    }
}
