package dev.cctask.delivery;

import dev.cctask.Env;
import dev.cctask.gateway.GatewayClient;
import dev.cctask.gateway.GatewayConfig;
import java.util.function.Consumer;

/** Makes the real gateway {@link Sender} for {@code deliver} and {@code tasks}. */
public final class GatewaySenders {
    private GatewaySenders() {}

    /** The real gateway sender, or null without a usable token (said to {@code warnings}; items then stay pending). */
    public static Sender create(Env env, String gatewayUrl, String tokenEnv, Consumer<String> warnings) {
        GatewayConfig config = GatewayConfig.load(env, gatewayUrl, tokenEnv);
        if (config.problem() != null) {
            warnings.accept(LogLines.noGatewayToken(config.problem(), Outbox.in(env.stateDir()).dir()));
            return null;
        }
        return new GatewayClient(config)::post;
    }
}
