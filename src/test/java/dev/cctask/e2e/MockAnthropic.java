package dev.cctask.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A loopback mock of the Anthropic Messages API for driving the real Claude Code CLI (CLAUDE-STREAM.md §7.2).
 * {@code POST /v1/messages} answers SSE (chunked) or JSON. The reply is chosen from the request content, never
 * from a counter (the CLI may retry or fall back to non-streaming):
 * <ul>
 *   <li>no {@code tools}: a short text (side request);</li>
 *   <li>a {@code tool_result} in the last user message: text {@value #FINAL_TEXT} (or {@link #finalText}),
 *       {@code end_turn};</li>
 *   <li>a {@code <task-notification>} (a background subagent ended) in the last user message: text
 *       {@value #AFTER_SUBAGENT}, {@code end_turn} (the new main turn's result, Claude's last);</li>
 *   <li>{@value #SPAWN_AGENT} in the last user message: text {@value #DELEGATING} + an {@code Agent} tool_use (a
 *       {@code general-purpose} subagent "{@value #AGENT_DESCRIPTION}", which Claude runs in the background; its own
 *       requests get the Bash tool_use below);</li>
 *   <li>{@value #WRITE_FILE} in the last user message: a {@code Write} tool_use of {@link #writePath};</li>
 *   <li>otherwise: thinking + text {@value #FIRST_TEXT} + a {@code Bash} tool_use of {@link #toolCommand}.</li>
 * </ul>
 * Every request is recorded (method, path, lower-case headers, body). Error, stall and usage-limit modes below.
 */
final class MockAnthropic extends LoopbackServer {
    static final String FINAL_TEXT = "Done: the command printed hi.";
    static final String FIRST_TEXT = "I'll run the command.";
    static final String WRITE_FILE = "WRITE_FILE";
    static final String SPAWN_AGENT = "SPAWN_AGENT";
    static final String DELEGATING = "Delegating to a subagent.";
    static final String AGENT_DESCRIPTION = "Run echo";
    static final String AFTER_SUBAGENT = "The subagent finished: it printed hi.";
    /** How Claude hands a message written to its stdin mid-turn to the model (CLAUDE-STREAM.md §8.3). */
    static final String STEERED = "The user sent a new message while you were working:\n";

    /** One request as received. */
    record Call(String method, String path, Map<String, String> headers, JsonNode body) {
        JsonNode messages() {
            return body.path("messages");
        }

        JsonNode lastUserMessage() {
            JsonNode last = null;
            for (JsonNode m : messages()) {
                if ("user".equals(m.path("role").asText())) {
                    last = m;
                }
            }
            return last;
        }

        /** The prompt as the CLI sends it: the last text block of the last user message. */
        String lastUserText() {
            JsonNode content = lastUserMessage() == null ? null : lastUserMessage().path("content");
            if (content == null) {
                return null;
            }
            if (content.isTextual()) {
                return content.asText();
            }
            String text = null;
            for (JsonNode block : content) {
                if ("text".equals(block.path("type").asText())) {
                    text = block.path("text").asText();
                }
            }
            return text;
        }

        boolean answersToolResult() {
            JsonNode last = lastUserMessage();
            if (last == null) {
                return false;
            }
            for (JsonNode block : last.path("content")) {
                if ("tool_result".equals(block.path("type").asText())) {
                    return true;
                }
            }
            return false;
        }

        /**
         * The text blocks of the history's {@code system} and {@code user} messages: where Claude puts a message
         * steered in during a turn (CLI 2.1.330 a {@code role:"system"} message, 2.1.332 a text block beside the
         * tool_result; both begin {@link #STEERED}).
         */
        List<String> texts() {
            List<String> texts = new java.util.ArrayList<>();
            for (JsonNode m : messages()) {
                JsonNode content = m.path("content");
                if (content.isTextual()) {
                    texts.add(content.asText());
                }
                for (JsonNode block : content) {
                    if ("text".equals(block.path("type").asText())) {
                        texts.add(block.path("text").asText());
                    }
                }
            }
            return texts;
        }

        boolean isMessages() {
            return "POST".equals(method) && path.startsWith("/v1/messages") && !path.startsWith("/v1/messages/");
        }
    }

    private static final Map<Integer, String[]> ERRORS = Map.of(
            401, new String[] {"authentication_error", "invalid x-api-key"},
            429, new String[] {"rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit"},
            500, new String[] {"api_error", "Internal server error"},
            529, new String[] {"overloaded_error", "Overloaded"});

    private final Recorder<Call> calls = new Recorder<>();
    private volatile String toolCommand = "echo hi";
    private volatile Path writePath = Path.of("hello.txt").toAbsolutePath();
    private volatile int errorStatus;
    private volatile boolean hang;
    private volatile boolean stallFinalReply;
    private volatile Duration pauseBeforeFinalReply = Duration.ZERO;
    private volatile String finalText = FINAL_TEXT;
    private volatile Instant limitUntil;
    private volatile String limitType;

    MockAnthropic() {
        super("mock-anthropic");
    }

    /** The command of the scripted Bash tool_use (the CLI refuses some idioms such as {@code sleep 40; echo x}). */
    MockAnthropic toolCommand(String command) {
        this.toolCommand = command;
        return this;
    }

    /** The {@code file_path} of the scripted Write tool_use ({@value #WRITE_FILE} marker). */
    MockAnthropic writePath(Path path) {
        this.writePath = path;
        return this;
    }

    /** Every messages request fails with this status (401, 429, 500 or 529), Anthropic error body, {@code x-should-retry: false}. */
    MockAnthropic failWith(int status) {
        if (!ERRORS.containsKey(status)) {
            throw new IllegalArgumentException("no scripted error for " + status);
        }
        this.errorStatus = status;
        return this;
    }

    /** No messages request is ever answered (the connection stays open until {@link #close()}). */
    MockAnthropic hang() {
        this.hang = true;
        return this;
    }

    /** The reply to a tool_result starts (message_start, ping) and then never ends: a stalled model. */
    MockAnthropic stallFinalReply() {
        this.stallFinalReply = true;
        return this;
    }

    /** The text of the reply to a tool_result: Claude's final result. */
    MockAnthropic finalText(String text) {
        this.finalText = text;
        return this;
    }

    /** Waits this long before answering a tool_result, so that heartbeats fire while Claude waits. */
    MockAnthropic pauseBeforeFinalReply(Duration pause) {
        this.pauseBeforeFinalReply = pause;
        return this;
    }

    /**
     * A subscription's usage limit (CLAUDE-STREAM.md §8.1), as {@code mock_anthropic.py --limit-until}: until
     * {@code until} every messages request gets 429 with the {@code anthropic-ratelimit-unified-*} headers (status
     * rejected, the reset, {@code type} as the representative claim); from then on the usual replies. The CLI reads
     * them as the plan's limit only when logged in as a subscriber: start it with {@link #subscriberEnv}.
     *
     * @param type {@code five_hour} or {@code seven_day}
     */
    MockAnthropic limitUntil(Instant until, String type) {
        this.limitType = type;
        this.limitUntil = until;
        return this;
    }

    /** {@link #claudeEnv} logged in as a Pro/Max subscriber: {@code CLAUDE_CODE_OAUTH_TOKEN}, no API key. */
    Map<String, String> subscriberEnv(Path home, Path tmp) {
        Map<String, String> env = claudeEnv(home, tmp);
        env.remove("ANTHROPIC_API_KEY");
        env.put("CLAUDE_CODE_OAUTH_TOKEN", "sk-ant-oat01-test");
        return env;
    }

    /**
     * The environment that points the real CLI at this mock (CLAUDE-STREAM.md §3.6): a clean PATH, a throwaway HOME
     * and TMPDIR (sessions and scratch stay in the test's folder), root allowed, no retries, no side traffic.
     */
    Map<String, String> claudeEnv(Path home, Path tmp) {
        Map<String, String> env = new TreeMap<>();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("LANG", "C");
        env.put("HOME", home.toString());
        env.put("TMPDIR", tmp.toString());
        env.put("IS_SANDBOX", "1");
        env.put("ANTHROPIC_BASE_URL", baseUrl().toString());
        env.put("ANTHROPIC_API_KEY", "test");
        env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
        env.put("DISABLE_TELEMETRY", "1");
        env.put("DISABLE_AUTOUPDATER", "1");
        env.put("CLAUDE_CODE_MAX_RETRIES", "0");
        return env;
    }

    List<Call> calls() {
        return calls.all();
    }

    /** Waits until at least {@code n} messages requests arrived. */
    List<Call> awaitMessages(int n, Duration limit) {
        return calls.await(n + " messages request(s)", l -> l.stream().filter(Call::isMessages).count() >= n, limit)
                .stream().filter(Call::isMessages).toList();
    }

    List<Call> messages() {
        return calls().stream().filter(Call::isMessages).toList();
    }

    @Override
    void handle(HttpExchange ex) throws IOException {
        String raw = body(ex);
        Map<String, String> headers = new TreeMap<>();
        ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
        JsonNode body = raw.isEmpty() ? Json.object() : Json.parse(raw);
        Call call = new Call(ex.getRequestMethod(), ex.getRequestURI().toString(), headers, body);
        calls.add(call);
        if ("HEAD".equals(call.method())) {
            ex.sendResponseHeaders(200, -1);
            return;
        }
        String path = ex.getRequestURI().getPath();
        if (call.method().equals("POST") && path.equals("/v1/messages/count_tokens")) {
            sendJson(ex, 200, Map.of("input_tokens", 1234));
            return;
        }
        if (!call.isMessages()) {
            sendError(ex, 404, "not_found_error", "mock: unknown path " + path);
            return;
        }
        Instant until = limitUntil;
        if (until != null && Instant.now().isBefore(until)) {
            sendLimit(ex, until);
            return;
        }
        if (hang) {
            stallUntilClosed();
            return;
        }
        if (errorStatus != 0) {
            String[] e = ERRORS.get(errorStatus);
            sendError(ex, errorStatus, e[0], e[1]);
            return;
        }
        boolean fin = call.answersToolResult();
        if (fin && !pauseBeforeFinalReply.isZero() && !sleep(pauseBeforeFinalReply)) {
            return;
        }
        ArrayNode blocks = plan(call);
        String stop = blocks.get(blocks.size() - 1).path("type").asText().equals("tool_use") ? "tool_use" : "end_turn";
        String model = body.path("model").asText("claude-mock");
        String id = "msg_mock_" + hex();
        ObjectNode usage = Json.object().put("input_tokens", Math.max(1, raw.length() / 4)).put("output_tokens", 1)
                .put("cache_creation_input_tokens", 100).put("cache_read_input_tokens", 200);
        if (body.path("stream").asBoolean(false)) {
            stream(ex, id, model, blocks, stop, usage, fin && stallFinalReply);
        } else {
            ObjectNode msg = Json.object().put("id", id).put("type", "message").put("role", "assistant").put("model", model);
            msg.set("content", blocks);
            msg.put("stop_reason", stop).putNull("stop_sequence");
            msg.set("usage", usage.deepCopy().put("output_tokens", 42));
            sendJson(ex, 200, msg);
        }
    }

    private ArrayNode plan(Call call) {
        ArrayNode blocks = Json.MAPPER.createArrayNode();
        JsonNode tools = call.body().path("tools");
        if (!tools.isArray() || tools.isEmpty()) {
            blocks.addObject().put("type", "text").put("text", "Mock side reply");
        } else if (call.answersToolResult()) {
            blocks.addObject().put("type", "text").put("text", finalText);
        } else if (Json.write(call.lastUserMessage()).contains("<task-notification>")) {
            blocks.addObject().put("type", "text").put("text", AFTER_SUBAGENT);
        } else if (Json.write(call.lastUserMessage()).contains(SPAWN_AGENT)) {
            blocks.addObject().put("type", "text").put("text", DELEGATING);
            toolUse(blocks, "Agent", Json.object().put("description", AGENT_DESCRIPTION)
                    .put("prompt", "Run echo hi in bash and report.").put("subagent_type", "general-purpose"));
        } else if (Json.write(call.lastUserMessage()).contains(WRITE_FILE)) {
            ObjectNode input = Json.object().put("file_path", writePath.toString()).put("content", "hello\n");
            toolUse(blocks, "Write", input);
        } else {
            blocks.addObject().put("type", "thinking").put("thinking", "The user wants me to run a command. I will use Bash.")
                    .put("signature", "mocksig");
            blocks.addObject().put("type", "text").put("text", FIRST_TEXT);
            toolUse(blocks, "Bash", Json.object().put("command", toolCommand).put("description", "Run the scripted command"));
        }
        return blocks;
    }

    private static void toolUse(ArrayNode blocks, String name, ObjectNode input) {
        ObjectNode b = blocks.addObject().put("type", "tool_use").put("id", "toolu_mock_" + hex()).put("name", name);
        b.set("input", input);
    }

    private void stream(HttpExchange ex, String id, String model, ArrayNode blocks, String stop, ObjectNode usage,
            boolean stall) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.getResponseHeaders().set("request-id", "req_mock_" + hex());
        ex.sendResponseHeaders(200, 0); // length 0 = chunked
        OutputStream out = ex.getResponseBody();
        ObjectNode start = Json.object();
        start.put("id", id).put("type", "message").put("role", "assistant").put("model", model)
                .putArray("content");
        start.putNull("stop_reason").putNull("stop_sequence").set("usage", usage);
        event(out, Json.object().put("type", "message_start").set("message", start));
        event(out, Json.object().put("type", "ping"));
        if (stall) {
            stallUntilClosed();
            return;
        }
        for (int i = 0; i < blocks.size(); i++) {
            JsonNode b = blocks.get(i);
            String type = b.path("type").asText();
            ObjectNode empty = Json.object().put("type", type);
            switch (type) {
                case "text" -> empty.put("text", "");
                case "thinking" -> empty.put("thinking", "").put("signature", "");
                default -> {
                    empty.put("id", b.path("id").asText()).put("name", b.path("name").asText());
                    empty.putObject("input");
                }
            }
            event(out, Json.object().put("type", "content_block_start").put("index", i).set("content_block", empty));
            switch (type) {
                case "text" -> {
                    for (String piece : halves(b.path("text").asText())) {
                        delta(out, i, Json.object().put("type", "text_delta").put("text", piece));
                    }
                }
                case "thinking" -> {
                    delta(out, i, Json.object().put("type", "thinking_delta").put("thinking", b.path("thinking").asText()));
                    delta(out, i, Json.object().put("type", "signature_delta").put("signature", "mocksig"));
                }
                default -> {
                    for (String piece : halves(Json.write(b.path("input")))) {
                        delta(out, i, Json.object().put("type", "input_json_delta").put("partial_json", piece));
                    }
                }
            }
            event(out, Json.object().put("type", "content_block_stop").put("index", i));
        }
        ObjectNode md = Json.object().put("type", "message_delta");
        md.putObject("delta").put("stop_reason", stop).putNull("stop_sequence");
        md.putObject("usage").put("output_tokens", 42);
        event(out, md);
        event(out, Json.object().put("type", "message_stop"));
        out.close();
    }

    private static void delta(OutputStream out, int index, ObjectNode delta) throws IOException {
        event(out, Json.object().put("type", "content_block_delta").put("index", index).set("delta", delta));
    }

    private static void event(OutputStream out, ObjectNode data) throws IOException {
        String frame = "event: " + data.path("type").asText() + "\ndata: " + Json.write(data) + "\n\n";
        out.write(frame.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Two pieces, cut between code points. */
    private static List<String> halves(String s) {
        int cut = s.offsetByCodePoints(0, s.codePointCount(0, s.length()) / 2);
        return List.of(s.substring(0, cut), s.substring(cut));
    }

    private void sendLimit(HttpExchange ex, Instant until) throws IOException {
        String reset = Long.toString(until.getEpochSecond());
        String claim = "five_hour".equals(limitType) ? "5h" : "7d";
        var h = ex.getResponseHeaders();
        h.set("anthropic-ratelimit-unified-status", "rejected");
        h.set("anthropic-ratelimit-unified-reset", reset);
        h.set("anthropic-ratelimit-unified-representative-claim", limitType);
        h.set("anthropic-ratelimit-unified-" + claim + "-status", "rejected");
        h.set("anthropic-ratelimit-unified-" + claim + "-reset", reset);
        h.set("anthropic-ratelimit-unified-overage-status", "rejected");
        h.set("retry-after", Long.toString(Math.max(1, until.getEpochSecond() - Instant.now().getEpochSecond())));
        sendError(ex, 429, "rate_limit_error", "This request would exceed your account's rate limit. Please try again later.");
    }

    private static void sendError(HttpExchange ex, int status, String type, String message) throws IOException {
        ex.getResponseHeaders().set("x-should-retry", "false");
        ex.getResponseHeaders().set("request-id", "req_mock_err");
        ObjectNode body = Json.object().put("type", "error");
        body.putObject("error").put("type", type).put("message", message);
        body.put("request_id", "req_mock_err");
        sendJson(ex, status, body);
    }

    private static String hex() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }
}
