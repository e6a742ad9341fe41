package dev.cctask.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A fake Telegram Bot API (GATEWAY.md §9.4) for the real OpenClaw gateway: {@code <root>/bot<token>/<method>}, GET or
 * POST, JSON or form bodies; every call is recorded as (method, params). {@code sendMessage} echoes the message
 * (with {@code message_thread_id} when given, else the gateway reports topic sends as failed); {@code getUpdates}
 * long-polls for up to 5 s and hands out queued updates once.
 */
final class FakeTelegram extends LoopbackServer {
    static final String BOT_TOKEN = "123456:FAKE-TOKEN";
    static final String GROUP = "-1001234567890";

    /** One Bot API call. */
    record Call(String method, JsonNode params) {
        String text() {
            return params.path("text").asText(null);
        }

        String chatId() {
            return params.path("chat_id").asText(null);
        }
    }

    private final Recorder<Call> calls = new Recorder<>();
    private final BlockingQueue<JsonNode> updates = new LinkedBlockingQueue<>();
    private final AtomicInteger messageIds = new AtomicInteger(100);

    FakeTelegram() {
        super("fake-telegram");
    }

    /** The {@code apiRoot} for the gateway's {@code channels.telegram} config. */
    String apiRoot() {
        return baseUrl().toString();
    }

    void queueUpdate(JsonNode update) {
        updates.add(update);
    }

    List<Call> calls() {
        return calls.all();
    }

    List<Call> sent() {
        return calls().stream().filter(c -> c.method().equals("sendMessage")).toList();
    }

    /** Waits until a sendMessage matching {@code match} arrived; returns every sendMessage so far. */
    List<Call> awaitSent(String what, Predicate<Call> match, Duration limit) {
        return calls.await(what, l -> l.stream().anyMatch(c -> c.method().equals("sendMessage") && match.test(c)), limit)
                .stream().filter(c -> c.method().equals("sendMessage")).toList();
    }

    @Override
    void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String prefix = "/bot" + BOT_TOKEN + "/";
        if (!path.startsWith(prefix)) {
            sendJson(ex, 404, Json.object().put("ok", false).put("error_code", 404).put("description", "Not Found"));
            return;
        }
        String method = path.substring(prefix.length());
        JsonNode params = params(ex);
        calls.add(new Call(method, params));
        sendJson(ex, 200, Json.object().put("ok", true).set("result", result(method, params)));
    }

    private JsonNode result(String method, JsonNode params) {
        long now = System.currentTimeMillis() / 1000;
        switch (method) {
            case "getMe":
                return Json.object().put("id", 123456).put("is_bot", true).put("first_name", "Fake")
                        .put("username", "fake_test_bot").put("can_join_groups", true)
                        .put("can_read_all_group_messages", true);
            case "getUpdates":
                return pollUpdates(Math.min(params.path("timeout").asInt(0), 5));
            case "getChat":
                return chat(params);
            case "getMyCommands":
                return Json.MAPPER.createArrayNode();
            case "sendMessage":
            case "sendPhoto":
            case "sendDocument": {
                ObjectNode msg = Json.object().put("message_id", messageIds.incrementAndGet()).put("date", now);
                msg.set("chat", chat(params).put("is_forum", true));
                msg.set("from", Json.object().put("id", 123456).put("is_bot", true).put("first_name", "Fake"));
                msg.put("text", params.path("text").asText(""));
                if (params.hasNonNull("message_thread_id")) {
                    msg.put("message_thread_id", params.path("message_thread_id").asInt()).put("is_topic_message", true);
                }
                return msg;
            }
            default:
                return Json.MAPPER.getNodeFactory().booleanNode(true);
        }
    }

    private static ObjectNode chat(JsonNode params) {
        String id = params.path("chat_id").asText("0");
        ObjectNode chat = Json.object();
        try {
            chat.put("id", Long.parseLong(id));
        } catch (NumberFormatException e) {
            chat.put("id", id);
        }
        return chat.put("type", "supergroup").put("title", "Fake group");
    }

    private ArrayNode pollUpdates(int seconds) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        try {
            JsonNode first = updates.poll(seconds, TimeUnit.SECONDS);
            if (first != null) {
                out.add(first);
                JsonNode more;
                while ((more = updates.poll()) != null) {
                    out.add(more);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    /** The call's parameters: query string, then a JSON or form body. */
    private static JsonNode params(HttpExchange ex) throws IOException {
        ObjectNode params = Json.object();
        form(ex.getRequestURI().getRawQuery(), params);
        String body = body(ex);
        String type = String.valueOf(ex.getRequestHeaders().getFirst("Content-Type"));
        if (type.contains("json") && !body.isBlank()) {
            Json.parse(body).fields().forEachRemaining(e -> params.set(e.getKey(), e.getValue()));
        } else if (type.contains("x-www-form-urlencoded")) {
            form(body, params);
        } else if (!body.isBlank()) {
            params.put("_body", body);
        }
        return params;
    }

    private static void form(String encoded, ObjectNode into) {
        if (encoded == null || encoded.isEmpty()) {
            return;
        }
        for (String pair : encoded.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            into.put(key, value);
        }
    }
}
