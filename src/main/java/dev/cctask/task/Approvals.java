package dev.cctask.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cctask.PythonJson;
import dev.cctask.Text;
import dev.cctask.Threads;
import dev.cctask.claude.ClaudeInput;
import dev.cctask.claude.PermissionRequest;
import dev.cctask.control.ApproveRoute;
import dev.cctask.delivery.LogLines;
import dev.cctask.delivery.Messages;
import dev.cctask.gateway.Route;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The permission requests of a run (issue 18). Each request Claude prints gets the run's next number, goes to the
 * chat (🔐, durable, then a wake) and into the PID file ({@code tasks}), and waits for {@code run-task approve|deny},
 * which answer it through the control endpoint ({@link ApproveRoute}); one nobody answers within
 * {@code --approval-timeout} is denied with {@link Messages#approvalTimeoutReason}. A request is answered once.
 */
final class Approvals implements ApproveRoute.Requests, AutoCloseable {
    /** The text Claude gets for a deny without a reason. */
    static final String DENIED = "The user denied this request.";

    /** A request that waits: Claude's stdin of its attempt, since when, and its timeout. */
    private record Open(int n, PermissionRequest request, Supplier<ClaudeInput> input, long sinceNanos, LocalDateTime since,
            ScheduledFuture<?> timeout) {}

    private final Duration timeout;
    private final String cwd;
    private final String target;
    private final Route route;
    private final RunRecorder recorder;
    private final Notifications notifications;
    private final Consumer<String> log;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> Threads.daemon(r, "run-task-approval-timeout"));
    private final Map<Integer, Open> open = new TreeMap<>();
    private final Set<Integer> answered = new HashSet<>();
    private int count;

    /**
     * @param target the run as {@code approve} takes it (its label, else the runner's PID)
     */
    Approvals(Duration timeout, String cwd, String target, Route route, RunRecorder recorder,
            Notifications notifications, Consumer<String> log) {
        this.timeout = timeout;
        this.cwd = cwd;
        this.target = target;
        this.route = route;
        this.recorder = recorder;
        this.notifications = notifications;
        this.log = log;
        notifications.approvalWaiting(this::waiting);
    }

    /**
     * Claude asks: numbered, recorded, told to the chat and the agent; denied when nobody answers in time.
     *
     * @param input the stdin of the attempt that asks (looked up when the answer is written)
     */
    void request(PermissionRequest r, Supplier<ClaudeInput> input) {
        int n;
        synchronized (this) {
            n = ++count;
            ScheduledFuture<?> expiry = timer.schedule(() -> expire(n), timeout.toMillis(), TimeUnit.MILLISECONDS);
            open.put(n, new Open(n, r, input, System.nanoTime(), LocalDateTime.now(), expiry));
            record();
        }
        log.accept(LogLines.approvalAsked(n, r.tool()));
        String message = Messages.approvalRequest(ask(n, r));
        notifications.approvalRequest(n, message, Messages.approvalWake(message, route));
    }

    private Messages.Ask ask(int n, PermissionRequest r) {
        JsonNode in = r.input();
        String command = "Bash".equals(r.tool()) ? text(in, "command") : null;
        String path = text(in, "file_path") != null ? text(in, "file_path") : text(in, "notebook_path");
        String other = r.description() != null ? r.description() : in.toString();
        return new Messages.Ask(n, r.tool(), command, path, text(in, "content"), other, cwd, target);
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v != null && v.isTextual() ? v.textValue() : null;
    }

    @Override
    public CompletableFuture<Boolean> answer(ApproveRoute.Answer a) {
        Open o = take(a.n());
        if (o == null) {
            return null;
        }
        ObjectNode response = PythonJson.mapper().createObjectNode();
        if (a.allow()) {
            response.put("behavior", "allow").set("updatedInput", o.request().input());
            if (a.always()) {
                response.set("updatedPermissions", forThisRun(o.request().suggestions()));
            }
        } else {
            response.put("behavior", "deny").put("message", reason(a));
        }
        return o.input().get().respond(o.request().requestId(), response);
    }

    /**
     * Claude's suggestions, each for this session only: as suggested, some would be written to the project's
     * {@code .claude/settings.local.json} (stdin-permission-prompts.txt) and outlive the run.
     */
    static ArrayNode forThisRun(JsonNode suggestions) {
        ArrayNode session = PythonJson.mapper().createArrayNode();
        for (JsonNode s : suggestions) {
            session.add(s.isObject() ? ((ObjectNode) s.deepCopy()).put("destination", "session") : s);
        }
        return session;
    }

    /**
     * Takes request {@code n} out of the open ones.
     *
     * @return null when there was none
     * @throws IllegalStateException when it was answered before
     */
    private synchronized Open take(int n) {
        if (answered.contains(n)) {
            throw new IllegalStateException(ApproveRoute.ALREADY_ANSWERED);
        }
        Open o = open.remove(n);
        if (o != null) {
            answered.add(n);
            o.timeout().cancel(false);
            record();
        }
        return o;
    }

    @Override
    public void answered(ApproveRoute.Answer a) {
        log.accept(LogLines.approvalAnswered(a.n(), a.allow(), a.always(), reason(a)));
        notifications.approvalNote(a.allow() ? Messages.approved(a.n()) : Messages.denied(a.n()));
    }

    private static String reason(ApproveRoute.Answer a) {
        return a.reason() == null || a.reason().isBlank() ? DENIED : a.reason();
    }

    /** Nobody answered in time: denied with the reason, and the chat is told. */
    private void expire(int n) {
        Open o;
        try {
            o = take(n);
        } catch (IllegalStateException answeredMeanwhile) {
            return;
        }
        if (o == null) {
            return;
        }
        String reason = Messages.approvalTimeoutReason(timeout);
        o.input().get().respond(o.request().requestId(), PythonJson.mapper().createObjectNode().put("behavior", "deny")
                .put("message", reason));
        log.accept(LogLines.approvalAnswered(n, false, false, reason));
        notifications.approvalNote(Messages.approvalTimedOut(n, timeout));
    }

    /** The attempt ended: what it asked can no longer be answered. */
    synchronized void attemptEnded() {
        for (Open o : open.values()) {
            o.timeout().cancel(false);
            answered.add(o.n());
        }
        if (!open.isEmpty()) {
            open.clear();
            record();
        }
    }

    /** The heartbeat's part: the oldest open request and how long it has waited, or null. */
    private synchronized String waiting() {
        return open.values().stream().findFirst().map(o -> Messages.approvalWaiting(o.n(),
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - o.sinceNanos()))).orElse(null);
    }

    /** The PID file lists the open requests: {@code [{"n":2,"tool":"Bash","detail":"npm install …","since":…}]}. */
    private void record() {
        ArrayNode array = PythonJson.mapper().createArrayNode();
        for (Open o : open.values()) {
            Messages.Ask a = ask(o.n(), o.request());
            String detail = a.command() != null ? a.command() : a.filePath() != null ? a.filePath() : a.other();
            array.addObject().put("n", o.n()).put("tool", o.request().tool())
                    .put("detail", Text.oneLine(detail, 100)).put("since", o.since().toString());
        }
        recorder.approvals(array);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
