package dev.cctask.claude;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The state of one attempt (one Claude process) over the run's {@link RunTotals}: written by the stream-reader thread
 * (through {@link StreamParser}), read by the heartbeat thread and by the end path. Every method holds the same lock,
 * so each call sees a consistent state. Session id, turn, background tasks, last result and activity are the
 * attempt's own; tool calls, tokens and text add to the totals, which a later attempt carries on.
 *
 * <p>Create it when the child is spawned: the last-event time starts at construction (SPEC §3.1 rule 1).
 *
 * <p>Token figure (SPEC §3.3, D6): per assistant message the last reported {@code output_tokens} counts once (live
 * figure); each {@code result} adds its own accounting (result total); the displayed figure is the larger of the two.
 */
public final class RunState {
    /** Stream key of the main agent (envelope {@code parent_tool_use_id} null). */
    private static final String MAIN_STREAM = "";

    private final LongSupplier nanoTime;
    private final RunTotals totals;

    private String sessionId;
    private final List<String> otherSessionIds = new ArrayList<>();
    private boolean initSeen;
    private String activity = "";
    private long lastEventNanos;

    private final Map<String, Long> perMessage = new HashMap<>();
    /** Latest {@code message_start} id per stream, for {@code message_delta} which carries no id. */
    private final Map<String, String> latestMessageByStream = new HashMap<>();

    private ResultEvent lastResult;
    private int resultCount;
    /** A turn runs: from the start and each init until a {@code result} that announces no queued turn. */
    private boolean turnOpen = true;
    /** The main agent has ended its turn (a final stop reason or a result) and started no new one since. */
    private boolean mainIdle;
    /** Every task Claude reported ({@code system/task_*}), by id, in the order first seen. */
    private final Map<String, Task> tasks = new LinkedHashMap<>();
    /** Set when the run is stopped: what Claude says of its tasks while it is killed no longer counts. */
    private boolean tasksFrozen;
    /** Since when the run has been done (see {@link #doneForNanos()}), or −1. */
    private long doneSinceNanos = -1;
    private long badLines;
    /** The last {@code rate_limit_event} with status {@code rejected}: a plan usage limit refused a request. */
    private boolean limitRejected;
    private Long limitResetsAt;
    private String limitType;

    /** A first attempt: fresh totals. */
    public RunState() {
        this(System::nanoTime);
    }

    /** @param nanoTime a monotonic clock in nanoseconds (tests inject a fake one) */
    public RunState(LongSupplier nanoTime) {
        this(new RunTotals(), nanoTime);
    }

    /** An attempt that adds to {@code totals}. */
    public RunState(RunTotals totals, LongSupplier nanoTime) {
        this.totals = Objects.requireNonNull(totals);
        this.nanoTime = Objects.requireNonNull(nanoTime);
        this.lastEventNanos = nanoTime.getAsLong();
    }

    // ---- written by the stream reader -------------------------------------------------------------------------

    /** Rule 1: any JSON object counts as liveness. */
    synchronized void touch() {
        lastEventNanos = nanoTime.getAsLong();
    }

    synchronized void initSeen() {
        initSeen = true;
        turnOpen = true; // a new turn (after background work, CLAUDE-STREAM.md §4.6)
        mainIdle = false;
        updateDone();
    }

    /**
     * A {@code system/task_started}: a subagent or shell command Claude runs, in the foreground or the background.
     *
     * @return whether the background tasks ({@link #backgroundTasks()}) changed
     */
    synchronized boolean taskStarted(String id, String type, String description, String subagentType,
            boolean backgrounded) {
        return task(id, t -> {
            t.end = null; // a task can be started again (a subagent resumed)
            t.type = type != null ? type : t.type;
            t.description = description != null ? description : t.description;
            t.subagentType = subagentType != null ? subagentType : t.subagentType;
            t.backgrounded |= backgrounded;
        });
    }

    /** A {@code system/task_progress}: the task runs (one whose start was not seen is taken on here). */
    synchronized boolean taskProgress(String id, String description) {
        return task(id, t -> t.description = t.description != null ? t.description : description);
    }

    /**
     * A {@code system/task_updated}: its {@code patch} may end the task ({@code completed}, {@code failed},
     * {@code killed}, {@code stopped}) or start it again ({@code running}, {@code pending}), move it to the
     * background or describe it anew.
     *
     * @param status       {@code patch.status}, or null
     * @param backgrounded {@code patch.is_backgrounded}, or null
     * @return whether the background tasks changed
     */
    synchronized boolean taskUpdated(String id, String status, Boolean backgrounded, String description) {
        return task(id, t -> {
            t.backgrounded |= Boolean.TRUE.equals(backgrounded);
            t.description = description != null ? description : t.description;
            if (status != null && Task.ENDS.contains(status)) {
                t.end(status);
            } else if (status != null && Task.RUNS.contains(status)) {
                t.end = null; // running again: a subagent can be resumed after its notification
            }
        });
    }

