package dev.cctask.control;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cctask.PythonJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The approve route (issue 18): {@code run-task approve|deny} POST {@code {"n":2,"allow":true,"always":false}} or
 * {@code {"n":2,"allow":false,"reason":"…"}} with the control secret (never Claude's notify secret); the answer goes
 * to Claude's stdin at once. 200 written, 404 no such request, 409 already answered, 410 the run has finished.
 */
public final class ApproveRoute implements ControlServer.Route {
    static final int MAX_BYTES = 16 * 1024;
    public static final String UNKNOWN = "unknown request";
    public static final String ALREADY_ANSWERED = "already answered";
    public static final String FINISHED = "finished: Claude's input is closed";

    /** One answer, as the commands send it. */
    public record Answer(int n, boolean allow, boolean always, String reason) {
        /** The request body. */
        public byte[] body() {
            return PythonJson.mapper().createObjectNode().put("n", n).put("allow", allow).put("always", always)
                    .put("reason", reason).toString().getBytes(StandardCharsets.UTF_8);
        }
    }

    /** The run's open permission requests. */
    public interface Requests {
        /**
         * Answers request {@code a.n()}.
         *
         * @return completes true once the answer is on Claude's stdin, false when it cannot be; null when no such
         *     request was made
         * @throws IllegalStateException when it was answered before (or denied for want of an answer)
         */
        CompletableFuture<Boolean> answer(Answer a);

        /** What follows a written answer (log, chat), after the caller has its reply. */
        void answered(Answer a);
    }

    private final Requests requests;

    public ApproveRoute(Requests requests) {
        this.requests = requests;
    }

    @Override
    public ControlServer.Caller caller() {
        return ControlServer.Caller.RUN_TASK;
    }

    @Override
    public int maxBytes() {
        return MAX_BYTES;
    }

    @Override
    public ControlServer.Reply handle(String text) {
        Answer a;
        try {
            JsonNode o = PythonJson.mapper().readTree(text);
            if (o == null || !o.path("n").canConvertToInt() || !o.path("allow").isBoolean()) {
                return ControlServer.Reply.error(400, "expected {\"n\":N,\"allow\":true|false,…}");
            }
            a = new Answer(o.get("n").intValue(), o.get("allow").booleanValue(), o.path("always").asBoolean(false),
                    o.path("reason").isTextual() ? o.get("reason").textValue() : null);
        } catch (IOException e) {
            return ControlServer.Reply.error(400, "not JSON");
        }
        CompletableFuture<Boolean> written;
        try {
            written = requests.answer(a);
        } catch (IllegalStateException e) {
            return ControlServer.Reply.error(409, ALREADY_ANSWERED);
        }
        if (written == null) {
            return ControlServer.Reply.error(404, UNKNOWN);
        }
        try {
            return written.get(SteerRoute.WRITE_WAIT.toMillis(), TimeUnit.MILLISECONDS)
                    ? ControlServer.Reply.ok(() -> requests.answered(a))
                    : ControlServer.Reply.error(410, FINISHED);
        } catch (TimeoutException e) {
            written.thenAccept(ok -> {
                if (ok) {
                    requests.answered(a);
                }
            });
            return ControlServer.Reply.error(504, "Claude has not read its input for "
                    + SteerRoute.WRITE_WAIT.toSeconds() + " s; the answer reaches it when it reads");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ControlServer.Reply.error(503, "the run is stopping");
        } catch (ExecutionException e) {
            return ControlServer.Reply.error(500, "writing to Claude's stdin failed: " + e.getCause());
        }
    }
}
