package dev.cctask.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.MultipartReader;
import okio.Okio;

/**
 * A fake Telegram Bot API (GATEWAY.md §9.4) for the real OpenClaw gateway: {@code <root>/bot<token>/<method>}, GET or
 * POST, JSON, form or multipart bodies (the gateway uploads files as chunked {@code multipart/form-data}); every call
 * is recorded as (method, params, uploaded files). {@code sendMessage} echoes the message (with
 * {@code message_thread_id} when given, else the gateway reports topic sends as failed); {@code sendDocument} answers
 * with a {@code document} object (without one the gateway answers the {@code message} tool with 500);
 * {@code getUpdates} long-polls for up to 5 s and hands out queued updates once.
 */
final class FakeTelegram extends LoopbackServer {
    static final String BOT_TOKEN = "123456:FAKE-TOKEN";
    static final String GROUP = "-1001234567890";

    /** A file part of a multipart call: its form field, file name, content type and bytes. */
    record Upload(String field, String filename, String contentType, byte[] bytes) {
        @Override
        public String toString() {
            return "Upload[" + field + ", " + filename + ", " + contentType + ", " + bytes.length + " bytes]";
        }
    }

    /** One Bot API call; {@code files} by form field name (multipart only). */
    record Call(String method, JsonNode params, Map<String, Upload> files) {
        Call(String method, JsonNode params) {
            this(method, params, Map.of());
        }

        /**
         * The document of a {@code sendDocument}: the part its {@code document} field names ({@code attach://<field>}),
         * or the part uploaded as {@code document}; null when there is none.
         */
        Upload document() {
            String ref = params.path("document").asText("");
            return files.get(ref.startsWith("attach://") ? ref.substring("attach://".length()) : "document");
        }

        String caption() {
            return params.path("caption").asText(null);
        }

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

    /** Waits until a call (any method) matching {@code match} arrived; returns every call so far. */
    List<Call> awaitCalls(String what, Predicate<Call> match, Duration limit) {
        return calls.await(what, l -> l.stream().anyMatch(match), limit);
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
        ObjectNode params = Json.object();
        Map<String, Upload> files = new LinkedHashMap<>();
        params(ex, params, files);
        Call call = new Call(method, params, Map.copyOf(files));
        calls.add(call);
        sendJson(ex, 200, Json.object().put("ok", true).set("result", result(call)));
    }

    private JsonNode result(Call call) {
        String method = call.method();
        JsonNode params = call.params();
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
                if (method.equals("sendMessage")) {
                    msg.put("text", params.path("text").asText(""));
                } else if (params.has("caption")) {
                    msg.put("caption", params.path("caption").asText());
                }
                Upload doc = method.equals("sendDocument") ? call.document() : null;
                if (doc != null) {
                    String id = "fake-file-" + msg.path("message_id").asInt();
                    msg.putObject("document").put("file_id", id).put("file_unique_id", id)
                            .put("file_name", doc.filename()).put("mime_type", doc.contentType())
                            .put("file_size", doc.bytes().length);
                }
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

    private static final Pattern BOUNDARY = Pattern.compile("boundary=(?:\"([^\"]+)\"|([^;\\s]+))");

    /**
     * The call's parameters: query string, then a JSON, form or multipart body (the JDK server has already undone a
     * chunked transfer encoding). Multipart text parts become parameters, file parts {@code files}.
     */
    private static void params(HttpExchange ex, ObjectNode params, Map<String, Upload> files) throws IOException {
        form(ex.getRequestURI().getRawQuery(), params);
        String type = String.valueOf(ex.getRequestHeaders().getFirst("Content-Type"));
        Matcher boundary = BOUNDARY.matcher(type);
        if (type.startsWith("multipart/form-data") && boundary.find()) {
            multipart(ex.getRequestBody(), boundary.group(1) != null ? boundary.group(1) : boundary.group(2), params,
                    files);
            return;
        }
        String body = body(ex);
        if (type.contains("json") && !body.isBlank()) {
            Json.parse(body).fields().forEachRemaining(e -> params.set(e.getKey(), e.getValue()));
        } else if (type.contains("x-www-form-urlencoded")) {
            form(body, params);
        } else if (!body.isBlank()) {
            params.put("_body", body);
        }
    }

    private static void multipart(InputStream body, String boundary, ObjectNode params, Map<String, Upload> files)
            throws IOException {
        try (MultipartReader reader = new MultipartReader(Okio.buffer(Okio.source(body)), boundary)) {
            for (MultipartReader.Part next = reader.nextPart(); next != null; next = reader.nextPart()) {
                try (MultipartReader.Part part = next) {
                    String disposition = String.valueOf(part.headers().get("Content-Disposition"));
                    String name = dispositionParam(disposition, "name");
                    String filename = dispositionParam(disposition, "filename");
                    byte[] bytes = part.body().readByteArray();
                    if (filename != null) {
                        files.put(name, new Upload(name, filename, part.headers().get("Content-Type"), bytes));
                    } else if (name != null) {
                        params.put(name, new String(bytes, StandardCharsets.UTF_8));
                    }
                }
            }
        }
    }

    /** {@code name="value"} (or unquoted) of a {@code Content-Disposition} header; null when absent. */
    private static String dispositionParam(String disposition, String param) {
        Matcher m = Pattern.compile("(?:^|;)\\s*" + param + "=(?:\"([^\"]*)\"|([^;]*))").matcher(disposition);
        return m.find() ? (m.group(1) != null ? m.group(1) : m.group(2).strip()) : null;
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