    /**
     * A {@code system/task_notification}: the task ended ({@code completed}, {@code stopped}, {@code failed}). A
     * status reported before by {@code task_updated} stands ({@code killed} is followed by {@code stopped}).
     *
     * @return whether the background tasks changed
     */
    synchronized boolean taskEnded(String id, String status) {
        return task(id, t -> t.end(status != null && !status.isEmpty() ? status : Task.ENDED));
    }

    /**
     * A {@code system/background_tasks_changed}: the tasks now running in the background. Each listed one is a
     * background task; one that leaves the list keeps its status until Claude reports its end.
     *
     * @param listed each task as {@code {task_id, task_type, description}}
     * @return whether the background tasks changed
     */
    synchronized boolean backgroundTasksNow(List<String[]> listed) {
        boolean changed = false;
        for (String[] entry : listed) {
            changed |= task(entry[0], t -> {
                t.backgrounded = true;
                t.type = t.type != null ? t.type : entry[1];
                t.description = t.description != null ? t.description : entry[2];
            });
        }
        return changed;
    }

    /** Applies {@code change} to the task (taken on when new); whether that changed the background tasks. */
    private boolean task(String id, Consumer<Task> change) {
        if (tasksFrozen) {
            return false;
        }
        Task t = tasks.computeIfAbsent(id, Task::new);
        BackgroundTask before = t.backgrounded ? t.snapshot() : null;
        change.accept(t);
        updateDone();
        return !Objects.equals(before, t.backgrounded ? t.snapshot() : null);
    }

    /** The run is being stopped: task statuses stay as they are now (Claude stops its tasks when it is killed). */
    synchronized void freezeTasks() {
        tasksFrozen = true;
    }

    /** The main agent's turn ended: a {@code message_delta} of the main stream with a final stop reason. */
    synchronized void mainTurnEnded() {
        mainIdle = true;
    }

    /**
     * Rule 3: the first init's id becomes the session id; a later different id is remembered.
     *
     * @return true when {@code id} became the session id just now
     */
    synchronized boolean sessionIdFromInit(String id) {
        if (sessionId == null) {
            sessionId = id;
            return true;
        }
        if (!sessionId.equals(id) && !otherSessionIds.contains(id)) {
            otherSessionIds.add(id);
        }
        return false;
    }

    synchronized void activity(String text) {
        activity = text;
    }

    synchronized void chunk() {
        totals.chunk();
    }

    /** An assistant {@code tool_use} block: one more tool call, and its activity. */
    synchronized void toolCall(String activityText) {
        totals.toolCall();
        activity = activityText;
    }

    synchronized void appendAssistantText(String text) {
        totals.assistantText(text);
    }

    /** {@code message_start}: the stream's current message; its output tokens when reported. */
    synchronized void messageStart(String parentToolUseId, String messageId, Long outputTokens) {
        latestMessageByStream.put(streamKey(parentToolUseId), messageId);
        if (parentToolUseId == null) {
            mainIdle = false;
        }
        if (outputTokens != null) {
            messageTokens(messageId, outputTokens);
        }
    }

    /** {@code message_delta}: the final output tokens of the stream's latest {@code message_start}. */
    synchronized void messageDelta(String parentToolUseId, long outputTokens) {
        String messageId = latestMessageByStream.get(streamKey(parentToolUseId));
        if (messageId != null) {
            messageTokens(messageId, outputTokens);
        }
    }

    /** Output tokens reported for a message (last value wins). */
    synchronized void messageTokens(String messageId, long outputTokens) {
        Long previous = perMessage.put(messageId, outputTokens);
        totals.liveTokens(outputTokens - (previous == null ? 0 : previous));
    }

    /** Rule 9: a {@code result} event with the output tokens it accounts for. */
    synchronized void result(ResultEvent result, long outputTokens, long queuedTurns) {
        lastResult = result;
        totals.result(result);
        resultCount++;
        totals.resultTokens(outputTokens);
        activity = Activity.FINISHING;
        turnOpen = queuedTurns > 0;
        mainIdle = true;
        updateDone();
    }

    private void updateDone() {
        boolean done = turnEnded() && tasks.values().stream().noneMatch(Task::running);
        if (!done) {
            doneSinceNanos = -1;
        } else if (doneSinceNanos < 0) {
            doneSinceNanos = nanoTime.getAsLong();
        }
    }

    synchronized void badLine() {
        badLines++;
    }

    /** A {@code rate_limit_event} with status {@code rejected} (CLAUDE-STREAM.md §8.1); either value may be null. */
    synchronized void rateLimitRejected(Long resetsAtEpochSeconds, String rateLimitType) {
        limitRejected = true;
        limitResetsAt = resetsAtEpochSeconds;
        limitType = rateLimitType;
    }

    /** The attempt is over: its last result's turns and duration join the run's totals. */
    synchronized void ended() {
        totals.attemptEnded(lastResult);
    }

    private static String streamKey(String parentToolUseId) {
        return parentToolUseId == null ? MAIN_STREAM : parentToolUseId;
    }

