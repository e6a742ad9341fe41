package dev.cctask.claude;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cctask.claude.RunOutcome.Status;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunOutcomeTest {
    private static final String DONE = "Done: the command printed hi.";

    private static RunState replay(String fixture) {
        RunState state = new RunState();
        StreamParser parser = new StreamParser(new ObjectMapper(), state, new StreamParser.Listener() { });
        Fixtures.lines(fixture).forEach(parser::accept);
        return state;
    }

    private static RunOutcome outcome(String fixture, int exitCode) {
        return RunOutcome.of(replay(fixture), exitCode, "", false, false, null);
    }

    @Test
    void basicRunWithExitZeroCompletesWithTheResultText() {
        RunOutcome o = outcome("basic.jsonl", 0);
        assertTrue(o.success());
        assertEquals(Status.COMPLETED, o.status());
        assertEquals("completed", o.status().word());
        assertEquals(DONE, o.finalText());
        assertEquals(0.103788, o.lastResult().orElseThrow().totalCostUsd());
        assertFalse(o.resumeFailed());
    }

    @Test
    void apiErrorResultFailsAndShowsTheErrorText() {
        RunOutcome o = outcome("error-401-maxretries1.jsonl", 1);
        assertFalse(o.success());
        assertEquals(Status.FAILED, o.status());
        assertEquals("Invalid API key \u00B7 Fix external API key", o.finalText());
        assertEquals(1, o.exitCode());
    }

    @Test
    void isErrorFailsEvenWithExitZero() {
        assertEquals(Status.FAILED, outcome("error-401-maxretries1.jsonl", 0).status());
    }

    @Test
    void maxTurnsShowsTheErrorsThenTheAssistantText() {
        RunOutcome o = outcome("max-turns.jsonl", 1);
        assertEquals(Status.FAILED, o.status());
        assertEquals("Reached maximum number of turns (1)\n\nI'll run the command.\n", o.finalText());
    }

    @Test
    void exitZeroWithoutAResultFailsAndFallsBackToTheAssistantText() {
        RunState state = new RunState();
        StreamParser parser = new StreamParser(state);
        Fixtures.lines("basic.jsonl").stream().filter(l -> !l.contains("\"type\":\"result\"")).forEach(parser::accept);
        RunOutcome o = RunOutcome.of(state, 0, "", false, false, null);
        assertFalse(o.success());
        assertEquals(Status.FAILED, o.status());
        assertEquals("I'll run the command.\n" + DONE + "\n", o.finalText());
    }

    @Test
    void subagentRunTakesTheLastResult() {
        RunOutcome o = outcome("subagent.jsonl", 0);
        assertEquals(Status.COMPLETED, o.status());
        assertEquals(DONE, o.finalText());
        assertEquals(307L, o.lastResult().orElseThrow().durationMs());
    }

    @Test
    void subagentRunWhoseBackgroundTaskCompletedIsComplete() {
        RunOutcome o = outcome("subagent.jsonl", 0);
        assertTrue(o.success());
        assertEquals(List.of(), o.unfinished());
    }

    @Test
    void backgroundTaskKilledAtClaudesCeilingMakesASuccessfulRunIncomplete() {
        RunOutcome o = outcome("background-killed-at-ceiling.jsonl", 0);
        assertEquals(Status.INCOMPLETE, o.status());
        assertEquals("incomplete", o.status().word());
        assertFalse(o.success(), "exit status 1");
        assertEquals(DONE, o.finalText());
        assertEquals(List.of(new BackgroundTask("aba95f441ab3d6dcf", "local_agent", "Run echo", "general-purpose",
                "killed")), o.unfinished());
    }

    @Test
    void backgroundTaskStillRunningWhenClaudeExitedMakesTheRunIncomplete() {
        RunState state = new RunState();
        StreamParser parser = new StreamParser(state);
        Fixtures.lines("background-killed-at-ceiling.jsonl").stream() // a Claude that exits without a word on it
                .filter(l -> !(l.contains("aba95f441ab3d6dcf")
                        && (l.contains("\"task_updated\"") || l.contains("\"task_notification\""))))
                .forEach(parser::accept);
        RunOutcome o = RunOutcome.of(state, 0, "", false, false, null);
        assertEquals(Status.INCOMPLETE, o.status());
        assertEquals(List.of("running"), o.unfinished().stream().map(BackgroundTask::status).toList());
    }

    @Test
    void aFailedRunStaysFailedWhateverItsBackgroundTasksDid() {
        assertEquals(Status.FAILED, outcome("background-killed-at-ceiling.jsonl", 1).status());
    }

    @Test
    void timeoutAndCancelWinOverTheResult() {
        RunState state = replay("basic.jsonl");
        assertEquals(Status.TIMEOUT, RunOutcome.of(state, 143, "", true, false, null).status());
        assertEquals(Status.CANCELLED, RunOutcome.of(state, 143, "", false, true, null).status());
        assertEquals(DONE, RunOutcome.of(state, 143, "", true, false, null).finalText());
    }

    @Test
    void withoutStreamTextStderrThenPlaceholder() {
        RunState state = new RunState();
        assertEquals("Error: Input must be provided", RunOutcome.of(state, 1, "Error: Input must be provided", false,
                false, null).finalText());
        assertEquals("(no output captured)", RunOutcome.of(state, 1, "", false, false, null).finalText());
        assertEquals("(no output captured)", RunOutcome.of(state, 1, null, false, false, null).finalText());
    }

    @Test
    void errorsWithoutAssistantTextStandAlone() {
        RunOutcome o = RunOutcome.of(replay("bad-resume-unknown-uuid.jsonl"), 1, "", false, false, null);
        assertEquals("No conversation found with session ID: 11111111-2222-4333-8444-555555555555", o.finalText());
    }

    @Test
    void unknownResumeIdIsAResumeFailureFromStderrOrFromErrors() {
        String id = "11111111-2222-4333-8444-555555555555";
        RunState state = replay("bad-resume-unknown-uuid.jsonl");
        assertTrue(RunOutcome.of(state, 1, "No conversation found with session ID: " + id, false, false, id)
                .resumeFailed());
        assertTrue(RunOutcome.of(state, 1, "", false, false, id).resumeFailed(), "errors[] alone is enough");
        assertFalse(RunOutcome.of(state, 1, "", false, false, null).resumeFailed(), "no --resume given");
    }

    @Test
    void nonUuidResumeIdIsAResumeFailure() {
        RunState state = replay("bad-resume-non-uuid.jsonl");
        assertTrue(RunOutcome.of(state, 1, "", false, false, "not-a-session").resumeFailed());
    }

    @Test
    void aRunThatStartedIsNoResumeFailureWhateverStderrSays() {
        RunState state = replay("resume.jsonl");
        assertFalse(RunOutcome.of(state, 0, "No conversation found", false, false,
                "bb27ef18-6f34-4fe4-8f95-ea52f704dffe").resumeFailed());
    }
}
