package dev.cctask.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cctask.Env;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GatewayClientTest {
    private static final String TOKEN = "gw-token-5f3a9c";
    private static final String HOOKS_TOKEN = "hooks-token-77e1";
    private static final Route TOPIC = new Route("telegram", "-1001234567890", "42", null, "group");
    private static final String SUCCESS = "{\"ok\":true,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"{}\"}],"
            + "\"details\":{\"ok\":true,\"messageId\":\"101\",\"chatId\":\"-1001234567890\",\"receipt\":{}}}}";

    @TempDir
    Path home;

    private final MockWebServer server = new MockWebServer();
    private final List<String> described = new ArrayList<>();
    private GatewayClient client;

    @BeforeEach
    void start() throws IOException {
        server.start(InetAddress.getByName("127.0.0.1"), 0);
        client = clientFor("{gateway:{auth:{token:'" + TOKEN + "'}}, hooks:{enabled:true, token:'" + HOOKS_TOKEN
                + "', path:'/hk'}}");
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
        for (String line : described) {
            assertFalse(line.contains(TOKEN) || line.contains(HOOKS_TOKEN), line);
            assertFalse(line.contains("\n"), line);
        }
    }

    private GatewayClient clientFor(String config) throws IOException {
        Path file = home.resolve("openclaw.json");
        Files.writeString(file, config, StandardCharsets.UTF_8);
        GatewayConfig c = GatewayConfig.load(
                new Env(Map.of("OPENCLAW_CONFIG_PATH", file.toString()), home), server.url("/").toString(), null);
        return new GatewayClient(c, http(), Duration.ofMillis(500), Duration.ofMillis(500));
    }

    /** The HTTP library under test; {@link GatewayClientOneShotTest} runs every test with the other one. */
    HttpPost http() {
        return HttpPost.pooled();
    }

    private void answer(int code, String body) {
        server.enqueue(new MockResponse.Builder().code(code).body(body).build());
    }

    private Outcome post(Transport transport, JsonNode body) {
        Outcome o = client.post(transport, body, "run-1");
        described.add(o.describe());
        described.add(o.toString());
        return o;
    }

    private RecordedRequest taken() throws InterruptedException {
        return server.takeRequest(5, TimeUnit.SECONDS);
    }

    @Test
    void messageSendsTheExactBodyAndHeaders() throws InterruptedException {
        answer(200, SUCCESS);
        Outcome o = client.sendMessage(new Route("telegram", "-1001234567890", "42", "acc", "group"), "hi 📡", true);
        described.add(o.describe());
        assertEquals(new Outcome.Accepted(200, "message accepted"), o);
        RecordedRequest r = taken();
        assertEquals("POST", r.getMethod());
        assertEquals("/tools/invoke", r.getTarget());
        assertEquals("{\"tool\":\"message\",\"args\":{\"action\":\"send\",\"channel\":\"telegram\","
                + "\"target\":\"-1001234567890\",\"message\":\"hi 📡\",\"threadId\":\"42\",\"accountId\":\"acc\","
                + "\"silent\":true}}", r.getBody().utf8());
        assertEquals("Bearer " + TOKEN, r.getHeaders().get("Authorization"));
        assertEquals("application/json", r.getHeaders().get("Content-Type"));
        assertEquals("claude-code-task/0.1.0", r.getHeaders().get("User-Agent"));
        assertNull(r.getHeaders().get("Idempotency-Key"));
    }

    @Test
    void messageBodyWithoutOptionalArgs() {
        assertEquals("{\"tool\":\"message\",\"args\":{\"action\":\"send\",\"channel\":\"whatsapp\","
                        + "\"target\":\"120363000000000000@g.us\",\"message\":\"x\"}}",
                Bodies.message(new Route("whatsapp", "120363000000000000@g.us", null, null, "group"), "x", false)
                        .toString());
    }

    @Test
    void sessionsSendBodyNamesTheKeyTwiceWithTimeoutZero() throws InterruptedException {
        answer(200, sendDetails("{\"runId\":\"r\",\"status\":\"accepted\",\"sessionKey\":\"K\"}"));
        assertEquals(new Outcome.Accepted(200, "sessions_send accepted (status accepted)"),
                post(Transport.TOOLS_INVOKE, Bodies.sessionsSend("agent:main:main", "wake ✅")));
        assertEquals("{\"tool\":\"sessions_send\",\"sessionKey\":\"agent:main:main\",\"args\":{\"sessionKey\":"
                + "\"agent:main:main\",\"message\":\"wake ✅\",\"timeoutSeconds\":0}}", taken().getBody().utf8());
    }

    @Test
    void hooksUseTheHooksTokenPathAndIdempotencyKey() throws InterruptedException {
        answer(200, "{\"ok\":true,\"runId\":\"0e830e76\"}");
        Outcome o = post(Transport.HOOKS_AGENT, Bodies.hooksAgent("payload", "main", TOPIC));
        assertEquals(new Outcome.Accepted(200, "hooks accepted (runId 0e830e76)"), o);
        RecordedRequest r = taken();
        assertEquals("/hk/agent", r.getTarget());
        assertEquals("Bearer " + HOOKS_TOKEN, r.getHeaders().get("Authorization"));
        assertEquals("run-1", r.getHeaders().get("Idempotency-Key"));
        assertEquals("{\"message\":\"payload\",\"name\":\"claude-code-task\",\"agentId\":\"main\","
                + "\"channel\":\"telegram\",\"to\":\"-1001234567890:topic:42\",\"deliver\":true,"
                + "\"waitForCompletion\":false}", r.getBody().utf8());
    }

    @Test
    void hooksBodyWithoutRouteOrAgentAndWithAnAccount() {
        assertEquals("{\"message\":\"p\",\"name\":\"claude-code-task\",\"deliver\":true,\"waitForCompletion\":false}",
                Bodies.hooksAgent("p", null, null).toString());
        assertEquals("{\"message\":\"p\",\"name\":\"claude-code-task\",\"agentId\":\"ops\",\"channel\":\"discord\","
                        + "\"to\":\"channel:1\",\"accountId\":\"biz\",\"deliver\":true,\"waitForCompletion\":false}",
                Bodies.hooksAgent("p", "ops", new Route("discord", "channel:1", "9", "biz", "channel")).toString());
    }

    /** GATEWAY.md §3.3 response table and SPEC §7.5 classification, for a message send. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            message | 401 | {"error":{"message":"Unauthorized","type":"unauthorized"}} | NeedsFix | HTTP 401: {"error":{"message":"Unauthorized","type":"unauthorized"}} — wrong gateway token (from gateway.auth.token): it must match gateway.auth.token; a gateway started without a persisted token uses a random one, so persist one with "openclaw config set gateway.auth.token <token>" and restart the gateway
            message | 405 | Method Not Allowed | Permanent | HTTP 405: Method Not Allowed
            message | 413 | {"error":{"message":"Payload too large","type":"invalid_request_error"}} | Permanent | HTTP 413: {"error":{"message":"Payload too large","type":"invalid_request_error"}} — the request is too large for the gateway
            message | 400 | {"error":{"message":"Expected property name or '}' in JSON at position 1 (line 1 column 2)","type":"invalid_request_error"}} | Permanent | HTTP 400: {"error":{"message":"Expected property name or '}' in JSON at position 1 (line 1 column 2)","type":"invalid_request_error"}}
            message | 400 | {"ok":false,"error":{"type":"invalid_request","message":"tools.invoke requires name"}} | Permanent | HTTP 400: {"ok":false,"error":{"type":"invalid_request","message":"tools.invoke requires name"}}
            message | 400 | {"ok":false,"error":{"type":"invalid_request","message":"Unknown agent id \\"nosuch\\""}} | Permanent | HTTP 400: {"ok":false,"error":{"type":"invalid_request","message":"Unknown agent id \\"nosuch\\""}}
            message | 400 | {"ok":false,"error":{"type":"tool_error","message":"action required"}} | Permanent | HTTP 400: {"ok":false,"error":{"type":"tool_error","message":"action required"}}
            message | 404 | {"ok":false,"error":{"type":"not_found","message":"Tool not available: message"}} | NeedsFix | HTTP 404: {"ok":false,"error":{"type":"not_found","message":"Tool not available: message"}} — tool message not available over HTTP: remove "message" from gateway.tools.deny and the tool policy
            sessions_send | 404 | {"ok":false,"error":{"type":"not_found","message":"Tool not available: sessions_send"}} | NeedsFix | HTTP 404: {"ok":false,"error":{"type":"not_found","message":"Tool not available: sessions_send"}} — add "sessions_send" to gateway.tools.allow: "gateway": {"tools": {"allow": ["sessions_send"]}}
            message | 403 | {"ok":false,"error":{"type":"tool_call_blocked","message":"blocked","requiresApproval":false}} | NeedsFix | HTTP 403: {"ok":false,"error":{"type":"tool_call_blocked","message":"blocked","requiresApproval":false}} — blocked by the gateway's tool policy
            message | 408 | Request Timeout | Retryable | HTTP 408: Request Timeout — the gateway timed out reading the request
            message | 500 | {"ok":false,"error":{"type":"tool_error","message":"tool execution failed"}} | Retryable | HTTP 500: {"ok":false,"error":{"type":"tool_error","message":"tool execution failed"}} — the real cause is only in the gateway log: run "openclaw logs" or see /tmp/openclaw/openclaw-*.log
            message | 503 | {"error":{"message":"Gateway context is unavailable; retry shortly.","type":"unavailable"}} | Retryable | HTTP 503: {"error":{"message":"Gateway context is unavailable; retry shortly.","type":"unavailable"}} — the real cause is only in the gateway log: run "openclaw logs" or see /tmp/openclaw/openclaw-*.log
            """)
    void classifiesErrorResponses(String tool, int code, String body, String kind, String describe) {
        answer(code, body);
        if (code == 408) {
            answer(code, body); // OkHttp itself repeats a request answered 408 once (the body was not read)
        }
        JsonNode request = tool.equals("message")
                ? Bodies.message(TOPIC, "x", false)
                : Bodies.sessionsSend("agent:main:main", "x");
        Outcome o = post(Transport.TOOLS_INVOKE, request);
        assertEquals(kind, o.getClass().getSimpleName());
        assertEquals(code, o.httpStatus());
        assertEquals(describe, o.describe());
    }

    @Test
    void rateLimitCarriesRetryAfter() {
        server.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", "30").body(
                "{\"error\":{\"message\":\"Too many failed authentication attempts. Please try again later.\","
                        + "\"type\":\"rate_limited\"}}").build());
        Outcome o = post(Transport.TOOLS_INVOKE, Bodies.message(TOPIC, "x", false));
        Outcome.Retryable r = assertInstanceOf(Outcome.Retryable.class, o);
        assertEquals(Duration.ofSeconds(30), r.retryAfter());
        assertTrue(r.describe().endsWith(" — rate limited (after failed logins even the right token is refused until"
                + " the lockout ends); retry after 30s"), r.describe());
    }

    @Test
    void retryAfterAcceptsSecondsAndHttpDates() {
        Instant now = Instant.parse("2026-11-24T02:15:00Z");
        assertEquals(Duration.ofSeconds(2), GatewayClient.retryAfter("2", now));
        assertEquals(Duration.ofSeconds(90), GatewayClient.retryAfter("Tue, 24 Nov 2026 02:16:30 GMT", now));
        assertEquals(Duration.ZERO, GatewayClient.retryAfter("Tue, 24 Nov 2026 02:00:00 GMT", now));
        assertEquals(Duration.ZERO, GatewayClient.retryAfter("soon", now));
        assertEquals(Duration.ZERO, GatewayClient.retryAfter(null, now));
    }

    private static String sendDetails(String details) {
        return "{\"ok\":true,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"…\"}],\"details\":" + details + "}}";
    }

    /** GATEWAY.md §5.2 results of sessions_send and SPEC §7.5. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {"runId":"r","status":"accepted","targetDisposition":"queued"} | Accepted | sessions_send accepted (status accepted)
            {"runId":"r","status":"ok","reply":"FAKE-REPLY"} | Accepted | sessions_send accepted (status ok)
            {"status":"queued","notificationId":"n","runStarted":false} | Accepted | sessions_send accepted (status queued)
            {"runId":"r","status":"error","error":"No session found: agent:main:whatsapp:group:120363000000000000@g.us"} | Permanent | sessions_send status error: No session found: agent:main:whatsapp:group:120363000000000000@g.us — the session exists only after its chat has had traffic; check the key with "run-task doctor --session <key>"
            {"runId":"r","status":"error","error":"sessions_send cannot target the calling session; use your own reply instead"} | Permanent | sessions_send status error: sessions_send cannot target the calling session; use your own reply instead
            {"runId":"r","status":"error","error":"No route-compatible authentication source is configured for openai."} | Retryable | sessions_send status error: No route-compatible authentication source is configured for openai.
            {"runId":"r","status":"forbidden","error":"visibility"} | Retryable | sessions_send status forbidden: visibility — set tools.sessions.visibility to "agent" or "all" in the OpenClaw config
            {"runId":"r","status":"timeout","sentBeforeError":true} | Retryable | sessions_send status timeout
            """)
    void classifiesSessionsSendResults(String details, String kind, String describe) {
        answer(200, sendDetails(details));
        Outcome o = post(Transport.TOOLS_INVOKE, Bodies.sessionsSend("agent:main:main", "x"));
        assertEquals(kind, o.getClass().getSimpleName());
        assertEquals(describe, o.describe());
    }

    @Test
    void threadSessionRejectionIsRetriedOnceWithTheParentKey() throws InterruptedException {
        String key = "agent:main:telegram:group:-1001234567890:topic:42";
        answer(200, sendDetails("{\"runId\":\"r\",\"status\":\"error\",\"error\":\"sessions_send cannot target a thread"
                + " session for inter-agent coordination. Use the parent channel session key instead.\","
                + "\"sessionKey\":\"" + key + "\"}"));
        answer(200, sendDetails("{\"runId\":\"r2\",\"status\":\"accepted\"}"));
        Outcome o = post(Transport.TOOLS_INVOKE, Bodies.sessionsSend(key, "payload names topic 42"));
        assertEquals(new Outcome.Accepted(200, "sessions_send accepted (status accepted) (after retrying with parent"
                + " key agent:main:telegram:group:-1001234567890)"), o);
        taken();
        assertEquals("{\"tool\":\"sessions_send\",\"sessionKey\":\"agent:main:telegram:group:-1001234567890\","
                + "\"args\":{\"sessionKey\":\"agent:main:telegram:group:-1001234567890\","
                + "\"message\":\"payload names topic 42\",\"timeoutSeconds\":0}}", taken().getBody().utf8());
        assertEquals(2, server.getRequestCount());
    }

    @Test
    void threadRejectionOfAKeyWithoutSuffixIsPermanent() {
        answer(200, sendDetails("{\"status\":\"error\",\"error\":\"sessions_send cannot target a thread session\"}"));
        Outcome o = post(Transport.TOOLS_INVOKE, Bodies.sessionsSend("agent:main:main", "x"));
        assertInstanceOf(Outcome.Permanent.class, o);
        assertEquals(1, server.getRequestCount());
    }

    @Test
    void suppressedMessageCountsAsAccepted() {
        answer(200, sendDetails("{\"status\":\"suppressed\",\"reason\":\"echo\"}"));
        assertEquals(new Outcome.Accepted(200, "message suppressed by the gateway (echo): nothing was posted"),
                post(Transport.TOOLS_INVOKE, Bodies.message(TOPIC, "x", false)));
    }

    @Test
    void messageWhoseDetailsSayNotOkIsRetryable() {
        answer(200, sendDetails("{\"ok\":false,\"error\":\"Channel is unavailable: whatsapp\"}"));
        assertEquals(new Outcome.Retryable(200, "message failed: Channel is unavailable: whatsapp", Duration.ZERO),
                post(Transport.TOOLS_INVOKE, Bodies.message(TOPIC, "x", false)));
    }

    @Test
    void okFalseInA200IsNotAccepted() {
        answer(200, "{\"ok\":false}");
        assertEquals(new Outcome.Retryable(200, "HTTP 200: unexpected answer: {\"ok\":false}", Duration.ZERO),
                post(Transport.TOOLS_INVOKE, Bodies.message(TOPIC, "x", false)));
    }

    @Test
    void hooksErrorsNameTheHooksSettings() {
        answer(401, "Unauthorized");
        answer(404, "Not Found");
        assertEquals("HTTP 401: Unauthorized — the gateway rejected hooks.token: check hooks.token in the OpenClaw"
                + " config", post(Transport.HOOKS_AGENT, Bodies.hooksAgent("p", null, null)).describe());
        assertEquals("HTTP 404: Not Found — no hooks endpoint at /hk/agent: check hooks.enabled and hooks.path",
                post(Transport.HOOKS_AGENT, Bodies.hooksAgent("p", null, null)).describe());
    }

    @Test
    void longBodiesAreCutAt200CodePointsOnOneLine() {
        String body = "😀".repeat(150) + "\n" + "x".repeat(100);
        answer(502, body);
        String d = post(Transport.TOOLS_INVOKE, Bodies.message(TOPIC, "x", false)).describe();
        assertTrue(d.startsWith("HTTP 502: " + "😀".repeat(150) + " " + "x".repeat(49) + " — "), d);
    }

    @Test
    void aTokenEchoedByTheGatewayIsRedacted() {
        answer(500, "{\"error\":\"bad header Bearer " + TOKEN + "\"}");
        String d = post(Transport.TOOLS_INVOKE, Bodies.message(TOPIC, "x", false)).describe();
        assertTrue(d.startsWith("HTTP 500: {\"error\":\"bad header Bearer ***\"}"), d);
    }

    @Test
    void connectionRefusedSaysTheGatewayIsNotRunning() throws IOException {
        String url = server.url("/").toString().replaceAll("/$", "");
        server.close();
        Outcome o = post(Transport.TOOLS_INVOKE, Bodies.message(TOPIC, "x", false));
        assertEquals(new Outcome.Retryable(-1, "gateway not running on " + url
                + ": start it with \"openclaw gateway run\"", Duration.ZERO), o);
    }

    @Test
    void aDocumentGoesAsBase64BufferWithItsNameAndTypeAndGetsTwiceTheWakesTimeout() throws Exception {
        client.close();
        client = new GatewayClient(GatewayConfig.load(new Env(Map.of("OPENCLAW_CONFIG_PATH",
                home.resolve("openclaw.json").toString()), home), server.url("/").toString(), null), http(),
                Duration.ofMillis(300), Duration.ofMillis(700));
        // slower than a message or a wake may take: a document of up to 2 MB is passed on to the chat before the answer
        server.enqueue(new MockResponse.Builder().headersDelay(1, TimeUnit.SECONDS).body(SUCCESS).build());

        Outcome o = post(Transport.TOOLS_INVOKE, Bodies.document(TOPIC, "📎 Full output", "cc-report-result.md",
                "text/markdown", "IyBSZXBvcnQK"));

        assertInstanceOf(Outcome.Accepted.class, o);
        assertEquals("{\"tool\":\"message\",\"args\":{\"action\":\"send\",\"channel\":\"telegram\",\"target\":"
                + "\"-1001234567890\",\"message\":\"📎 Full output\",\"threadId\":\"42\",\"buffer\":\"IyBSZXBvcnQK\","
                + "\"filename\":\"cc-report-result.md\",\"contentType\":\"text/markdown\",\"forceDocument\":true}}",
                taken().getBody().utf8());
    }

    @Test
    void slowGatewayTimesOut() {
        server.enqueue(new MockResponse.Builder().headersDelay(2, TimeUnit.SECONDS).body(SUCCESS).build());
        Outcome o = post(Transport.TOOLS_INVOKE, Bodies.message(TOPIC, "x", false));
        assertInstanceOf(Outcome.Retryable.class, o);
        assertEquals("no answer from the gateway on " + server.url("/").toString().replaceAll("/$", "")
                + " within 0s", o.describe());
    }

    @Test
    void aGatewayThatTricklesItsAnswerIsCutOffAtTheCallTimeout() throws Exception {
        try (ServerSocket trickler = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Thread serve = new Thread(() -> trickle(trickler), "trickler");
            serve.setDaemon(true);
            serve.start();
            String url = "http://127.0.0.1:" + trickler.getLocalPort();
            GatewayConfig c = GatewayConfig.load(new Env(Map.of("OPENCLAW_GATEWAY_TOKEN", TOKEN), home), url, null);
            try (GatewayClient slow = new GatewayClient(c, http(), Duration.ofMillis(500), Duration.ofMillis(500))) {
                long start = System.nanoTime();
                Outcome o = slow.sendMessage(TOPIC, "x", false);
                long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertEquals(new Outcome.Retryable(-1, "no answer from the gateway on " + url + " within 0s",
                        Duration.ZERO), o);
                assertTrue(tookMillis < 3000, "the 500 ms call limit held the whole call: took " + tookMillis + " ms");
            }
        }
    }

    /** Answers one request with 200 and a 200-byte body, one byte every 100 ms (each read is quick, the whole slow). */
    private static void trickle(ServerSocket server) {
        try (Socket s = server.accept()) {
            InputStream in = s.getInputStream();
            for (int last4 = 0; last4 != 0x0d0a0d0a; ) { // the request's headers; its small body is left unread
                last4 = (last4 << 8) | in.read();
            }
            OutputStream out = s.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 200; i++) {
                out.write(' ');
                out.flush();
                Thread.sleep(100);
            }
        } catch (IOException | InterruptedException closed) {
            // the client gave up, or the test ended
        }
    }

    @Test
    void withoutATokenNothingIsSentAndTheFixIsNeeded() throws IOException {
        client = clientFor("{gateway:{mode:'local'}}");
        Outcome o = post(Transport.TOOLS_INVOKE, Bodies.message(TOPIC, "x", false));
        assertInstanceOf(Outcome.NeedsFix.class, o);
        assertTrue(o.describe().startsWith("no gateway token: gateway.auth.token is not set in "), o.describe());
        o = post(Transport.HOOKS_AGENT, Bodies.hooksAgent("p", null, null));
        assertInstanceOf(Outcome.NeedsFix.class, o);
        assertTrue(o.describe().startsWith("hooks are disabled: "), o.describe());
        assertEquals(0, server.getRequestCount());
    }

    @Test
    void wrongPasswordNamesThePassword() throws IOException, InterruptedException {
        client = clientFor("{gateway:{auth:{mode:'password', password:'" + TOKEN + "'}}}");
        answer(401, "{\"error\":{\"message\":\"Unauthorized\",\"type\":\"unauthorized\"}}");
        String d = post(Transport.TOOLS_INVOKE, Bodies.message(TOPIC, "x", false)).describe();
        assertTrue(d.contains(" — wrong gateway password (from gateway.auth.password): it must match"
                + " gateway.auth.password;"), d);
        assertEquals("Bearer " + TOKEN, taken().getHeaders().get("Authorization"));
    }

    @Test
    void authModeNoneSendsNoAuthorizationHeader() throws IOException, InterruptedException {
        client = clientFor("{gateway:{auth:{mode:'none'}}}");
        answer(200, SUCCESS);
        assertTrue(post(Transport.TOOLS_INVOKE, Bodies.message(TOPIC, "x", false)).accepted());
        assertNull(taken().getHeaders().get("Authorization"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://127.0.0.1:1", "ftp://127.0.0.1/", "127.0.0.1:18789", "http://"})
    void aGatewayUrlThatIsNotHttpNeedsAFixLikeAWrongToken(String url) throws IOException {
        GatewayConfig c = GatewayConfig.load(new Env(Map.of("OPENCLAW_GATEWAY_TOKEN", TOKEN), home), url, null);
        try (GatewayClient bad = new GatewayClient(c, http())) {
            assertEquals(new Outcome.NeedsFix(-1, "invalid gateway URL " + c.baseUrl()
                    + ": pass --gateway-url http://127.0.0.1:<port>"), bad.sendMessage(TOPIC, "x", false));
        }
    }

    @Test
    void redirectsAreNotFollowed() throws InterruptedException {
        server.enqueue(new MockResponse.Builder().code(307).addHeader("Location", server.url("/elsewhere")).build());
        Outcome o = post(Transport.TOOLS_INVOKE, Bodies.message(TOPIC, "x", false));
        assertEquals(new Outcome.Permanent(307, "HTTP 307: ", ""), o);
        taken();
        assertEquals(1, server.getRequestCount(), "the token went nowhere else");
    }

    @Test
    void aPostWhoseAnswerIsLostIsNotSentAgain() {
        server.enqueue(new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build());
        answer(200, SUCCESS);
        Outcome o = post(Transport.TOOLS_INVOKE, Bodies.message(TOPIC, "x", false));
        assertInstanceOf(Outcome.Retryable.class, o);
        assertTrue(o.describe().startsWith("cannot reach the gateway on "), o.describe());
        assertEquals(1, server.getRequestCount(), "the message may have been posted: the caller decides to retry");
    }
}
