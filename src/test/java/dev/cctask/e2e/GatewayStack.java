package dev.cctask.e2e;

import java.nio.file.Path;
import java.util.List;

/** The real gateway with its two fakes (Telegram Bot API, model provider), started and stopped together. */
final class GatewayStack implements AutoCloseable {
    final FakeTelegram telegram = new FakeTelegram();
    final FakeModelProvider model = new FakeModelProvider();
    OpenClawGateway gateway;

    /** Starts the gateway with the default HTTP deny list (sessions_send denied). */
    static GatewayStack start(E2ePeers peers, Path dir) {
        GatewayStack stack = new GatewayStack();
        try {
            stack.gateway = OpenClawGateway.start(peers, dir, stack.telegram, stack.model, List.of());
            // "[gateway] ready" comes before the Telegram channel has started: a send in between failed with 500
            // (seen once with a document). Its first getUpdates says it is up.
            stack.telegram.awaitCalls("the Telegram channel to poll", c -> c.method().equals("getUpdates"),
                    OpenClawGateway.START_LIMIT);
            return stack;
        } catch (RuntimeException | Error e) {
            stack.close();
            throw e;
        }
    }

    @Override
    public void close() {
        if (gateway != null) {
            gateway.close();
        }
        telegram.close();
        model.close();
    }
}
