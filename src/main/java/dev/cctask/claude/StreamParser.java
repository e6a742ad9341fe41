package dev.cctask.claude;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies Claude's stream-json lines to a {@link RunState}, one line at a time (SPEC §3.1, D6, P6).
 *
 * <p>Never throws for bad input: a line that is not a JSON object is counted ({@link RunState#badLines()}) and
 * skipped; missing, null and odd-typed fields are treated as absent. Only the top-level fields the rules read are
 * turned into trees; everything else (tool results, init's tool lists, whole {@code user} events) is skipped by the
 * tokenizer without building strings, so memory stays flat whatever the tools print.
 *
 * <p>Not thread-safe: one reader thread feeds it.
 */
public final class StreamParser {
    private static final Logger LOG = LoggerFactory.getLogger(StreamParser.class);

    /** Callbacks on the reader thread; implementations should return quickly. */
    public interface Listener {
        /** The first {@code system/init} session id (SPEC §3.1 rule 3). */
        default void onSessionId(String sessionId) {
        }

        /** An assistant {@code text} block, as it streams; the output file appends {@code text + "\n"} (§8.2). */
        default void onAssistantText(String text) {
        }

        /** A {@code result} event was stored as the last result. */
        default void onResult() {
        }
    }

    /** Top-level fields any rule reads; the rest of a line is skipped unparsed. */
    private static final Set<String> READ_FIELDS = Set.of(
            "type", "subtype", "session_id", "parent_tool_use_id", "event", "message", "content_block", "delta",
            "usage", "result", "is_error", "errors", "total_cost_usd", "num_turns", "duration_ms",
            "model_usage_since_last_result");

    private final ObjectMapper mapper;
    private final RunState state;
    private final Listener listener;

    public StreamParser(ObjectMapper mapper, RunState state, Listener listener) {
        this.mapper = Objects.requireNonNull(mapper);
        this.state = Objects.requireNonNull(state);
        this.listener = Objects.requireNonNull(listener);
    }

    public StreamParser(RunState state) {
        this(new ObjectMapper(), state, new Listener() { });
    }

    /** Applies one stdout line (already stripped; blank lines are ignored). */
    public void accept(String line) {
        ObjectNode event;
        try {
            event = readObject(line);
        } catch (IOException | RuntimeException e) {
            event = null;
        }
        if (event == null) {
            if (!line.isBlank()) {
                state.badLine();
            }
            return;
        }
        try {
            apply(event);
        } catch (RuntimeException e) {
            // A listener failed (e.g. the output file); the stream goes on (P6).
            LOG.warn("stream line not fully processed: {}", e.toString());
        }
    }

    /** The line's top-level object with only {@link #READ_FIELDS}, or null when the line is not a JSON object. */
    private ObjectNode readObject(String line) throws IOException {
        try (JsonParser p = mapper.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            ObjectNode object = JsonNodeFactory.instance.objectNode();
            boolean skipRest = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (skipRest || !READ_FIELDS.contains(name)) {
                    p.skipChildren();
                    continue;
                }
                JsonNode value = p.readValueAsTree();
                object.set(name, value);
                // user events (tool results, often huge) are not read beyond liveness (§3.1)
                skipRest = name.equals("type") && "user".equals(value.textValue());
            }
            // like Python's json.loads: anything after the object makes the line invalid
            return p.currentToken() == JsonToken.END_OBJECT && p.nextToken() == null ? object : null;
        }
    }

    private void apply(ObjectNode o) {
        state.touch();
        String type = text(o, "type");
        JsonNode inner = o;
        String innerType = type;
        if ("stream_event".equals(type)) {
            inner = o.get("event");
            innerType = text(inner, "type");
        }
        if ("system".equals(type) && "init".equals(text(o, "subtype"))) {
            state.initSeen();
            String sessionId = text(o, "session_id");
            if (sessionId != null && !sessionId.isEmpty() && state.sessionIdFromInit(sessionId)) {
                listener.onSessionId(sessionId);
            }
        }
        if (innerType != null) {
            applyInner(innerType, inner, text(o, "parent_tool_use_id"));
        }
        if ("assistant".equals(type)) {
            applyAssistant(o.get("message"));
        } else if ("result".equals(type)) {
            applyResult(o);
        }
    }

    /** Rules 4–7: raw API stream events, inside a {@code stream_event} envelope or at the top level. */
    private void applyInner(String innerType, JsonNode inner, String parentToolUseId) {
        switch (innerType) {
            case "content_block_start" -> {
                JsonNode block = inner.get("content_block");
                String blockType = text(block, "type");
                if ("tool_use".equals(blockType)) {
                    state.activity(Activity.toolStarting(text(block, "name")));
                } else if ("thinking".equals(blockType)) {
                    state.activity(Activity.THINKING);
                }
            }
            case "content_block_delta" -> {
                state.chunk();
                String deltaType = text(inner.get("delta"), "type");
                if ("thinking_delta".equals(deltaType)) {
                    state.activity(Activity.THINKING);
                } else if ("text_delta".equals(deltaType)) {
                    state.activity(Activity.WRITING);
                }
            }
            case "message_start" -> {
                JsonNode message = inner.get("message");
                String id = text(message, "id");
                if (id != null) {
                    state.messageStart(parentToolUseId, id, outputTokens(message == null ? null : message.get("usage")));
                }
            }
            case "message_delta" -> {
                Long tokens = outputTokens(inner.get("usage"));
                if (tokens != null) {
                    state.messageDelta(parentToolUseId, tokens);
                }
            }
            default -> {
            }
        }
    }

    /** Rule 8: token accounting, text blocks, tool calls. */
    private void applyAssistant(JsonNode message) {
        if (message == null || !message.isObject()) {
            return;
        }
        String id = text(message, "id");
        Long tokens = outputTokens(message.get("usage"));
        if (id != null && tokens != null) {
            state.messageTokens(id, tokens);
        }
        JsonNode content = message.get("content");
        if (content == null || !content.isArray()) {
            return;
        }
        for (JsonNode block : content) {
            String blockType = text(block, "type");
            if ("text".equals(blockType)) {
                String text = text(block, "text");
                if (text != null) {
                    state.appendAssistantText(text);
                    listener.onAssistantText(text);
                }
            } else if ("tool_use".equals(blockType)) {
                state.toolCall(Activity.forToolUse(block));
            }
        }
    }

    /** Rule 9 and the result accounting of §3.3. */
    private void applyResult(ObjectNode o) {
        List<String> errors = new ArrayList<>();
        JsonNode errorsNode = o.get("errors");
        if (errorsNode != null && errorsNode.isArray()) {
            for (JsonNode e : errorsNode) {
                if (e.isTextual()) {
                    errors.add(e.textValue());
                }
            }
        }
        JsonNode usage = o.get("usage");
        ResultEvent result = new ResultEvent(
                text(o, "result"),
                o.path("is_error").isBoolean() && o.get("is_error").booleanValue(),
                text(o, "subtype"),
                errors,
                o.path("total_cost_usd").isNumber() ? o.get("total_cost_usd").doubleValue() : null,
                o.path("num_turns").canConvertToInt() && o.get("num_turns").isIntegralNumber()
                        ? o.get("num_turns").intValue() : null,
                o.path("duration_ms").isIntegralNumber() && o.get("duration_ms").canConvertToLong()
                        ? o.get("duration_ms").longValue() : null,
                usage != null && usage.isObject() ? usage : null,
                text(o, "session_id"));
        state.result(result, resultOutputTokens(o.get("model_usage_since_last_result"), usage));
        listener.onResult();
    }

    /**
     * Σ {@code model_usage_since_last_result[*].outputTokens} when that object is present (per-process figure incl.
     * subagents), else {@code usage.output_tokens}.
     */
    private static long resultOutputTokens(JsonNode sinceLast, JsonNode usage) {
        if (sinceLast != null && sinceLast.isObject()) {
            long sum = 0;
            for (Map.Entry<String, JsonNode> model : sinceLast.properties()) {
                Long tokens = integral(model.getValue().get("outputTokens"));
                sum += tokens == null ? 0 : tokens;
            }
            return sum;
        }
        Long tokens = outputTokens(usage);
        return tokens == null ? 0 : tokens;
    }

    private static Long outputTokens(JsonNode usage) {
        return usage == null ? null : integral(usage.get("output_tokens"));
    }

    /** A non-negative whole number, else null. */
    private static Long integral(JsonNode node) {
        return node != null && node.isIntegralNumber() && node.canConvertToLong() && node.longValue() >= 0
                ? node.longValue() : null;
    }

    /** The string value of {@code node.field}, or null when absent, null or not a string. */
    private static String text(JsonNode node, String field) {
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.textValue() : null;
    }
}
