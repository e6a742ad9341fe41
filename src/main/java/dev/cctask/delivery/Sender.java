package dev.cctask.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cctask.gateway.Outcome;
import dev.cctask.gateway.Transport;

/**
 * One gateway request for an outbox item; resolves URL and token at send time so that neither is ever stored.
 * {@code GatewayClient::post} has this shape.
 */
@FunctionalInterface
public interface Sender {
    /**
     * @param idempotencyKey the {@code Idempotency-Key} header for hooks, or null
     * @return the classified result; never throws for HTTP or connection problems
     */
    Outcome send(Transport transport, JsonNode body, String idempotencyKey);
}
