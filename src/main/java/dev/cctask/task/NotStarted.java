package dev.cctask.task;

import dev.cctask.Env;
import dev.cctask.delivery.Messages;
import dev.cctask.delivery.Outbox;
import dev.cctask.gateway.GatewayClient;
import dev.cctask.gateway.GatewayConfig;
import dev.cctask.gateway.Route;
import dev.cctask.gateway.Routes;
import java.time.Duration;

/**
 * A launch that fails before it starts still reaches the chat: the agent was told not to wait or poll, so without
 * this the user hears "started" from the agent and nothing more. One best-effort message on the route and a
 * {@code sessions_send} wake with the same text; no outbox, no retry, a short limit per call.
 */
public final class NotStarted {
    static final Duration CALL_LIMIT = Duration.ofSeconds(5);

    private NotStarted() {}

    /**
     * What the command line said about where messages go, as far as it was parsed.
     *
     * @param wake null when the option was not parsed; {@link WakeMode#NONE} sends no wake, any other mode
     *             {@code sessions_send} (a hooks wake may be what failed)
     */
    public record Target(String sessionKey, String notifyChannel, String notifyTarget, String notifyThreadId,
            WakeMode wake, String gatewayUrl, String tokenEnv) {}

    /** Posts {@code ❌ Claude Code not started: <reason>} and wakes the agent with it; silent when it cannot. */
    public static void tell(Target t, String reason, Env env) {
        String key = Routes.malformed(t.sessionKey()) == null ? t.sessionKey() : null; // a malformed key names nothing
        Route route = Routes.resolve(key, t.notifyChannel(), t.notifyTarget(), t.notifyThreadId()).orElse(null);
        WakeMode wake = t.wake() == WakeMode.NONE ? WakeMode.NONE : WakeMode.SESSIONS_SEND;
        var drafts = Drafts.of(Messages.notStarted(reason), route, wake, key, null);
        if (drafts.isEmpty()) {
            return;
        }
        try {
            GatewayConfig config = GatewayConfig.load(env, t.gatewayUrl(), t.tokenEnv());
            if (config.problem() != null) {
                return;
            }
            try (GatewayClient client = GatewayClient.oneShot(config, CALL_LIMIT)) {
                for (Outbox.Draft d : drafts) {
                    client.post(d.transport(), d.body(), d.idempotencyKey());
                }
            }
        } catch (RuntimeException e) {
            // best effort: the usage error on stderr is the answer that counts
        }
    }
}
