package dev.cctask.claude;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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
    /** {@code system/task_started} ids without their {@code system/task_notification} yet. */
    private final Set<String> runningTasks = new HashSet<>();
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
        updateDone();
    }

    /** A {@code system/task_started}: background work (subagent, background Bash) that may start a new turn. */
    synchronized void taskStarted(String taskId) {
        runningTasks.add(taskId);
        updateDone();
    }

    /** A {@code system/task_notification}: the task ended (completed, stopped, failed). */
    synchronized void taskEnded(String taskId) {
        runningTasks.remove(taskId);
        updateDone();
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
        updateDone();
    }

    private void updateDone() {
        boolean done = !turnOpen && lastResult != null && runningTasks.isEmpty();
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
        return new Progress(tokens(), toolCalls(), activity, totals.takeChunks(), idleSeconds());
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

    /** The current activity; empty before the first one. */
    public synchronized String activity() {
        return activity;
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
}
