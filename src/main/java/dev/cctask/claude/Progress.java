package dev.cctask.claude;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a heartbeat line is built from (SPEC §4), taken atomically by {@link RunState#heartbeatSnapshot()}.
 *
 * @param tokens the displayed token figure (SPEC §3.3)
 * @param activity the current activity, empty when none yet
 * @param chunksSinceHeartbeat {@code content_block_delta} events since the previous snapshot
 * @param idleSeconds seconds since the last event (fractional)
 * @param background the {@code task_type} of each background task still running ({@link BackgroundTask#type})
 * @param onlyBackground the main agent has ended its turn and only background tasks run (the activity names one)
 */
public record Progress(long tokens, int toolCalls, String activity, int chunksSinceHeartbeat, double idleSeconds,
        List<String> background, boolean onlyBackground) {

    public Progress {
        background = Collections.unmodifiableList(new ArrayList<>(background)); // types may be null
    }

    /** No background task runs. */
    public Progress(long tokens, int toolCalls, String activity, int chunksSinceHeartbeat, double idleSeconds) {
        this(tokens, toolCalls, activity, chunksSinceHeartbeat, idleSeconds, List.of(), false);
    }
}
