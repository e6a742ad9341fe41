package dev.cctask.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * A stand-in for the OpenClaw gateway's {@code POST /tools/invoke} on 127.0.0.1 (ephemeral port): records every
 * request and answers like the real gateway (GATEWAY.md §3–§5) unless a test scripts another answer.
 */
public final class FakeGateway implements AutoCloseable {
    public static final String TOKEN = "gw-test-token-5f2c9a";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One received request: tool, parsed body, and when it arrived. */
    public record Call(String path, String tool, JsonNode body, String authorization, String idempotencyKey,
            long atMillis) {
        public String text() {
            JsonNode m = body.path("args").path("message");
            return m.isTextual() ? m.asText() : null;
        }
    }

    private final MockWebServer server = new MockWebServer();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private volatile Function<Call, MockResponse> script = FakeGateway::accept;

    public FakeGateway() throws IOException {
        this(0);
    }

    /** A gateway on a given loopback port (one a test reserved earlier, to start the gateway late). */
    public static FakeGateway onPort(int port) throws IOException {
        return new FakeGateway(port);
    }

    private FakeGateway(int port) throws IOException {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String raw = request.getBody() == null ? "" : request.getBody().utf8();
                JsonNode body;
                try {
                    body = JSON.readTree(raw);
                } catch (IOException e) {
                    body = JSON.createObjectNode();
                }
                Call call = new Call(request.getUrl().encodedPath(), body.path("tool").asText(null), body,
                        request.getHeaders().get("Authorization"), request.getHeaders().get("Idempotency-Key"),
                        System.currentTimeMillis());
                calls.add(call);
                return script.apply(call);
            }
        });
        server.start(java.net.InetAddress.getByName("127.0.0.1"), port);
    }

    /** The real gateway's answers: message sent, sessions_send accepted. */
    public static MockResponse accept(Call call) {
        String details = "sessions_send".equals(call.tool())
                ? "{\"runId\":\"r1\",\"status\":\"accepted\",\"sessionKey\":\"k\"}"
                : "{\"ok\":true,\"messageId\":\"101\"}";
        return json(200, "{\"ok\":true,\"result\":{\"content\":[],\"details\":" + details + "}}");
    }

    public static MockResponse json(int code, String body) {
        return new MockResponse.Builder().code(code).setHeader("Content-Type", "application/json").body(body).build();
    }

    public void script(Function<Call, MockResponse> answer) {
        this.script = answer;
    }

    public int port() {
        return server.getPort();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getPort();
    }

    public List<Call> calls() {
        return new ArrayList<>(calls);
    }

    /** Forgets the calls seen so far (a test that runs several launches against one gateway). */
    public void clearCalls() {
        calls.clear();
    }

    public List<String> messageTexts() {
        return calls.stream().filter(c -> "message".equals(c.tool())).map(Call::text).toList();
    }

    /** Waits until a call matching the predicate has arrived. */
    public Call await(Predicate<Call> what, Duration max) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < end) {
            for (Call c : calls) {
                if (what.test(c)) {
                    return c;
                }
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        throw new AssertionError("no matching gateway call within " + max + "; calls: " + calls);
    }

    /** Writes an openclaw.json pointing at this server with the test token. */
    public Path writeConfig(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path cfg = dir.resolve("openclaw.json");
        Files.writeString(cfg, "// test config (JSON5)\n{ gateway: { port: " + port()
                + ", auth: { mode: 'token', token: '" + TOKEN + "' }, tools: { allow: ['sessions_send'] } } }\n",
                StandardCharsets.UTF_8);
        return cfg;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
