package dev.cctask.claude;

/**
 * The figures a run adds up over all its attempts (Claude processes): tool calls, tokens, chunks since the last
 * heartbeat and the assistant text. Each attempt's {@link RunState} adds to them; a second attempt starts with a
 * fresh {@link RunState} over the same totals. Thread-safe: one lock, taken inside the state's own.
 *
 * <p>Tokens (SPEC §3.3, D6): the live figure sums each assistant message's last reported {@code output_tokens}; the
 * result total sums what each {@code result} accounts for; the displayed figure is the larger of the two.
 */
public final class RunTotals {
    private int toolCalls;
    private long liveTokens;
    private long resultTokens;
    private int chunksSinceHeartbeat;
    private final StringBuilder assistantText = new StringBuilder();

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
