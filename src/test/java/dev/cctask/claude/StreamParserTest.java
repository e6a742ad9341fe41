package dev.cctask.claude;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StreamParserTest {
    private static final String BASIC_SESSION = "bb27ef18-6f34-4fe4-8f95-ea52f704dffe";
    private static final String DONE = "Done: the command printed hi.";
    private static final String BASH_ECHO_HI = "\uD83D\uDCBB bash: echo hi";
    private static final String FINISHING = "\u2705 finishing...";

    /** A parser fed line by line, with what the listener saw and the activity after every line. */
    static final class Replay implements StreamParser.Listener {
        final RunState state;
        final StreamParser parser;
        final List<String> sessionIds = new ArrayList<>();
        final List<String> texts = new ArrayList<>();
        final List<String> activities = new ArrayList<>();
        /** What {@link #onBackgroundTasks} was told, call by call. */
        final List<List<BackgroundTask>> backgroundChanges = new ArrayList<>();
        int results;
        Long tokensBeforeFirstResult;

        Replay(RunState state) {
            this.state = state;
            this.parser = new StreamParser(new ObjectMapper(), state, this);
        }

        Replay() {
            this(new RunState());
        }

        static Replay of(String fixture) {
            Replay replay = new Replay();
            fixture.lines().forEach(replay::accept);
            return replay;
        }

        static Replay ofFixture(String name) {
            Replay replay = new Replay();
            Fixtures.lines(name).forEach(replay::accept);
            return replay;
        }

        /** Through the production path: the line's UTF-8 bytes. */
        void accept(String line) {
            accept(line.getBytes(StandardCharsets.UTF_8));
        }

        void accept(byte[] line) {
            long tokens = state.tokens();
            int resultsBefore = results;
            parser.accept(line, 0, line.length);
            if (results > resultsBefore && tokensBeforeFirstResult == null) {
                tokensBeforeFirstResult = tokens;
            }
            String activity = state.activity();
            if (!activity.isEmpty() && (activities.isEmpty() || !activities.get(activities.size() - 1).equals(activity))) {
                activities.add(activity);
            }
        }

        ResultEvent result() {
            return state.lastResult().orElseThrow();
        }

        @Override
        public void onSessionId(String sessionId) {
            sessionIds.add(sessionId);
        }

        @Override
        public void onAssistantText(String text) {
            texts.add(text);
        }

        @Override
        public void onResult() {
            results++;
        }

        @Override
        public void onBackgroundTasks(List<BackgroundTask> tasks) {
            backgroundChanges.add(tasks);
        }
    }

    // ---- golden tests: every recorded transcript ----------------------------------------------------------

    @Test
    void basicCountsEachMessageOnceThenTakesTheResultUsage() {
        Replay r = Replay.ofFixture("basic.jsonl");
        assertEquals(List.of(BASIC_SESSION), r.sessionIds);
        assertEquals(BASIC_SESSION, r.state.sessionId());
        assertTrue(r.state.sawInit());
        assertEquals(1, r.state.toolCalls());
        assertEquals(2L, r.tokensBeforeFirstResult);
        assertEquals(84, r.state.tokens());
        assertEquals(List.of(BASH_ECHO_HI, FINISHING), r.activities);
        assertEquals(List.of("I'll run the command.", DONE), r.texts);
        assertEquals("I'll run the command.\n" + DONE + "\n", r.state.assistantText());
        ResultEvent result = r.result();
        assertEquals(DONE, result.result());
        assertFalse(result.isError());
        assertEquals("success", result.subtype());
        assertEquals(List.of(), result.errors());
        assertEquals(0.103788, result.totalCostUsd());
        assertEquals(2, result.numTurns());
        assertEquals(1000L, result.durationMs());
        assertEquals(84, result.usage().get("output_tokens").intValue());
        assertEquals(BASIC_SESSION, result.sessionId());
        assertEquals(1, r.results);
        assertEquals(0, r.state.badLines());
    }

    @Test
    void partialMessagesTakeMessageDeltaTotalsBeforeTheResult() {
        Replay r = Replay.ofFixture("partial-messages.jsonl");
        assertEquals(List.of("90d51ce1-5c6a-4c10-9e20-6e1bc7006c7c"), r.sessionIds);
        assertEquals(84L, r.tokensBeforeFirstResult);
        assertEquals(84, r.state.tokens());
        assertEquals(1, r.state.toolCalls());
        assertEquals(List.of(
                "\uD83E\uDDE0 Thinking...",
                "\u270D\uFE0F Writing...",
                "\u25B6\uFE0F Bash starting...",
                BASH_ECHO_HI,
                "\u270D\uFE0F Writing...",
                FINISHING), r.activities);
        assertEquals(8, r.state.chunksSinceHeartbeat());
        assertEquals("I'll run the command.\n" + DONE + "\n", r.state.assistantText());
        assertEquals(DONE, r.result().result());
        assertEquals(0, r.state.badLines());
    }

    @Test
    void resumeCountsOnlyThisRunNotTheSessionTotal() {
        Replay r = Replay.ofFixture("resume.jsonl");
        assertEquals(List.of(BASIC_SESSION), r.sessionIds);
        assertEquals(84, r.state.tokens());
        assertEquals(0.208808, r.result().totalCostUsd());
        assertEquals(DONE, r.result().result());
    }

    /**
     * Issue 16 item 4, which way it goes: a subagent's lines ({@code parent_tool_use_id} set) count like the main
     * agent's (SPEC §3.2 last line, §3.3): its {@code tool_use} blocks are tool calls and set the activity, its
     * messages add to the live token figure, and {@code model_usage_since_last_result} (which includes the subagent)
     * gives the result total, not the main-loop-only {@code usage}.
     */
    @Test
    void subagentRunCountsSubagentTokensAndKeepsTheLastOfTwoResults() {
        Replay r = Replay.ofFixture("subagent.jsonl");
        String session = "28119eee-6c37-45fd-b9d5-cda430b3885e";
        assertEquals(List.of(session), r.sessionIds, "second init with the same id is not a new session");
        assertEquals(List.of(), r.state.otherSessionIds());
        assertEquals(6L, r.tokensBeforeFirstResult);
        assertEquals(252, r.state.tokens());
        assertEquals(3, r.state.toolCalls());
        assertEquals(List.of("\uD83D\uDD27 Agent", BASH_ECHO_HI, FINISHING), r.activities);
        assertEquals(2, r.results);
        assertEquals(2, r.state.resultCount());
        assertEquals(307L, r.result().durationMs(), "the last result is kept");
        assertEquals(DONE, r.result().result());
        assertEquals("Delegating to a subagent.\n" + DONE + "\nI'll run the command.\n" + DONE + "\n"
                + "I'll run the command.\n" + DONE + "\n", r.state.assistantText());

        Replay subagentOnly = new Replay(); // the lines of the subagent alone: they count, they are not skipped
        Fixtures.lines("subagent.jsonl").stream().filter(l -> l.contains("\"parent_tool_use_id\":\"toolu_"))
                .forEach(subagentOnly::accept);
        assertEquals(1, subagentOnly.state.toolCalls(), "the subagent's Bash is one of the 3 tool calls");
        assertEquals(2, subagentOnly.state.liveTokens(), "its 2 messages count in the live figure");
        assertEquals(List.of(BASH_ECHO_HI), subagentOnly.activities, "its tool sets the activity");
        assertEquals(84, r.result().usage().get("output_tokens").intValue(), "usage: main loop only, not shown");
    }

    /** The pinned CLI moved from 2.1.330 to 2.1.332: its fresh transcripts give the same figures (issue 16 item 5). */
    @ParameterizedTest
    @CsvSource({"basic.jsonl, basic-2.1.332.jsonl", "subagent.jsonl, subagent-2.1.332.jsonl"})
    void theNewlyPinnedClaudeCodeGivesTheSameFiguresAsTheOneRecordedBefore(String before, String now) {
        Replay a = Replay.ofFixture(before);
        Replay b = Replay.ofFixture(now);
        assertEquals(a.state.toolCalls(), b.state.toolCalls());
        assertEquals(a.state.tokens(), b.state.tokens());
        assertEquals(a.activities, b.activities);
        assertEquals(a.texts, b.texts);
        assertEquals(a.results, b.results);
        assertEquals(a.result().result(), b.result().result());
        assertEquals(a.state.backgroundTasks().stream().map(t -> List.of(t.type(), t.description(), t.status())).toList(),
                b.state.backgroundTasks().stream().map(t -> List.of(t.type(), t.description(), t.status())).toList());
        assertEquals(0, b.state.badLines());
    }

    @Test
    void backgroundSubagentIsTrackedFromItsStartToItsCompletion() {
        Replay r = Replay.ofFixture("subagent.jsonl");
        BackgroundTask running = new BackgroundTask("a48bd56d7dadd5644", "local_agent", "Run echo", "general-purpose",
                "running");
        BackgroundTask done = new BackgroundTask("a48bd56d7dadd5644", "local_agent", "Run echo", "general-purpose",
                "completed");
        assertEquals(List.of(List.of(new BackgroundTask("a48bd56d7dadd5644", "local_agent", "Run echo", null, "running")),
                List.of(running), List.of(done)), r.backgroundChanges,
                "background_tasks_changed names it, task_started completes it, task_updated ends it; the rest repeats");
        assertEquals(List.of(done), r.state.backgroundTasks());
        assertTrue(r.state.doneForNanos() >= 0, "nothing runs after the last result");
    }

    @Test
    void aResultPrintedWhileABackgroundCommandRunsIsNotTheEndTheLastResultIs() {
        // Claude 2.1.332, Bash with run_in_background: result 0 comes before the command ends, result 1 after it
        AtomicLong now = new AtomicLong();
        Replay r = new Replay(new RunState(now::get));
        List<String> lines = Fixtures.lines("background-bash-2.1.332.jsonl");
        int firstResult = lines.indexOf(lines.stream().filter(l -> l.contains("\"type\":\"result\"")).findFirst()
                .orElseThrow());
        lines.subList(0, firstResult + 1).forEach(r::accept);
        now.addAndGet(60_000_000_000L);
        assertEquals(-1, r.state.doneForNanos(), "the background command still runs: Claude is not done");
        assertEquals(List.of("running"), r.state.backgroundTasks().stream().map(BackgroundTask::status).toList());

        lines.subList(firstResult + 1, lines.size()).forEach(r::accept);
        assertEquals(List.of(new BackgroundTask(r.state.backgroundTasks().get(0).id(), "local_bash",
                "Run the scripted command", null, "completed")), r.state.backgroundTasks());
        assertEquals(2, r.results);
        assertEquals("The subagent finished: it printed hi.", r.result().result(), "the mock's answer to the notification");
        assertEquals(RunOutcome.Status.COMPLETED, RunOutcome.of(r.state, 0, "", false, false, null).status());
    }

    @Test
    void backgroundSubagentKilledAtClaudesCeilingEndsKilledAndItsForegroundBashIsNoBackgroundTask() {
        Replay r = Replay.ofFixture("background-killed-at-ceiling.jsonl");
        assertEquals(List.of(new BackgroundTask("aba95f441ab3d6dcf", "local_agent", "Run echo", "general-purpose",
                "killed")), r.state.backgroundTasks(), "task_updated killed stands over task_notification stopped");
        assertEquals("Done: the command printed hi.", r.result().result());
        // counting (issue 16 item 4): the Agent call of the main agent and the subagent's Bash
        assertEquals(2, r.state.toolCalls());
        assertEquals(List.of("\uD83D\uDD27 Agent", "\uD83D\uDCBB bash: tail -f /dev/null", FINISHING), r.activities);
        assertEquals(126, r.state.tokens());
    }

    @Test
    void aTaskMovedToTheBackgroundOrOnlyListedAsBackgroundWorkIsTracked() {
        Replay r = Replay.of("""
                {"type":"system","subtype":"task_started","task_id":"b1","task_type":"local_bash","description":"npm test","is_backgrounded":false}
                {"type":"system","subtype":"task_updated","task_id":"b1","patch":{"is_backgrounded":true}}
                {"type":"system","subtype":"background_tasks_changed","tasks":[{"task_id":"b1","task_type":"local_bash","description":"npm test"},{"task_id":"m2","task_type":"monitor","description":"Watch the log"}]}
                {"type":"system","subtype":"task_updated","task_id":"b1","patch":{"status":"paused"}}
                {"type":"system","subtype":"task_notification","task_id":"m2","status":"failed"}
                """);
        assertEquals(List.of(new BackgroundTask("b1", "local_bash", "npm test", null, "running"),
                new BackgroundTask("m2", "monitor", "Watch the log", null, "failed")), r.state.backgroundTasks(),
                "paused does not end a task");
        assertEquals(3, r.backgroundChanges.size(), "moved, listed, failed; the pause changes nothing seen");
    }

    @Test
    void whileOnlyBackgroundWorkRunsTheActivityNamesItAndTheHeartbeatCountsIt() {
        Replay r = Replay.of("""
                {"type":"system","subtype":"init","session_id":"s"}
                {"type":"system","subtype":"task_started","task_id":"a1","task_type":"local_agent","description":"Run the test matrix","is_backgrounded":true}
                {"type":"system","subtype":"task_started","task_id":"a2","task_type":"local_agent","description":"Read the docs","is_backgrounded":true}
                {"type":"stream_event","event":{"type":"message_start","message":{"id":"m1","usage":{"output_tokens":1}}},"parent_tool_use_id":null}
                {"type":"stream_event","event":{"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":5}},"parent_tool_use_id":null}
                """);
        Progress working = r.state.heartbeatSnapshot();
        assertEquals(List.of("local_agent", "local_agent"), working.background());
        assertFalse(working.onlyBackground(), "the main agent waits for a tool: it still works");

        r.accept("{\"type\":\"stream_event\",\"event\":{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
                + "\"end_turn\"},\"usage\":{\"output_tokens\":7}},\"parent_tool_use_id\":null}");
        Progress waiting = r.state.heartbeatSnapshot();
        assertTrue(waiting.onlyBackground());
        assertEquals("\uD83E\uDD16 Agent: Read the docs", waiting.activity(), "the task started last");
        r.accept("{\"type\":\"system\",\"subtype\":\"task_notification\",\"task_id\":\"a2\",\"status\":\"completed\"}");
        assertEquals("\uD83E\uDD16 Agent: Run the test matrix", r.state.activity());
        assertEquals(List.of("local_agent"), r.state.heartbeatSnapshot().background());

        r.accept("{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"s\"}");
        assertFalse(r.state.heartbeatSnapshot().onlyBackground(), "a new main turn works again");
        r.accept("{\"type\":\"system\",\"subtype\":\"task_notification\",\"task_id\":\"a1\",\"status\":\"completed\"}");
        assertEquals(List.of(), r.state.heartbeatSnapshot().background());
    }

    @Test
    void aSubagentResumedAfterItsNotificationRunsAgainUntilItsNextEnd() {
        // "the same task-id may notify more than once" (the task notification Claude 2.1.332 sends its model)
        Replay r = Replay.of("""
                {"type":"system","subtype":"task_started","task_id":"a1","task_type":"local_agent","description":"Run echo","is_backgrounded":true}
                {"type":"system","subtype":"task_notification","task_id":"a1","status":"completed"}
                {"type":"system","subtype":"task_updated","task_id":"a1","patch":{"status":"running"}}
                """);
        assertEquals(List.of("running"), r.state.backgroundTasks().stream().map(BackgroundTask::status).toList());
        r.accept("{\"type\":\"system\",\"subtype\":\"task_notification\",\"task_id\":\"a1\",\"status\":\"completed\"}");
        assertEquals(List.of("completed"), r.state.backgroundTasks().stream().map(BackgroundTask::status).toList());
    }

    @Test
    void whatClaudeSaysOfItsTasksAfterTheRunWasStoppedDoesNotCount() {
        Replay r = Replay.of("""
                {"type":"system","subtype":"task_started","task_id":"a1","task_type":"local_agent","description":"Run echo","is_backgrounded":true}
                """);
        r.state.freezeTasks();
        r.accept("{\"type\":\"system\",\"subtype\":\"task_notification\",\"task_id\":\"a1\",\"status\":\"stopped\"}");
        assertEquals(List.of(new BackgroundTask("a1", "local_agent", "Run echo", null, "running")),
                r.state.backgroundTasks(), "Claude stops its tasks as it is killed: they were still running");
    }

    @Test
    void writeToolShowsTheFileName() {
        Replay r = Replay.ofFixture("write-tool.jsonl");
        assertEquals(List.of("\uD83D\uDCDD Write: hello.txt", FINISHING), r.activities);
        assertEquals(1, r.state.toolCalls());
        assertEquals(84, r.state.tokens());
        assertEquals("05c7460b-0ff3-4e98-a6fa-0ed63e7e7ab9", r.state.sessionId());
    }

    @Test
    void failingBashToolStillEndsInSuccess() {
        Replay r = Replay.ofFixture("tool-error.jsonl");
        assertEquals(List.of("\uD83D\uDCBB bash: echo oops >&2; exit 3", FINISHING), r.activities);
        assertFalse(r.result().isError());
        assertEquals(84, r.state.tokens());
    }

    @Test
    void bareModeFindsTheInitAfterUiInvalidate() {
        Replay r = Replay.ofFixture("bare-mode.jsonl");
        assertEquals(List.of("7c707918-6f46-4a71-b8e9-34496e16c582"), r.sessionIds);
        assertEquals(List.of(BASH_ECHO_HI, FINISHING), r.activities);
        assertEquals(84, r.state.tokens());
        assertEquals(0.01222, r.result().totalCostUsd());
    }

    @Test
    void maxTurnsAndMaxBudgetAreErrorResultsWithErrorsAndNoText() {
        Replay turns = Replay.ofFixture("max-turns.jsonl");
        assertTrue(turns.result().isError());
        assertEquals("error_max_turns", turns.result().subtype());
        assertNull(turns.result().result());
        assertEquals(List.of("Reached maximum number of turns (1)"), turns.result().errors());
        assertEquals(42, turns.state.tokens());
        assertEquals("I'll run the command.\n", turns.state.assistantText());

        Replay budget = Replay.ofFixture("max-budget.jsonl");
        assertEquals("error_max_budget_usd", budget.result().subtype());
        assertEquals(List.of("Reached maximum budget ($0.01)"), budget.result().errors());
        assertEquals(42, budget.state.tokens());
        assertEquals(1, budget.state.toolCalls());
    }

    @Test
    void apiErrorsAreErrorResultsOfSubtypeSuccessWithTheirText() {
        String[][] cases = {
            {"error-401-maxretries1.jsonl", "bb711e7a-491f-4a13-b263-d90468bbb6ae", "Invalid API key \u00B7 Fix external API key"},
            {"error-529-maxretries1.jsonl", "ce2d005e-dfe7-422b-a8ae-c72445ab49fe", "API Error: 529 Overloaded. This is a "
                + "server-side issue, usually temporary \u2014 try again in a moment. If it persists, check your inference "
                + "gateway (127.0.0.1:34943)."},
            {"error-connrefused.jsonl", "aaf265ba-95f5-405f-aeb7-943663040e30",
                "API Error: Connection refused \u2014 a firewall or proxy may be blocking it (ECONNREFUSED)"},
            {"error-timeout.jsonl", "5036ddcb-6a46-4bfd-a73f-c05608bb9e8b", "Request timed out. If the API is slow to "
                + "answer, or a proxy or gateway holds responses, set API_TIMEOUT_MS above 5000."},
            {"no-api-key.jsonl", "21da0db2-fc9f-43be-8cc3-626941cf2fa7", "Not logged in \u00B7 Please run /login"},
        };
        for (String[] c : cases) {
            Replay r = Replay.ofFixture(c[0]);
            assertEquals(List.of(c[1]), r.sessionIds, c[0]);
            assertTrue(r.result().isError(), c[0]);
            assertEquals("success", r.result().subtype(), c[0]);
            assertEquals(c[2], r.result().result(), c[0]);
            assertEquals(c[2] + "\n", r.state.assistantText(), c[0]);
            assertEquals(0, r.state.tokens(), c[0]);
            assertEquals(0, r.state.toolCalls(), c[0]);
            assertEquals(List.of(FINISHING), r.activities, c[0]);
            assertEquals(0, r.state.badLines(), c[0]);
        }
    }

    @Test
    void badResumeHasOnlyAResultAndNoInit() {
        Replay unknown = Replay.ofFixture("bad-resume-unknown-uuid.jsonl");
        assertFalse(unknown.state.sawInit());
        assertNull(unknown.state.sessionId());
        assertEquals(List.of(), unknown.sessionIds);
        assertEquals("error_during_execution", unknown.result().subtype());
        assertEquals(List.of("No conversation found with session ID: 11111111-2222-4333-8444-555555555555"),
                unknown.result().errors());
        assertEquals("11111111-2222-4333-8444-555555555555", unknown.result().sessionId());

        Replay nonUuid = Replay.ofFixture("bad-resume-non-uuid.jsonl");
        assertFalse(nonUuid.state.sawInit());
        assertTrue(nonUuid.result().errors().get(0).startsWith(
                "Error: --resume requires a valid session ID or session title when used with --print."));
        assertEquals(0, nonUuid.state.tokens());
    }

    @Test
    void objectsOfOtherShapesChangeNothingButLiveness() {
        Replay r = Replay.ofFixture("mock-requests-first-run.jsonl");
        assertEquals(0, r.state.badLines());
        assertNull(r.state.sessionId());
        assertEquals("", r.state.activity());
        assertEquals(0, r.state.resultCount());
    }

    // ---- rules one by one ------------------------------------------------------------------------------

    @Test
    void laterInitWithADifferentIdIsRememberedNotAdopted() {
        Replay r = Replay.of("""
                {"type":"system","subtype":"init","session_id":"a"}
                {"type":"system","subtype":"init","session_id":"b"}
                {"type":"system","subtype":"init","session_id":"a"}
                {"type":"system","subtype":"init","session_id":"b"}
                {"type":"system","subtype":"init","session_id":""}
                """);
        assertEquals(List.of("a"), r.sessionIds);
        assertEquals("a", r.state.sessionId());
        assertEquals(List.of("b"), r.state.otherSessionIds());
    }

    @Test
    void messageDeltaAppliesToTheLatestMessageStartOfTheSameStream() {
        Replay r = Replay.of("""
                {"type":"stream_event","parent_tool_use_id":null,"event":{"type":"message_start","message":{"id":"m1","usage":{"output_tokens":1}}}}
                {"type":"stream_event","parent_tool_use_id":"t1","event":{"type":"message_start","message":{"id":"s1","usage":{"output_tokens":1}}}}
                {"type":"assistant","parent_tool_use_id":"t1","message":{"id":"s1","usage":{"output_tokens":1},"content":[]}}
                {"type":"stream_event","parent_tool_use_id":null,"event":{"type":"message_delta","usage":{"output_tokens":10}}}
                {"type":"stream_event","parent_tool_use_id":"t1","event":{"type":"message_delta","usage":{"output_tokens":20}}}
                {"type":"stream_event","parent_tool_use_id":"t2","event":{"type":"message_delta","usage":{"output_tokens":500}}}
                """);
        assertEquals(30, r.state.tokens());
        assertEquals(30, r.state.liveTokens());
    }

    @Test
    void resultAccountingPrefersModelUsageSinceLastResultAndShowsTheLargerFigure() {
        Replay r = Replay.of("""
                {"type":"assistant","message":{"id":"m1","usage":{"output_tokens":500},"content":[]}}
                {"type":"result","usage":{"output_tokens":100},"model_usage_since_last_result":{"a":{"outputTokens":60},"b":{"outputTokens":40}}}
                """);
        assertEquals(100, r.state.resultTokens());
        assertEquals(500, r.state.tokens(), "live figure larger than the result total");
        r.accept("{\"type\":\"result\",\"usage\":{\"output_tokens\":450}}");
        assertEquals(550, r.state.resultTokens(), "without model_usage_since_last_result: usage.output_tokens");
        assertEquals(550, r.state.tokens());
        r.accept("{\"type\":\"result\",\"usage\":{\"output_tokens\":450},\"model_usage_since_last_result\":{}}");
        assertEquals(550, r.state.resultTokens(), "an empty object adds 0");
    }

    @Test
    void toolUseActivitiesFollowSpecTable() {
        assertEquals("\uD83D\uDCDD Edit: b.py", activityOf("Edit", "{\"file_path\":\"/a/b.py\"}"));
        assertEquals("\uD83D\uDCDD write: ?", activityOf("write", "{}"));
        assertEquals("\uD83D\uDCDD Write: ?", activityOf("Write", "{\"file_path\":\"\"}"));
        assertEquals("\uD83D\uDC41 read: x.py", activityOf("Read", "{\"file_path\":\"/src/x.py\"}"));
        assertEquals("\uD83D\uDC41 read: ?", activityOf("READ", "\"not an object\""));
        assertEquals("\uD83D\uDCBB bash: ?", activityOf("Bash", "{\"command\":42}"));
        assertEquals("\uD83D\uDD0D Grep", activityOf("Grep", "{}"));
        assertEquals("\uD83D\uDD0D WebSearch", activityOf("WebSearch", "{}"));
        assertEquals("\uD83D\uDD0D ToolSearch", activityOf("ToolSearch", "{}"));
        assertEquals("\uD83D\uDD27 Agent", activityOf("Agent", "{}"));
        assertEquals("\uD83D\uDD27 mcp__github__create_issue", activityOf("mcp__github__create_issue", "{}"));
        assertEquals("\uD83D\uDD27 ?", activityOf(null, "{}"));
    }

    @Test
    void bashCommandIsCutAtFiftyCodePointsKeepingNewlines() {
        String command = "echo \uD83D\uDE00\n" + "\uD83D\uDE00".repeat(60);
        String activity = activityOf("Bash", "{\"command\":\"" + command.replace("\n", "\\n") + "\"}");
        String expected = "echo \uD83D\uDE00\n" + "\uD83D\uDE00".repeat(43);
        assertEquals(50, expected.codePointCount(0, expected.length()));
        assertEquals("\uD83D\uDCBB bash: " + expected, activity);
    }

    private static String activityOf(String name, String inputJson) {
        String nameField = name == null ? "" : "\"name\":\"" + name + "\",";
        Replay r = Replay.of("{\"type\":\"assistant\",\"message\":{\"content\":[{\"type\":\"tool_use\"," + nameField
                + "\"input\":" + inputJson + "}]}}");
        assertEquals(1, r.state.toolCalls());
        return r.state.activity();
    }

    @Test
    void contentBlockEventsCountAlsoAtTheTopLevel() {
        Replay r = Replay.of("""
                {"type":"content_block_start","content_block":{"type":"tool_use"}}
                """);
        assertEquals("\u25B6\uFE0F ? starting...", r.state.activity());
        r.accept("{\"type\":\"content_block_delta\",\"delta\":{\"type\":\"text_delta\",\"text\":\"x\"}}");
        assertEquals("\u270D\uFE0F Writing...", r.state.activity());
        r.accept("{\"type\":\"stream_event\",\"event\":{\"type\":\"content_block_delta\",\"delta\":{\"type\":\"input_json_delta\"}}}");
        assertEquals("\u270D\uFE0F Writing...", r.state.activity(), "input_json_delta only counts");
        assertEquals(2, r.state.heartbeatSnapshot().chunksSinceHeartbeat());
        assertEquals(0, r.state.chunksSinceHeartbeat(), "the snapshot resets the chunk counter");
    }

    // ---- bad lines ---------------------------------------------------------------------------------------

    @Test
    void linesThatAreNotJsonObjectsAreCountedAndSkipped() {
        long[] now = {0};
        Replay r = new Replay(new RunState(() -> now[0]));
        now[0] = 7_000_000_000L;
        for (String bad : List.of("garbage", "[1,2,3]", "42", "\"text\"", "null", "true", "{\"type\":\"result\"",
                "{\"type\":\"result\"} trailing", "\uFFFD\uFFFD{", "{'type':'result'}")) {
            r.accept(bad);
        }
        assertEquals(10, r.state.badLines());
        assertEquals(7.0, r.state.idleSeconds(), "bad lines are no sign of life");
        assertEquals(0, r.state.resultCount());
        r.accept("{\"type\":\"rate_limit_event\"}");
        assertEquals(10, r.state.badLines(), "unknown types are ignored, not bad");
        assertEquals(0.0, r.state.idleSeconds(), "any object is a sign of life");
    }

    @Test
    void theTypeNeedNotComeFirst() {
        Replay r = Replay.of("""
                {"session_id":"s1","subtype":"init","type":"system"}
                {"message":{"id":"m1","content":[{"name":"Bash","input":{"command":"ls"},"type":"tool_use"},\
                {"text":"hi","type":"text"}],"usage":{"output_tokens":5}},"type":"assistant"}
                {"event":{"delta":{"type":"text_delta","text":"x"},"type":"content_block_delta"},"type":"stream_event"}
                {"result":"done","usage":{"output_tokens":7},"is_error":false,"type":"result"}
                """);
        assertEquals(List.of("s1"), r.sessionIds);
        assertEquals("hi\n", r.state.assistantText());
        assertEquals(1, r.state.toolCalls());
        assertEquals("done", r.result().result());
        assertEquals(7, r.state.tokens());
        assertEquals(0, r.state.badLines());
    }

    @Test
    void malformedUtf8InAReadFieldBecomesReplacementCharacters() {
        Replay r = new Replay();
        byte[] head = "{\"type\":\"assistant\",\"message\":{\"id\":\"m\",\"content\":[{\"type\":\"text\",\"text\":\"a"
                .getBytes(StandardCharsets.UTF_8);
        byte[] tail = "b\"}]}}".getBytes(StandardCharsets.UTF_8);
        byte[] line = new byte[head.length + 2 + tail.length];
        System.arraycopy(head, 0, line, 0, head.length);
        line[head.length] = (byte) 0xff;
        line[head.length + 1] = (byte) 0xc3; // a lead byte without its continuation
        System.arraycopy(tail, 0, line, head.length + 2, tail.length);
        r.accept(line);
        assertEquals("a\uFFFD\uFFFDb\n", r.state.assistantText());
        assertEquals(0, r.state.badLines());
    }

    @Test
    void surroundingWhitespaceIsStrippedAndBlankLinesAreNotBad() {
        Replay r = new Replay();
        for (String blank : List.of("", "   ", "\t", "\r", "\u2003 \u000B")) {
            r.accept(blank);
        }
        assertEquals(0, r.state.badLines());
        r.accept("  {\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"a\"}  \r");
        r.accept("\u2003\u000B{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"b\"}\u2003");
        assertEquals(List.of("a"), r.sessionIds, "the first init wins; both lines parsed");
        assertEquals(0, r.state.badLines());
    }

    @Test
    void nullAndOddTypedFieldsAreTreatedAsAbsent() {
        Replay r = Replay.of("""
                {"type":null,"message":null}
                {"type":"system","subtype":"init","session_id":123}
                {"type":"stream_event","event":"oops"}
                {"type":"stream_event","event":{"type":"message_start","message":{"id":7,"usage":{"output_tokens":"9"}}}}
                {"type":"stream_event","event":{"type":"message_delta","usage":null}}
                {"type":"stream_event","event":{"type":"content_block_start","content_block":[1]}}
                {"type":"assistant","message":"text"}
                {"type":"assistant","message":{"id":"m","usage":{"output_tokens":-5},"content":{"type":"text"}}}
                {"type":"assistant","message":{"id":"m2","usage":{"output_tokens":2.5},"content":[null,7,{"type":"text","text":5},{"type":"tool_use","name":7,"input":null}]}}
                {"type":"result","is_error":"true","errors":[1,"x",null],"num_turns":"2","total_cost_usd":"0.1","duration_ms":1.5,"usage":[],"result":5,"model_usage_since_last_result":{"m":null}}
                """);
        assertEquals(0, r.state.badLines());
        assertNull(r.state.sessionId());
        assertTrue(r.state.sawInit());
        assertEquals(0, r.state.tokens());
        assertEquals("", r.state.assistantText());
        assertEquals(1, r.state.toolCalls());
        ResultEvent result = r.result();
        assertFalse(result.isError());
        assertNull(result.result());
        assertEquals(List.of("x"), result.errors());
        assertNull(result.numTurns());
        assertNull(result.totalCostUsd());
        assertNull(result.durationMs());
        assertNull(result.usage());
        assertEquals(FINISHING, r.state.activity());
    }

    @Test
    void replacementCharactersFromMalformedUtf8PassThroughAsText() {
        Replay r = Replay.of("{\"type\":\"assistant\",\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"bad \uFFFD byte\"}]}}");
        assertEquals(List.of("bad \uFFFD byte"), r.texts);
    }

    @Test
    void hugeUserEventsAreSkippedWithoutBeingRead() {
        String big = "x".repeat(5_000_000);
        Replay r = Replay.of("{\"type\":\"user\",\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"" + big
                + "\"}]},\"tool_use_result\":{\"stdout\":\"" + big + "\"}}");
        assertEquals(0, r.state.badLines());
        assertEquals("", r.state.assistantText());
        assertEquals(0.0, r.state.idleSeconds(), 1.0);
    }

    @Test
    void aFailingListenerDoesNotStopTheStream() {
        RunState state = new RunState();
        StreamParser parser = new StreamParser(new ObjectMapper(), state, new StreamParser.Listener() {
            @Override
            public void onAssistantText(String text) {
                throw new IllegalStateException("disk full");
            }
        });
        Fixtures.lines("basic.jsonl").forEach(parser::accept);
        assertEquals(1, state.resultCount());
        assertEquals(84, state.tokens());
    }

    @Test
    void aPermissionRequestOfTheRecordedCliReachesTheListenerWithItsIdToolInputAndSuggestions() {
        List<PermissionRequest> requests = new ArrayList<>();
        StreamParser parser = new StreamParser(new ObjectMapper(), new RunState(), StreamParser.Listener.of(id -> { },
                text -> { }, tasks -> { }, requests::add));
        Fixtures.lines("stdin-permission-prompts.txt").stream().filter(l -> l.startsWith("{")).forEach(parser::accept);

        assertEquals(5, requests.size(), "the Write of two cases and the Bash touch of three; none in acceptEdits nor past"
                + " a deny rule");
        PermissionRequest write = requests.get(0);
        assertEquals("78faa2e1-42ce-46cb-8421-4c583237c109", write.requestId());
        assertEquals("Write", write.tool());
        assertEquals("{\"file_path\":\"/tmp/obs-XXXX/project/hello.txt\",\"content\":\"hello\\n\"}",
                write.input().toString());
        assertEquals("hello.txt", write.description());
        assertEquals("[{\"type\":\"setMode\",\"mode\":\"acceptEdits\",\"destination\":\"session\"}]",
                write.suggestions().toString());
        PermissionRequest bash = requests.get(2);
        assertEquals("Bash", bash.tool());
        assertEquals("touch made-by-bash", bash.input().path("command").asText());
        assertEquals(3, bash.suggestions().size());
    }
}
