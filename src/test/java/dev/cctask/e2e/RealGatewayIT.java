package dev.cctask.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The real OpenClaw gateway 2026.9.6 with the fake Telegram and fake model provider, driven directly over
 * {@code POST /tools/invoke}: proves the harness and the gateway facts run-task relies on (GATEWAY.md §3–§5).
 */
@ExtendWith(SharedGateway.class)
class RealGatewayIT {
    /** The gateway's body limit of {@code POST /tools/invoke} (DEFAULT_BODY_BYTES in tools-invoke-http). */
    private static final int LIMIT = 2 * 1024 * 1024;
    private static final Duration WAIT = Duration.ofSeconds(60); // the first agent turn took 14–18 s on a loaded 2-core host

    private static FakeTelegram telegram;
    private static FakeModelProvider model;
    private static OpenClawGateway gateway;

    @BeforeAll
    static void gateway(GatewayStack stack) {
        telegram = stack.telegram;
        model = stack.model;
        gateway = stack.gateway;
    }

    @Test
    void messageToolSendReachesTheFakeTelegramGroup() {
        OpenClawGateway.Reply reply = gateway.invoke(send("plain send from RealGatewayIT"));

        assertEquals(200, reply.status(), reply.body().toString());
        assertEquals(true, reply.body().path("ok").asBoolean());
        assertTrue(reply.body().path("result").path("details").hasNonNull("messageId"), reply.body().toString());
        FakeTelegram.Call sent = telegram.awaitSent("the plain send", c -> "plain send from RealGatewayIT".equals(c.text()), WAIT)
                .stream().filter(c -> "plain send from RealGatewayIT".equals(c.text())).findFirst().orElseThrow();
        assertEquals(FakeTelegram.GROUP, sent.chatId());
        assertEquals("HTML", sent.params().path("parse_mode").asText());
    }

    @Test
    void sessionsSendIsDeniedByDefaultWith404() {
        gateway.allowTools(List.of());

        OpenClawGateway.Reply reply = gateway.invoke(probe());

        assertEquals(404, reply.status(), reply.body().toString());
        assertEquals("Tool not available: sessions_send", reply.body().path("error").path("message").asText());
    }

    @Test
    void sessionsSendAllowedByHotReloadIsAcceptedAndRunsOneAgentTurn() {
        gateway.allowTools(List.of("sessions_send"));
        OpenClawGateway.Reply probe = gateway.invoke(probe());
        assertEquals(400, probe.status(), probe.body().toString());
        assertEquals("message required", probe.body().path("error").path("message").asText());
        // a session exists only after the chat had traffic: an outbound send creates it
        assertEquals(200, gateway.invoke(send("session opener")).status());
        String key = "agent:main:telegram:group:" + FakeTelegram.GROUP;
        ObjectNode wake = Json.object().put("tool", "sessions_send").put("sessionKey", key);
        wake.putObject("args").put("sessionKey", key).put("message", "[CLAUDE_CODE_RESULT]\nRealGatewayIT wake")
                .put("timeoutSeconds", 0);

        OpenClawGateway.Reply reply = gateway.invoke(wake);

        assertEquals(200, reply.status(), reply.body().toString());
        assertEquals("accepted", reply.body().path("result").path("details").path("status").asText(),
                reply.body().toString());
        model.awaitCompletion("the woken agent turn", b -> Json.write(b).contains("RealGatewayIT wake"), WAIT);
    }

