package dev.cctask.claude;

/**
 * What a heartbeat line is built from (SPEC §4), taken atomically by {@link RunState#heartbeatSnapshot()}.
 *
 * @param tokens the displayed token figure (SPEC §3.3)
 * @param activity the current activity, empty when none yet
 * @param chunksSinceHeartbeat {@code content_block_delta} events since the previous snapshot
 * @param idleSeconds seconds since the last event (fractional)
 */
public record Progress(long tokens, int toolCalls, String activity, int chunksSinceHeartbeat, double idleSeconds) {
}
