package dev.cctask.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * A MockWebServer standing in for the OpenClaw gateway's {@code POST /tools/invoke} in the real-Claude scenarios:
 * {@code message} sends and {@code sessions_send} wakes are accepted with the gateway's observed answers
 * (GATEWAY.md §4.3, §5.2), a wrong bearer token gets 401, other tools 404. Every invoke body is recorded.
 */
final class MockGateway implements AutoCloseable {
    private final String token = "mock-gw-" + UUID.randomUUID();
    private final MockWebServer server = new MockWebServer();
    private final Recorder<JsonNode> invokes = new Recorder<>();

    MockGateway() {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return answer(request);
            }
        });
        try {
            server.start(InetAddress.getLoopbackAddress(), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes an openclaw.json naming this server's port and token, as run-task finds it on a real host. */
    Path writeConfig(Path file) {
        ObjectNode root = Json.object();
        ObjectNode gw = root.putObject("gateway").put("mode", "local").put("port", server.getPort());
        gw.putObject("auth").put("mode", "token").put("token", token);
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, Json.write(root), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    String token() {
        return token;
    }

    List<JsonNode> invokes() {
        return invokes.all();
    }

    /** The {@code args.message} of every {@code message} send, in arrival order. */
    List<String> messages() {
        return invokes().stream().filter(b -> b.path("tool").asText().equals("message"))
                .map(b -> b.path("args").path("message").asText()).toList();
    }

    List<JsonNode> wakes() {
        return invokes().stream().filter(b -> b.path("tool").asText().equals("sessions_send")).toList();
    }

    List<JsonNode> awaitInvokes(String what, java.util.function.Predicate<List<JsonNode>> condition, Duration limit) {
        return invokes.await(what, condition, limit);
    }

    private MockResponse answer(RecordedRequest request) {
        if (!"POST".equals(request.getMethod()) || !"/tools/invoke".equals(request.getUrl().encodedPath())) {
            return json(404, Json.object().put("error", "mock gateway: only POST /tools/invoke"));
        }
        if (!("Bearer " + token).equals(request.getHeaders().get("Authorization"))) {
            ObjectNode body = Json.object();
            body.putObject("error").put("message", "Unauthorized").put("type", "unauthorized");
            return json(401, body);
        }
        JsonNode body = Json.parse(request.getBody() == null ? "" : request.getBody().utf8());
        invokes.add(body);
        String tool = body.path("tool").asText();
        JsonNode args = body.path("args");
        ObjectNode details = Json.object();
        switch (tool) {
            case "message" -> details.put("ok", true).put("messageId", String.valueOf(100 + invokes.all().size()))
                    .put("chatId", args.path("target").asText()).putObject("receipt");
            case "sessions_send" -> {
                details.put("runId", UUID.randomUUID().toString()).put("status", "accepted")
                        .put("sessionKey", args.path("sessionKey").asText()).put("targetDisposition", "queued");
                details.putObject("delivery").put("status", "pending").put("mode", "announce");
            }
            default -> {
                ObjectNode err = Json.object().put("ok", false);
                err.putObject("error").put("type", "not_found").put("message", "Tool not available: " + tool);
                return json(404, err);
            }
        }
        ObjectNode ok = Json.object().put("ok", true);
        ObjectNode result = ok.putObject("result");
        result.putArray("content").addObject().put("type", "text").put("text", details.toPrettyString());
        result.set("details", details);
        return json(200, ok);
    }

    private static MockResponse json(int code, JsonNode body) {
        return new MockResponse.Builder().code(code).setHeader("Content-Type", "application/json; charset=utf-8")
                .body(Json.write(body)).build();
    }

    @Override
    public void close() {
        server.close();
    }
}