    /**
     * The body limit a document must stay under (issue 20): exactly 2 MiB is accepted and delivered, one byte more
     * is refused with 413 before any tool runs. run-task keeps a document body under 2.01 MB (a document holds at
     * most 1,500,000 bytes, 2,000,000 in base64), a margin of about 90 KB.
     */
    @Test
    void aDocumentBodyOfTwoMebibytesIsAcceptedAndOneByteMoreIsRefusedWith413() {
        byte[] file = new byte[1_570_000];
        Arrays.fill(file, (byte) 'a');
        ObjectNode body = document("", file);
        int padding = LIMIT - Json.write(body).getBytes(StandardCharsets.UTF_8).length;
        ((ObjectNode) body.path("args")).put("message", "limit " + "x".repeat(padding - "limit ".length()));
        assertEquals(LIMIT, Json.write(body).getBytes(StandardCharsets.UTF_8).length);

        OpenClawGateway.Reply atLimit = invokeThroughALockedDatabase(body);

        assertEquals(200, atLimit.status(), atLimit.body() + "\n" + gateway.tail());
        FakeTelegram.Call sent = telegram.awaitCalls("the document of 2 MiB", c -> c.method().equals("sendDocument")
                && c.document() != null && c.document().bytes().length == file.length, WAIT).stream()
                .filter(c -> c.method().equals("sendDocument") && c.document().bytes().length == file.length)
                .findFirst().orElseThrow();
        assertArrayEquals(file, sent.document().bytes());

        ((ObjectNode) body.path("args")).put("message", body.path("args").path("message").asText() + "x");
        OpenClawGateway.Reply over = gateway.invoke(body);

        assertEquals(413, over.status(), over.body().toString());
        assertEquals("{\"error\":{\"message\":\"Payload too large\",\"type\":\"invalid_request_error\"}}",
                Json.write(over.body()));
    }

    @Test
    void wrongTokenIsRejectedWith401() {
        OpenClawGateway.Reply reply = gateway.invoke(send("never sent"), "not-the-token");

        assertEquals(401, reply.status());
        assertEquals("unauthorized", reply.body().path("error").path("type").asText());
        assertTrue(telegram.sent().stream().noneMatch(c -> "never sent".equals(c.text())));
    }

    /** What the gateway logs when its session database stayed locked through a tool call's wait for it. */
    private static final String DATABASE_LOCKED = "tool execution failed: Error: database is locked";

    /**
     * Invokes, and once more (at most twice) when the gateway answered 500 because its session database was locked:
     * right after an agent turn the gateway's own writes can hold it longer than a tool call waits (5 s). Seen in a
     * full run, after {@code sessionsSendAllowedByHotReload…}: {@code [tools-invoke] tool execution failed: Error:
     * database is locked}. The body limit under test is checked before the tool runs, so a 500 has passed it.
     */
    private static OpenClawGateway.Reply invokeThroughALockedDatabase(JsonNode body) {
        for (int attempt = 1; ; attempt++) {
            int before = OpenClawGateway.count(gateway.log(), DATABASE_LOCKED);
            OpenClawGateway.Reply reply = gateway.invoke(body);
            if (reply.status() != 500 || attempt == 3 || !loggedSince(before)) {
                return reply;
            }
            System.out.println("RealGatewayIT: the gateway's database was locked; sending again (" + attempt + ")");
        }
    }

    /** Whether the gateway logged {@link #DATABASE_LOCKED} more than {@code before} times (its log may lag a little). */
    private static boolean loggedSince(int before) {
        long end = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        do {
            if (OpenClawGateway.count(gateway.log(), DATABASE_LOCKED) > before) {
                return true;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        } while (System.nanoTime() < end);
        return false;
    }

    private static JsonNode send(String text) {
        ObjectNode body = Json.object().put("tool", "message");
        body.putObject("args").put("action", "send").put("channel", "telegram").put("target", FakeTelegram.GROUP)
                .put("message", text);
        return body;
    }

    /** The {@code message} send of a document as run-task builds it (issue 20). */
    private static ObjectNode document(String caption, byte[] content) {
        ObjectNode body = (ObjectNode) send(caption);
        ((ObjectNode) body.path("args")).put("buffer", Base64.getEncoder().encodeToString(content))
                .put("filename", "cc-limit-result.md").put("contentType", "text/markdown").put("forceDocument", true);
        return body;
    }

    private static JsonNode probe() {
        ObjectNode body = Json.object().put("tool", "sessions_send");
        body.putObject("args");
        return body;
    }
}
