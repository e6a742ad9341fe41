package dev.cctask.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * A fake OpenAI-compatible model provider (GATEWAY.md §9.5) for agent turns the gateway runs (woken by
 * {@code sessions_send}, or by an inbound chat message). Every turn answers {@value #REPLY}, so a woken agent posts
 * nothing and loops nowhere; each {@code POST /v1/chat/completions} is recorded (one per model turn).
 */
final class FakeModelProvider extends LoopbackServer {
    static final String REPLY = "NO_REPLY";
    static final String MODEL = "fake-model";

    private final Recorder<JsonNode> completions = new Recorder<>();

    FakeModelProvider() {
        super("fake-model");
    }

    /** The provider's {@code baseUrl} for the gateway's {@code models.providers} config. */
    String apiBase() {
        return baseUrl() + "/v1";
    }

    List<JsonNode> completions() {
        return completions.all();
    }

    /** Waits until a chat completion request whose body matches {@code match} arrived. */
    List<JsonNode> awaitCompletion(String what, Predicate<JsonNode> match, Duration limit) {
        return completions.await(what, l -> l.stream().anyMatch(match), limit);
    }

    @Override
    void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String raw = body(ex);
        if (path.equals("/v1/models")) {
            ObjectNode list = Json.object().put("object", "list");
            list.putArray("data").addObject().put("id", MODEL).put("object", "model").put("owned_by", "me");
            sendJson(ex, 200, list);
            return;
        }
        if (!path.equals("/v1/chat/completions") || !ex.getRequestMethod().equals("POST")) {
            sendJson(ex, 404, Json.object().put("error", "no such endpoint " + path));
            return;
        }
        JsonNode body = Json.parse(raw);
        completions.add(body);
        long now = System.currentTimeMillis() / 1000;
        ObjectNode usage = Json.object().put("prompt_tokens", 10).put("completion_tokens", 5).put("total_tokens", 15);
        if (!body.path("stream").asBoolean(false)) {
            ObjectNode reply = Json.object().put("id", "c1").put("object", "chat.completion").put("created", now)
                    .put("model", MODEL);
            ObjectNode choice = reply.putArray("choices").addObject().put("index", 0);
            choice.putObject("message").put("role", "assistant").put("content", REPLY);
            choice.put("finish_reason", "stop");
            reply.set("usage", usage);
            sendJson(ex, 200, reply);
            return;
        }
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
            ObjectNode first = chunk(now);
            first.putArray("choices").addObject().put("index", 0).putNull("finish_reason")
                    .putObject("delta").put("role", "assistant").put("content", REPLY);
            ObjectNode last = chunk(now);
            last.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop").putObject("delta");
            last.set("usage", usage);
            for (String data : List.of(Json.write(first), Json.write(last), "[DONE]")) {
                out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        }
    }

    private static ObjectNode chunk(long now) {
        return Json.object().put("id", "c1").put("object", "chat.completion.chunk").put("created", now)
                .put("model", MODEL);
    }
}