    // ---- read by heartbeat and end path ----------------------------------------------------------------------

    /** The heartbeat's view (SPEC §4); resets the chunk counter in the same step. */
    public synchronized Progress heartbeatSnapshot() {
        List<String> background = tasks.values().stream().filter(t -> t.backgrounded && t.running())
                .map(t -> t.type).toList();
        return new Progress(tokens(), toolCalls(), activity(), totals.takeChunks(), idleSeconds(), background,
                onlyBackground());
    }

    /** The session id of the first init, or null. */
    public synchronized String sessionId() {
        return sessionId;
    }

    /** Session ids of later inits that differed from the first one, in order of appearance. */
    public synchronized List<String> otherSessionIds() {
        return List.copyOf(otherSessionIds);
    }

    /** Whether any {@code system/init} event was seen. */
    public synchronized boolean sawInit() {
        return initSeen;
    }

    /** The run's totals, which this attempt adds to. */
    public RunTotals totals() {
        return totals;
    }

    public synchronized int toolCalls() {
        return totals.toolCalls();
    }

    /** The displayed token figure over all attempts: max(live, result total). */
    public synchronized long tokens() {
        return totals.tokens();
    }

    public synchronized long liveTokens() {
        return totals.liveTokens();
    }

    public synchronized long resultTokens() {
        return totals.resultTokens();
    }

    /**
     * The current activity; empty before the first one. While only background work runs, it names the task started
     * last ({@link Activity#background}).
     */
    public synchronized String activity() {
        if (onlyBackground()) {
            Task latest = null;
            for (Task t : tasks.values()) {
                if (t.backgrounded && t.running()) {
                    latest = t;
                }
            }
            return Activity.background(latest.type, latest.description);
        }
        return activity;
    }

    /** The main agent has ended its turn and background tasks still run. */
    private boolean onlyBackground() {
        return mainIdle && tasks.values().stream().anyMatch(t -> t.backgrounded && t.running());
    }

    /** The background tasks Claude reported, in the order first seen, with their status as last reported. */
    public synchronized List<BackgroundTask> backgroundTasks() {
        return tasks.values().stream().filter(t -> t.backgrounded).map(Task::snapshot).toList();
    }

    public synchronized int chunksSinceHeartbeat() {
        return totals.chunksSinceHeartbeat();
    }

    /** Seconds since the last event (or since construction). */
    public synchronized double idleSeconds() {
        return (nanoTime.getAsLong() - lastEventNanos) / 1e9;
    }

    /** The last {@code result} event, if any. */
    public synchronized Optional<ResultEvent> lastResult() {
        return Optional.ofNullable(lastResult);
    }

    public synchronized int resultCount() {
        return resultCount;
    }

    /** All assistant {@code text} blocks of the run in stream order, each followed by {@code \n}. */
    public synchronized String assistantText() {
        return totals.assistantText();
    }

    /**
     * How long Claude has had nothing more to do, in nanoseconds, or −1: it printed a {@code result} that announced
     * no queued turn, no background task it reported is running, and no new turn began since.
     */
    public synchronized long doneForNanos() {
        return doneSinceNanos < 0 ? -1 : nanoTime.getAsLong() - doneSinceNanos;
    }

    /** Whether Claude's turn has ended: a {@code result} announced no queued turn and no new turn began since. */
    public synchronized boolean turnEnded() {
        return !turnOpen && lastResult != null;
    }

    /** Whether a {@code rate_limit_event} said {@code rejected}: a plan usage limit refused a request. */
    public synchronized boolean limitRejected() {
        return limitRejected;
    }

    /** That event's {@code resetsAt} (Unix seconds), or null. */
    public synchronized Long limitResetsAt() {
        return limitResetsAt;
    }

    /** That event's {@code rateLimitType} ({@code five_hour}, {@code seven_day}, …), or null. */
    public synchronized String limitType() {
        return limitType;
    }

    /** Lines that were not a JSON object. */
    public synchronized long badLines() {
        return badLines;
    }

    /** A task as reported so far. */
    private static final class Task {
        /** The {@code task_updated} statuses that end a task; others ({@code pending}, {@code paused}) do not. */
        static final Set<String> ENDS = Set.of("completed", "failed", "killed", "stopped");
        /** The {@code task_updated} statuses of a task that runs (again). */
        static final Set<String> RUNS = Set.of("running", "pending");
        /** A {@code task_notification} without a status. */
        static final String ENDED = "ended";

        final String id;
        String type;
        String description;
        String subagentType;
        boolean backgrounded;
        /** Null while it runs; the first end reported. */
        String end;

        Task(String id) {
            this.id = id;
        }

        boolean running() {
            return end == null;
        }

        void end(String status) {
            if (end == null) {
                end = status;
            }
        }

        BackgroundTask snapshot() {
            return new BackgroundTask(id, type, description, subagentType, end == null ? BackgroundTask.RUNNING : end);
        }
    }
}
