package dev.cctask.gateway;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cctask.PythonJson;

/**
 * The status object {@code notify} prints (SPEC §11): {@code {"status":"ok"[,"reply":…]}},
 * {@code {"status":"error","error":…}} or {@code {"status":"timeout","error":…}}.
 */
public record NotifyStatus(String status, String reply, String error) {

    public static NotifyStatus ok(String replyOrNull) {
        return new NotifyStatus("ok", replyOrNull, null);
    }

    public static NotifyStatus error(String message) {
        return new NotifyStatus("error", null, message);
    }

    public static NotifyStatus timeout(String message) {
        return new NotifyStatus("timeout", null, message);
    }

    /** Exit 0 iff this is true. */
    public boolean isOk() {
        return status.equals("ok");
    }

    /** The original's layout (Python {@code json.dumps(indent=2)}), non-ASCII text as is; no trailing newline. */
    public String toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode().put("status", status);
        if (reply != null) {
            node.put("reply", reply);
        }
        if (error != null) {
            node.put("error", error);
        }
        return PythonJson.pretty(node);
    }
}
