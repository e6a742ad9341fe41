package dev.cctask.claude;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies Claude's stream-json lines to a {@link RunState}, one line at a time (SPEC §3.1, D6, P6).
 *
 * <p>Never throws for bad input: a line that is not a JSON object is counted ({@link RunState#badLines()}) and
 * skipped; missing, null and odd-typed fields are treated as absent. Only the fields the rules read are turned into
 * trees ({@link #READ}); everything else (tool results, init's tool lists, delta texts, whole {@code user} events)
 * is skipped by the tokenizer without building strings, so memory stays flat whatever the tools print.
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

        /** The background tasks changed (one started, ended, moved to the background): all of them, as now. */
        default void onBackgroundTasks(List<BackgroundTask> tasks) {
        }

        /**
         * Claude asks for permission and waits for the answer ({@code control_request} {@code can_use_tool}, issue
         * 18).
         */
        default void onPermissionRequest(PermissionRequest request) {
        }

        /** A listener for the session id and the assistant text. */
        static Listener of(Consumer<String> onSessionId, Consumer<String> onAssistantText) {
            return of(onSessionId, onAssistantText, tasks -> { });
        }

        /** A listener for the session id, the assistant text and the background tasks. */
        static Listener of(Consumer<String> onSessionId, Consumer<String> onAssistantText,
                Consumer<List<BackgroundTask>> onBackgroundTasks) {
            return of(onSessionId, onAssistantText, onBackgroundTasks, request -> { });
        }

        /** A listener for the session id, the assistant text, the background tasks and the permission requests. */
        static Listener of(Consumer<String> onSessionId, Consumer<String> onAssistantText,
                Consumer<List<BackgroundTask>> onBackgroundTasks, Consumer<PermissionRequest> onPermissionRequest) {
            return new Listener() {
                @Override
                public void onPermissionRequest(PermissionRequest request) {
                    onPermissionRequest.accept(request);
                }

                @Override
                public void onSessionId(String sessionId) {
                    onSessionId.accept(sessionId);
                }

                @Override
                public void onAssistantText(String text) {
                    onAssistantText.accept(text);
                }

                @Override
                public void onBackgroundTasks(List<BackgroundTask> tasks) {
                    onBackgroundTasks.accept(tasks);
                }
            };
        }
    }

    /**
     * What the rules read of each type of line (§3.1); the rest is skipped unparsed, and a line of any other type
     * ({@code user} with its tool results, …) is only checked to be JSON (liveness).
     */
    private static final Projection READ;

    static {
        Projection usage = Projection.of("output_tokens");
        Projection message = Projection.of(Map.of( // an assistant message, or the message of a message_start
                "id", Projection.ALL,
                "usage", usage,
                "content", Projection.of(Map.of( // each block; input only for the activity line (§3.2)
                        "type", Projection.ALL, "text", Projection.ALL, "name", Projection.ALL,
                        "input", Projection.of("file_path", "command")))));
        Map<String, Projection> apiEvent = Map.of("content_block", Projection.of("type", "name"),
                "delta", Projection.of("type", "stop_reason"), "message", message, "usage", usage);
        Map<String, Projection> event = new HashMap<>(apiEvent);
        event.put("type", Projection.ALL);
        Map<String, Projection> rawEvent = new HashMap<>(apiEvent); // a raw API event at the top level
        rawEvent.put("parent_tool_use_id", Projection.ALL);

        Map<String, Projection> byType = new HashMap<>();
        Map<String, Projection> system = new HashMap<>(); // init, and the task events (CLAUDE-STREAM.md §4.1)
        for (String field : List.of("subtype", "session_id", "task_id", "task_type", "description", "subagent_type",
                "is_backgrounded", "status")) {
            system.put(field, Projection.ALL);
        }
        system.put("patch", Projection.of("status", "is_backgrounded", "description"));
        system.put("tasks", Projection.of("task_id", "task_type", "description"));
        byType.put("system", Projection.of(system));
        byType.put("stream_event", Projection.of(Map.of(
                "event", Projection.of(event), "parent_tool_use_id", Projection.ALL)));
        byType.put("assistant", Projection.of(Map.of("message", message)));
        byType.put("result", Projection.of("subtype", "session_id", "result", "is_error", "errors", "total_cost_usd",
                "num_turns", "duration_ms", "usage", "model_usage_since_last_result", "queued_turn_count",
                "api_error_status"));
        byType.put("rate_limit_event", Projection.of(Map.of(
                "rate_limit_info", Projection.of("status", "resetsAt", "rateLimitType"))));
        byType.put("control_request", Projection.of(Map.of("request_id", Projection.ALL, "request", Projection.ALL)));
        for (String raw : List.of("content_block_start", "content_block_delta", "message_start", "message_delta")) {
            byType.put(raw, Projection.of(rawEvent));
        }
        READ = Projection.byType(byType);
    }

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

    /**
     * Applies one stdout line as the child wrote it (its bytes without the {@code \n}; blank lines are ignored).
     *
     * <p>The bytes go to Jackson as they are, which decodes UTF-8 itself: no String is made of a line that parses.
     * Only a line that does not parse like that is decoded the slow way ({@link #accept(String)}: malformed bytes
     * become U+FFFD, P6; whitespace stripped) and tried again, so such a line ends as it would have without the fast
     * path. (Jackson takes a few byte sequences Java's decoder replaces, such as overlong forms, which no JSON writer
     * produces.)
     */
    public void accept(byte[] bytes, int offset, int length) {
        ObjectNode event = readObject(bytes, offset, length);
        if (event == null) {
            accept(new String(bytes, offset, length, StandardCharsets.UTF_8));
        } else {
            apply(event);
        }
    }

    /** Applies one decoded stdout line; surrounding whitespace is stripped and blank lines are ignored. */
    public void accept(String line) {
        String stripped = line.strip();
        if (stripped.isEmpty()) {
            return;
        }
        byte[] bytes = stripped.getBytes(StandardCharsets.UTF_8);
        ObjectNode event = readObject(bytes, 0, bytes.length);
        if (event == null) {
            state.badLine();
        } else {
            apply(event);
        }
    }

    /**
     * The line's top-level object as far as the rules read it ({@link #READ}), or null when the line is not a
     * JSON object.
     */
    private ObjectNode readObject(byte[] bytes, int offset, int length) {
        // from UTF-8 bytes, not from a String: Jackson's byte parser is ~1.5x faster than its char parser here
        try (JsonParser p = mapper.createParser(bytes, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            ObjectNode object = (ObjectNode) READ.read(p);
            // like Python's json.loads: anything after the object makes the line invalid
            return p.currentToken() == JsonToken.END_OBJECT && p.nextToken() == null ? object : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private void apply(ObjectNode o) {
        try {
            applyRules(o);
        } catch (RuntimeException e) {
            // A listener failed (e.g. the output file); the stream goes on (P6).
            LOG.warn("stream line not fully processed: {}", e.toString());
        }
    }

    private void applyRules(ObjectNode o) {
        state.touch();
        String type = text(o, "type");
        JsonNode inner = o;
        String innerType = type;
        if ("stream_event".equals(type)) {
            inner = o.get("event");
            innerType = text(inner, "type");
        }
        if ("system".equals(type)) {
            applySystem(o);
        }
        if (innerType != null) {
            applyInner(innerType, inner, text(o, "parent_tool_use_id"));
        }
        if ("assistant".equals(type)) {
            applyAssistant(o.get("message"));
        } else if ("result".equals(type)) {
            applyResult(o);
        } else if ("rate_limit_event".equals(type)) {
            applyRateLimit(o.get("rate_limit_info"));
        } else if ("control_request".equals(type)) {
            applyControlRequest(text(o, "request_id"), o.get("request"));
        }
    }

    /** A permission request (issue 18); other control requests are not for the runner. */
    private void applyControlRequest(String requestId, JsonNode request) {
        if (requestId == null || request == null || !"can_use_tool".equals(text(request, "subtype"))) {
            return;
        }
        JsonNode input = request.get("input");
        JsonNode suggestions = request.get("permission_suggestions");
        listener.onPermissionRequest(new PermissionRequest(requestId, Objects.requireNonNullElse(
                text(request, "tool_name"), "?"), input != null && input.isObject() ? input
                        : mapper.createObjectNode(), text(request, "description"),
                suggestions != null && suggestions.isArray() ? suggestions : mapper.createArrayNode()));
    }

    /** Rule 3 (init), and the tasks Claude runs in the foreground or background (CLAUDE-STREAM.md §4.1, §4.6). */
    private void applySystem(ObjectNode o) {
        String subtype = text(o, "subtype");
        String taskId = text(o, "task_id");
        if ("init".equals(subtype)) {
            state.initSeen();
            String sessionId = text(o, "session_id");
            if (sessionId != null && !sessionId.isEmpty() && state.sessionIdFromInit(sessionId)) {
                listener.onSessionId(sessionId);
            }
            return;
        }
        boolean changed = false;
        if ("background_tasks_changed".equals(subtype)) {
            List<String[]> listed = new ArrayList<>();
            JsonNode tasks = o.get("tasks");
            if (tasks != null && tasks.isArray()) {
                for (JsonNode t : tasks) {
                    String id = text(t, "task_id");
                    if (id != null) {
                        listed.add(new String[] {id, text(t, "task_type"), text(t, "description")});
                    }
                }
            }
            changed = state.backgroundTasksNow(listed);
        } else if (taskId != null && subtype != null) {
            changed = switch (subtype) {
                case "task_started" -> state.taskStarted(taskId, text(o, "task_type"), text(o, "description"),
                        text(o, "subagent_type"), o.path("is_backgrounded").asBoolean(false));
                case "task_progress" -> state.taskProgress(taskId, text(o, "description"));
                case "task_updated" -> {
                    JsonNode patch = o.get("patch");
                    JsonNode backgrounded = patch == null ? null : patch.get("is_backgrounded");
                    yield state.taskUpdated(taskId, text(patch, "status"),
                            backgrounded != null && backgrounded.isBoolean() ? backgrounded.booleanValue() : null,
                            text(patch, "description"));
                }
                case "task_notification" -> state.taskEnded(taskId, text(o, "status"));
                default -> false;
            };
        }
        if (changed) {
            listener.onBackgroundTasks(state.backgroundTasks());
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
                String stopReason = text(inner.get("delta"), "stop_reason");
                if (parentToolUseId == null && stopReason != null && !stopReason.equals("tool_use")) {
                    state.mainTurnEnded(); // waiting for nothing but what runs in the background
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
                text(o, "session_id"),
                o.path("api_error_status").canConvertToInt() && o.get("api_error_status").isIntegralNumber()
                        ? o.get("api_error_status").intValue() : null);
        Long queued = integral(o.get("queued_turn_count"));
        state.result(result, resultOutputTokens(o.get("model_usage_since_last_result"), usage), queued == null ? 0 : queued);
        listener.onResult();
    }

    /**
     * A plan usage limit refused a request (CLAUDE-STREAM.md §8.1): {@code status:"rejected"}, the reset in Unix
     * seconds and the limit's kind. {@code allowed} and the other statuses are information only.
     */
    private void applyRateLimit(JsonNode info) {
        if ("rejected".equals(text(info, "status"))) {
            state.rateLimitRejected(integral(info.get("resetsAt")), text(info, "rateLimitType"));
        }
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
