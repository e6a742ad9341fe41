package dev.cctask.claude;

import java.util.Optional;

/**
 * The figures a run adds up over all its attempts (Claude processes): tool calls, tokens, chunks since the last
 * heartbeat, the assistant text, and the turns and API duration of each attempt's last {@code result}. Each attempt's {@link RunState} adds to them; a second attempt starts with a
 * fresh {@link RunState} over the same totals. Thread-safe: one lock, taken inside the state's own.
 *
 * <p>Tokens (SPEC §3.3, D6): the live figure sums each assistant message's last reported {@code output_tokens}; the
 * result total sums what each {@code result} accounts for; the displayed figure is the larger of the two.
 *
 * <p>Turns and duration: a {@code result} reports those of its own process, so the run's are the sums over the
 * attempts that ended. The cost it reports is the session's so far: the run's is the last one.
 */
public final class RunTotals {
    private int toolCalls;
    private long liveTokens;
    private long resultTokens;
    private int chunksSinceHeartbeat;
    private final StringBuilder assistantText = new StringBuilder();
    private ResultEvent lastResult;
    private Integer turns;
    private Long durationMs;

    synchronized void toolCall() {
        toolCalls++;
    }

    synchronized void liveTokens(long delta) {
        liveTokens += delta;
    }

    synchronized void resultTokens(long tokens) {
        resultTokens += tokens;
    }

    synchronized void chunk() {
        chunksSinceHeartbeat++;
    }

    synchronized void assistantText(String text) {
        assistantText.append(text).append('\n');
    }

    synchronized void result(ResultEvent result) {
        lastResult = result;
    }

    /** An attempt ended with this last result (or none): its turns and duration are added. */
    synchronized void attemptEnded(ResultEvent last) {
        if (last != null && last.numTurns() != null) {
            turns = (turns == null ? 0 : turns) + last.numTurns();
        }
        if (last != null && last.durationMs() != null) {
            durationMs = (durationMs == null ? 0 : durationMs) + last.durationMs();
        }
    }

    /** The last {@code result} of any attempt: its cost is the session's so far. */
    public synchronized Optional<ResultEvent> lastResult() {
        return Optional.ofNullable(lastResult);
    }

    /** The turns of the attempts that ended, or null when none reported any. */
    public synchronized Integer turns() {
        return turns;
    }

    /** The API duration in milliseconds of the attempts that ended, or null when none reported any. */
    public synchronized Long durationMs() {
        return durationMs;
    }

    /** The chunk count since the last call, which resets it (the heartbeat's figure). */
    synchronized int takeChunks() {
        int chunks = chunksSinceHeartbeat;
        chunksSinceHeartbeat = 0;
        return chunks;
    }

    public synchronized int toolCalls() {
        return toolCalls;
    }

    /** The displayed token figure: max(live, result total). */
    public synchronized long tokens() {
        return Math.max(liveTokens, resultTokens);
    }

    public synchronized long liveTokens() {
        return liveTokens;
    }

    public synchronized long resultTokens() {
        return resultTokens;
    }

    public synchronized int chunksSinceHeartbeat() {
        return chunksSinceHeartbeat;
    }

    /** All assistant {@code text} blocks of all attempts in stream order, each followed by {@code \n}. */
    public synchronized String assistantText() {
        return assistantText.toString();
    }
}
