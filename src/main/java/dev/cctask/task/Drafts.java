package dev.cctask.task;

import dev.cctask.delivery.Messages;
import dev.cctask.delivery.Outbox;
import dev.cctask.gateway.Bodies;
import dev.cctask.gateway.Route;
import dev.cctask.gateway.Routes;
import dev.cctask.gateway.Transport;
import java.util.ArrayList;
import java.util.List;

/**
 * The outbox items of one final event (SPEC §8.5): the chat message first, then the full output as a document when
 * there is one (issue 20), then the wake. The chat shows the result, then its file; the agent is woken last.
 */
final class Drafts {
    private Drafts() {}

    /**
     * @param route          the chat route, or null
     * @param sessionKey     the run's session key (wake target and hooks agent id), or null
     * @param idempotencyKey the hooks {@code Idempotency-Key} (run id, or {@code <run id>:lost})
     */
    static List<Outbox.Draft> of(String message, Route route, WakeMode wake, String sessionKey, String idempotencyKey) {
        return of(message, null, route, wake, sessionKey, idempotencyKey);
    }

    /** @param attachment the full output as a document, or null (it needs a route) */
    static List<Outbox.Draft> of(String message, Attachment attachment, Route route, WakeMode wake, String sessionKey,
            String idempotencyKey) {
        return of(message, attachment, route, wake, sessionKey, idempotencyKey, null);
    }

    /**
     * A permission request (issue 18): its 🔐 message, then a wake with {@code wakePayload}
     * ({@link Messages#approvalWake}).
     */
    static List<Outbox.Draft> approval(String message, String wakePayload, Route route, WakeMode wake,
            String sessionKey, String idempotencyKey) {
        return of(message, null, route, wake, sessionKey, idempotencyKey, wakePayload);
    }

    private static List<Outbox.Draft> of(String message, Attachment attachment, Route route, WakeMode wake,
            String sessionKey, String idempotencyKey, String wakePayload) {
        List<Outbox.Draft> drafts = new ArrayList<>();
        String told = message;
        if (route != null) {
            drafts.add(new Outbox.Draft(Outbox.Kind.MESSAGE, Transport.TOOLS_INVOKE,
                    Bodies.message(route, message, false), null));
            if (attachment != null) {
                drafts.add(new Outbox.Draft(Outbox.Kind.DOCUMENT, Transport.TOOLS_INVOKE,
                        Bodies.document(route, Messages.documentCaption(attachment.cut()), attachment.filename(),
                                Attachment.CONTENT_TYPE, attachment.base64()), null));
                told = Messages.documentAttached(message, attachment.filename(), attachment.cut());
            }
        }
        String payload = wakePayload != null ? wakePayload : Messages.wakePayload(told, route);
        if (wake == WakeMode.SESSIONS_SEND && sessionKey != null && !sessionKey.isBlank()) {
            drafts.add(new Outbox.Draft(Outbox.Kind.WAKE, Transport.TOOLS_INVOKE,
                    Bodies.sessionsSend(sessionKey, payload), null));
        } else if (wake == WakeMode.HOOKS) {
            drafts.add(new Outbox.Draft(Outbox.Kind.WAKE, Transport.HOOKS_AGENT,
                    Bodies.hooksAgent(payload, Routes.agentId(sessionKey), route), idempotencyKey));
        }
        return drafts;
    }
}
