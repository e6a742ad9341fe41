package dev.cctask.delivery;

import java.util.Locale;

/** The final event of a run, as written to the outbox (SPEC §8.5) and chosen for the final message (SPEC §5.3). */
public enum Event {
    COMPLETED,
    /** Claude succeeded, but background tasks it started did not complete. */
    INCOMPLETE,
    FAILED,
    TIMEOUT,
    CANCELLED,
    CRASH,
    RESUME_FAILED,
    LOST,
    /** The ⏸ message of a run that waits for its plan's usage limit to reset (a chat message, no wake). */
    PAUSED,
    /** A run that stopped at its plan's usage limit instead of waiting ({@code --on-limit stop}, {@code --max-pause}). */
    LIMITED,
    /** A permission request of Claude's (issue 18): the 🔐 message and a wake, in order with the run's others. */
    APPROVAL;

    /** The word in outbox files: {@code completed}, {@code resume_failed}, … */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Event fromWireName(String word) {
        return valueOf(word.toUpperCase(Locale.ROOT));
    }
}
