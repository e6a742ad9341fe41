package dev.cctask.claude;

import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Claude process that ended on its plan's usage limit (CLAUDE-STREAM.md §8.1): the run pauses until the reset and
 * then resumes the same session, instead of failing. The signs, once the process ended without a success:
 * <ul>
 *   <li>a {@code rate_limit_event} with status {@code rejected};</li>
 *   <li>a {@code result} with {@code api_error_status} 429 whose text says it hit "your … limit";</li>
 *   <li>the legacy result text {@code Claude AI usage limit reached|<Unix seconds>} (CLI 1.0.x).</li>
 * </ul>
 * A per-minute API-key rate limit ({@code API Error: Request rejected (429) · …}) shows none of them: it stays a
 * failure. Nor does a limit before Claude named its session: there is nothing to resume.
 *
 * @param type     the limit's kind as Claude names it ({@code five_hour}, {@code seven_day}, …), or null
 * @param resetsAt when it resets: the event's {@code resetsAt}, else the legacy text's epoch; null when neither says
 */
public record UsageLimit(String type, Instant resetsAt) {
    private static final Pattern HIT = Pattern.compile("hit your (?:\\S+ )*?limit", Pattern.CASE_INSENSITIVE);
    private static final Pattern LEGACY = Pattern.compile("Claude AI usage limit reached\\|(\\d{1,12})");
    private static final int TOO_MANY_REQUESTS = 429;

    /** The limit this attempt ended on, if it ended on one. */
    public static Optional<UsageLimit> of(RunState state, int exitCode) {
        Optional<ResultEvent> last = state.lastResult();
        String text = last.map(ResultEvent::result).orElse("");
        Matcher legacy = LEGACY.matcher(text == null ? "" : text);
        boolean legacyText = legacy.find();
        boolean success = exitCode == 0 && last.isPresent() && !last.get().isError();
        boolean hit = last.filter(r -> r.apiErrorStatus() != null && r.apiErrorStatus() == TOO_MANY_REQUESTS
                && r.result() != null && HIT.matcher(r.result()).find()).isPresent();
        if (state.sessionId() == null || !(legacyText || !success && (state.limitRejected() || hit))) {
            return Optional.empty();
        }
        Long epoch = state.limitResetsAt() != null ? state.limitResetsAt()
                : legacyText ? Long.valueOf(legacy.group(1)) : null;
        return Optional.of(new UsageLimit(state.limitType(), epoch == null ? null : Instant.ofEpochSecond(epoch)));
    }
}
