package dev.cctask.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.UnaryOperator;

/**
 * The exact request bodies of SPEC §7.3–§7.4, field order included. These are what the outbox stores and
 * {@link GatewayClient#post} replays, so they never contain a token or URL.
 */
public final class Bodies {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Bodies() {}

    /**
     * {@code {"tool":"message","args":{"action":"send","channel":…,"target":…,"message":…[,"threadId"][,"accountId"][,"silent":true]}}}.
     */
    public static ObjectNode message(Route route, String text, boolean silent) {
        ObjectNode body = NODES.objectNode().put("tool", "message");
        ObjectNode args = body.putObject("args")
                .put("action", "send")
                .put("channel", route.channel())
                .put("target", route.target())
                .put("message", text);
        if (route.threadId() != null) {
            args.put("threadId", route.threadId());
        }
        if (route.accountId() != null) {
            args.put("accountId", route.accountId());
        }
        if (silent) {
            args.put("silent", true);
        }
        return body;
    }

    /**
     * The full output as a document (issue 20): {@link #message} with the file as {@code buffer} (in base64: the
     * gateway reads no path of ours), then {@code filename}, {@code contentType} and {@code forceDocument}. The
     * caption is the {@code message}; kept short, it stays a caption (Telegram: up to 1024 characters).
     */
    public static ObjectNode document(Route route, String caption, String filename, String contentType, String base64) {
        ObjectNode body = message(route, caption, false);
        ((ObjectNode) body.get("args")).put("buffer", base64)
                .put("filename", filename)
                .put("contentType", contentType)
                .put("forceDocument", true);
        return body;
    }

    /**
     * The wake: {@code {"tool":"sessions_send","sessionKey":K,"args":{"sessionKey":K,"message":…,"timeoutSeconds":0}}}.
     * Caller = target and timeout 0 is the cheapest path: one model turn, no reply-back loop (GATEWAY.md §5.3).
     */
    public static ObjectNode sessionsSend(String key, String payload) {
        ObjectNode body = NODES.objectNode().put("tool", "sessions_send").put("sessionKey", key);
        body.putObject("args").put("sessionKey", key).put("message", payload).put("timeoutSeconds", 0);
        return body;
    }

    /**
     * The hooks wake for {@code POST <hooks.path>/agent} (SPEC §7.4). Without a route {@code channel}/{@code to} are
     * omitted (the agent runs, nothing is posted). A Telegram thread travels as {@code <chatId>:topic:<threadId>};
     * other channels cannot carry a thread here. {@code accountId} follows {@code to} when the route has one.
     */
    /** A copy of a wake body ({@link #sessionsSend} or {@link #hooksAgent}) with its text mapped by {@code change}. */
    public static JsonNode withWakeText(JsonNode body, UnaryOperator<String> change) {
        ObjectNode copy = body.deepCopy();
        ObjectNode holder = copy.path("args").isObject() ? (ObjectNode) copy.path("args") : copy;
        if (holder.path("message").isTextual()) {
            holder.put("message", change.apply(holder.path("message").asText()));
        }
        return copy;
    }

    public static ObjectNode hooksAgent(String payload, String agentId, Route routeOrNull) {
        ObjectNode body = NODES.objectNode().put("message", payload).put("name", "claude-code-task");
        if (agentId != null) {
            body.put("agentId", agentId);
        }
        if (routeOrNull != null) {
            Route r = routeOrNull;
            boolean topic = r.threadId() != null && r.channel().equals("telegram");
            body.put("channel", r.channel()).put("to", topic ? r.target() + ":topic:" + r.threadId() : r.target());
            if (r.accountId() != null) {
                body.put("accountId", r.accountId());
            }
        }
        return body.put("deliver", true).put("waitForCompletion", false);
    }
}
