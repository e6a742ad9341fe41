package dev.cctask.claude;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which ends of a Claude process are a plan usage limit (CLAUDE-STREAM.md §8.1), from the recorded CLI output. */
class UsageLimitTest {
    private static final String INIT = "{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"s-1\"}";

    private static RunState replay(List<String> lines) {
        RunState state = new RunState();
        StreamParser parser = new StreamParser(new ObjectMapper(), state, new StreamParser.Listener() { });
        lines.forEach(parser::accept);
        return state;
    }

    private static Optional<UsageLimit> limit(String fixture, int exitCode) {
        return UsageLimit.of(replay(Fixtures.lines(fixture)), exitCode);
    }

    @Test
    void aLimitAtTheFirstRequestIsTheFiveHourLimitWithItsResetTime() {
        assertEquals(Optional.of(new UsageLimit("five_hour", Instant.ofEpochSecond(1796285706))),
                limit("usage-limit-five-hour.jsonl", 1));
    }

    @Test
    void aLimitAfterHoursOfWorkIsFoundAmongThePartialMessages() {
        assertEquals(Optional.of(new UsageLimit("five_hour", Instant.ofEpochSecond(1796301274))),
                limit("usage-limit-after-work.jsonl", 1));
    }

    @Test
    void aPerMinuteApiKeyRateLimitIsNotAPlanLimit() {
        assertEquals(Optional.empty(), limit("rate-limit-per-minute.jsonl", 1));
    }

    @Test
    void theResumedRunWithAnAllowedRateLimitEventIsNoLimit() {
        assertEquals(Optional.empty(), limit("usage-limit-resumed.jsonl", 0));
        assertEquals(Optional.empty(), limit("usage-limit-after-work-resumed.jsonl", 0));
    }

    @Test
    void aFourTwentyNineResultThatSaysHitYourWeeklyLimitIsALimitWithoutAKnownReset() {
        List<String> lines = Fixtures.lines("usage-limit-five-hour.jsonl").stream()
                .filter(l -> !l.contains("\"type\":\"rate_limit_event\""))
                .map(l -> l.replace("You've hit your limit", "You've hit your weekly limit")).toList();
        assertEquals(Optional.of(new UsageLimit(null, null)), UsageLimit.of(replay(lines), 1));
    }

    @Test
    void theLegacyResultTextGivesTheResetEpoch() {
        RunState state = replay(List.of(INIT, "{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,"
                + "\"result\":\"Claude AI usage limit reached|1751234400\",\"session_id\":\"s-1\"}"));
        assertEquals(Optional.of(new UsageLimit(null, Instant.ofEpochSecond(1751234400))), UsageLimit.of(state, 0));
    }

    @Test
    void aRejectedEventFollowedBySuccessIsNoLimit() {
        List<String> lines = List.of(INIT, "{\"type\":\"rate_limit_event\",\"rate_limit_info\":{\"status\":\"rejected\","
                + "\"resetsAt\":1796285706,\"rateLimitType\":\"five_hour\"}}",
                "{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,\"result\":\"done\"}");
        assertEquals(Optional.empty(), UsageLimit.of(replay(lines), 0));
    }

    @Test
    void aLimitBeforeClaudeNamedItsSessionCannotBeResumed() {
        List<String> lines = Fixtures.lines("usage-limit-five-hour.jsonl").stream()
                .filter(l -> !l.contains("\"subtype\":\"init\"")).toList();
        assertEquals(Optional.empty(), UsageLimit.of(replay(lines), 1));
    }
}
