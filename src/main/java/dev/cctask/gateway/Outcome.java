package dev.cctask.gateway;

import java.time.Duration;

/**
 * The classified result of one gateway call (SPEC §7.5). Every outcome carries a one-line,
 * actionable description that never contains a secret.
 */
public sealed interface Outcome {

    /** HTTP status, or -1 when no response was received. */
    int httpStatus();

    /** One line for logs and users: what happened and how to fix it. */
    String describe();

    /** The gateway's error answer, on one line and cut at 200 code points (SPEC §7.5 log lines), or null. */
    default String body() {
        return null;
    }

    default boolean accepted() {
        return this instanceof Accepted;
    }

    /** The gateway took the request (HTTP 200, ok, no error status in details). */
    record Accepted(int httpStatus, String describe) implements Outcome {}

    /** Worth trying again later (5xx, 408/429, connection errors, timeouts). */
    record Retryable(int httpStatus, String describe, Duration retryAfter, String body) implements Outcome {
        public Retryable(int httpStatus, String describe, Duration retryAfter) {
            this(httpStatus, describe, retryAfter, null);
        }
    }

    /**
     * Refused until the configuration changes (401 wrong token, 403 tool policy, 404 tool not allowed; locally: no
     * token, an invalid gateway URL):
     * retrying now only repeats the refusal (and a 401 can trigger an auth lockout), so the item is kept for
     * {@code run-task deliver} after the fix, and the fix is reported once.
     */
    record NeedsFix(int httpStatus, String describe, String body) implements Outcome {
        public NeedsFix(int httpStatus, String describe) {
            this(httpStatus, describe, null);
        }
    }

    /** Will not succeed by repetition (400, 413, "No session found", …). */
    record Permanent(int httpStatus, String describe, String body) implements Outcome {
        public Permanent(int httpStatus, String describe) {
            this(httpStatus, describe, null);
        }
    }
}
