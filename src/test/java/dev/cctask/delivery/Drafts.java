package dev.cctask.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cctask.delivery.Outbox.Draft;
import dev.cctask.delivery.Outbox.Kind;
import dev.cctask.gateway.Transport;
import java.util.List;

/** Realistic outbox drafts (SPEC §7.3, §7.4) whose texts name the run, so tests can follow the order of sends. */
final class Drafts {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String KEY = "agent:main:whatsapp:group:120363424282127706@g.us";

    private Drafts() {}

    static Draft message(String text) {
        ObjectNode body = JSON.createObjectNode().put("tool", "message");
        body.putObject("args").put("action", "send").put("channel", "whatsapp")
                .put("target", "120363424282127706@g.us").put("message", text);
        return new Draft(Kind.MESSAGE, Transport.TOOLS_INVOKE, body, null);
    }

    /** The full output as a document (issue 20): a message with the file as {@code buffer}. */
    static Draft document(String caption) {
        Draft message = message(caption);
        ((ObjectNode) message.body().path("args")).put("buffer", "IyBmdWxsIG91dHB1dAo=").put("filename", "cc-result.md")
                .put("contentType", "text/markdown").put("forceDocument", true);
        return new Draft(Kind.DOCUMENT, Transport.TOOLS_INVOKE, message.body(), null);
    }

    static Draft wake(String text) {
        ObjectNode body = JSON.createObjectNode().put("tool", "sessions_send").put("sessionKey", KEY);
        body.putObject("args").put("sessionKey", KEY).put("message", text).put("timeoutSeconds", 0);
        return new Draft(Kind.WAKE, Transport.TOOLS_INVOKE, body, null);
    }

    /** The two items of one final event: the chat message, then the wake. */
    static List<Draft> finalEvent(String run) {
        return List.of(message("done " + run), wake("wake " + run));
    }
}
