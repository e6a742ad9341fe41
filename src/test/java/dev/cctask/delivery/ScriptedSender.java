package dev.cctask.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cctask.gateway.Outcome;
import dev.cctask.gateway.Transport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** A gateway that answers from a script (then accepts) and records every call with the time it was made. */
final class ScriptedSender implements Sender {
    record Call(Transport transport, JsonNode body, String idempotencyKey, Instant at) {}

    static final Outcome OK = new Outcome.Accepted(200, "accepted");

    private final Clock clock;
    private final Deque<Outcome> script = new ArrayDeque<>();
    final List<Call> calls = new ArrayList<>();
    Runnable onCall = () -> {};

    ScriptedSender(Clock clock, Outcome... outcomes) {
        this.clock = clock;
        script.addAll(List.of(outcomes));
    }

    static Outcome unavailable(int status) {
        return new Outcome.Retryable(status, "HTTP " + status + ": gateway unavailable", null);
    }

    static Outcome tooMany(Duration retryAfter) {
        return new Outcome.Retryable(429, "HTTP 429: rate limited", retryAfter);
    }

    static Outcome badRequest() {
        return new Outcome.Permanent(400, "HTTP 400: action required");
    }

    @Override
    public synchronized Outcome send(Transport transport, JsonNode body, String idempotencyKey) {
        onCall.run();
        calls.add(new Call(transport, body, idempotencyKey, clock.instant()));
        return script.isEmpty() ? OK : script.poll();
    }

    /** Each call as {@code <tool> <args.message>}, in order. */
    synchronized List<String> sent() {
        return calls.stream().map(c -> c.body().path("tool").asText() + " " + c.body().path("args").path("message").asText())
                .toList();
    }
}
