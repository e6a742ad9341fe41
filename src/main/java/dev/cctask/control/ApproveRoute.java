package dev.cctask.control;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The approve route (issue 18): {@code run-task approve|deny} POST an {@link Answer} with the control secret (never Claude's notify secret); the answer goes
 * to Claude's stdin at once. 200 written, 404 no such request, 409 already answered, 410 the run has finished.
 */
public final class ApproveRoute implements ControlServer.Route {
    static final int MAX_BYTES = 16 * 1024;
    public static final String UNKNOWN = "unknown request";
    public static final String ALREADY_ANSWERED = "already answered";
    public static final String FINISHED = "finished: Claude's input is closed";

    /**
     * One answer, as the commands send it: {@code n=2}, {@code allow=true|false}, {@code always=true|false} lines,
     * then {@code reason=} and the reason to the end of the body (no JSON: the commands start without Jackson's
     * mapper, as {@code steer} does).
     */
    public record Answer(int n, boolean allow, boolean always, String reason) {
        private static final String REASON = "reason=";

        /** The request body. */
        public byte[] body() {
            return ("n=" + n + "\nallow=" + allow + "\nalways=" + always + "\n"
                    + (reason == null ? "" : REASON + reason)).getBytes(StandardCharsets.UTF_8);
        }

        /** A body read back; null when it is not one. */
        static Answer parse(String body) {
            int at = body.indexOf(REASON);
            String head = at < 0 ? body : body.substring(0, at);
            Map<String, String> fields = new HashMap<>();
            for (String line : head.split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    fields.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
            String n = fields.get("n");
            if (n == null || !n.matches("[0-9]{1,9}") || !Set.of("true", "false").contains(fields.get("allow"))) {
                return null;
            }
            return new Answer(Integer.parseInt(n), "true".equals(fields.get("allow")),
                    "true".equals(fields.get("always")), at < 0 ? null : body.substring(at + REASON.length()));
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
        Answer a = Answer.parse(text);
        if (a == null) {
            return ControlServer.Reply.error(400, "expected the lines n=N, allow=true|false, always=…, reason=…");
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
        return SteerRoute.awaitWrite(written, ok -> ok ? ControlServer.Reply.ok(() -> requests.answered(a))
                : ControlServer.Reply.error(410, FINISHED), ok -> ok, () -> requests.answered(a),
                "the answer reaches it when it reads");
    }
}
