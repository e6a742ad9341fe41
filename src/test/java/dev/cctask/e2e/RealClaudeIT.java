package dev.cctask.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The real Claude Code CLI 2.1.332 against this suite's Java mock of the Messages API, without run-task: proves
 * the mock speaks the protocol the CLI expects, and the CLI facts run-task relies on (the prompt as a stream-json
 * user line on stdin, the end of input ending the run, resume).
 */
class RealClaudeIT {
    private static E2ePeers peers;

    @TempDir
    Path dir;

    private MockAnthropic mock;
    private final List<Proc> procs = new ArrayList<>();

    @BeforeAll
    static void peers() {
        peers = E2ePeers.locate();
    }

    @BeforeEach
    void startMock() throws Exception {
        mock = new MockAnthropic();
        Files.createDirectories(dir.resolve("home"));
        Files.createDirectories(dir.resolve("tmp"));
        Files.createDirectories(dir.resolve("work"));
    }

    @AfterEach
    void stopAll() {
        procs.forEach(Proc::close);
        mock.close();
    }

    @Test
    void realClaudeRunsTheBashToolAndFinishesAgainstTheJavaMockWithThePromptOnStdin() {
        String prompt = "Run echo hi with Bash — ünïcødé ✓\n";

        Run run = claude("first", prompt);

        assertEquals(0, run.exit, run.stderr);
        assertEquals("", run.stderr);
        assertTrue(run.has("system", "init"), run.stdout);
        assertTrue(run.events.stream().anyMatch(e -> e.path("type").asText().equals("stream_event")), "partial messages");
        assertTrue(run.events.stream().anyMatch(e -> e.path("type").asText().equals("assistant")
                && e.path("message").path("content").path(0).path("name").asText().equals("Bash")
                && e.path("message").path("content").path(0).path("input").path("command").asText().equals("echo hi")),
                run.stdout);
        assertTrue(run.events.stream().anyMatch(e -> e.path("type").asText().equals("user")
                && e.path("message").path("content").path(0).path("content").asText().equals("hi")), run.stdout);
        JsonNode result = run.events.get(run.events.size() - 1);
        assertEquals("result", result.path("type").asText());
        assertEquals("success", result.path("subtype").asText());
        assertEquals(false, result.path("is_error").asBoolean(true));
        assertEquals(MockAnthropic.FINAL_TEXT, result.path("result").asText());

        List<MockAnthropic.Call> calls = mock.messages();
        assertEquals(2, calls.size(), "one request for the tool_use, one for the final text");
        for (MockAnthropic.Call c : calls) {
            assertEquals("test", c.headers().get("x-api-key"));
            assertEquals("2023-06-01", c.headers().get("anthropic-version"));
            assertEquals(true, c.body().path("stream").asBoolean());
        }
        assertEquals(prompt, calls.get(0).lastUserText(), "the stdin prompt reaches the API verbatim");
        assertTrue(calls.get(1).answersToolResult());
    }

    @Test
    void resumeContinuesTheSessionAndSendsTheEarlierHistory() {
        Run first = claude("first", "Run echo hi with Bash");
        assertEquals(0, first.exit, first.stderr);
        String sid = first.events.get(first.events.size() - 1).path("session_id").asText();
        int firstRunRequests = mock.messages().size();

        Run second = claude("second", "Now run it again", "--resume", sid);

        assertEquals(0, second.exit, second.stderr);
        JsonNode result = second.events.get(second.events.size() - 1);
        assertEquals(sid, result.path("session_id").asText());
        assertEquals(MockAnthropic.FINAL_TEXT, result.path("result").asText());
        MockAnthropic.Call resumed = mock.messages().get(firstRunRequests);
        assertEquals(sid, resumed.headers().get("x-claude-code-session-id"));
        assertEquals("Now run it again", resumed.lastUserText());
        String history = Json.write(resumed.messages());
        assertTrue(history.contains("Run echo hi with Bash"), "the earlier prompt is in the history");
        assertTrue(history.contains(MockAnthropic.FINAL_TEXT), "the earlier answer is in the history");
        assertTrue(resumed.messages().size() > mock.messages().get(0).messages().size());
    }

    @Test
    void unknownResumeIdIsRefusedWithNoConversationFound() {
        String unknown = "11111111-2222-4333-8444-555555555555";

        Run run = claude("bad-resume", "hello", "--resume", unknown);

        assertEquals(1, run.exit);
        assertTrue(run.stderr.contains("No conversation found with session ID: " + unknown), run.stderr);
        assertEquals(0, mock.messages().size());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "401 | Invalid API key · Fix external API key",
        "500 | API Error: 500 Internal server error. This is a server-side issue, usually temporary — try again in a"
                + " moment. If it persists, check your inference gateway (127.0.0.1:PORT).",
        "529 | API Error: 529 Overloaded. This is a server-side issue, usually temporary — try again in a moment. If it"
                + " persists, check your inference gateway (127.0.0.1:PORT)."})
    void apiErrorsEndTheRunWithAnErrorResultAndExitOne(int status, String text) {
        mock.failWith(status);

        Run run = claude("error-" + status, "Run echo hi with Bash");

        assertEquals(1, run.exit, run.stdout);
        JsonNode result = run.events.get(run.events.size() - 1);
        assertEquals(true, result.path("is_error").asBoolean());
        assertEquals(status, result.path("api_error_status").asInt());
        assertEquals(text.replace("PORT", String.valueOf(mock.port())), result.path("result").asText());
        assertEquals(1, mock.messages().size(), "x-should-retry: false stops the retries");
    }

    /** CLAUDE-STREAM.md §4.6, on the pinned CLI: what run-task's tracking and "the last result is final" rely on. */
    @Test
    void aSpawnedSubagentRunsInTheBackgroundAndTheLastOfTwoResultsIsFinal() {
        Run run = claude("subagent", MockAnthropic.SPAWN_AGENT + ": run echo hi in a subagent");

        assertEquals(0, run.exit, run.stderr);
        assertEquals("", run.stderr);
        JsonNode started = run.first("system", "task_started");
        assertEquals(true, started.path("is_backgrounded").asBoolean(), run.stdout);
        assertEquals("local_agent", started.path("task_type").asText());
        assertEquals(MockAnthropic.AGENT_DESCRIPTION, started.path("description").asText());
        String task = started.path("task_id").asText();
        assertEquals("completed", run.last("system", "task_notification").path("status").asText());
        assertEquals(task, run.last("system", "task_notification").path("task_id").asText());
        assertTrue(run.events.stream().anyMatch(e -> e.path("parent_tool_use_id").isTextual()), "subagent lines");
        List<JsonNode> results = run.events.stream().filter(e -> e.path("type").asText().equals("result")).toList();
        assertEquals(2, results.size(), run.stdout);
        assertEquals(List.of(0, 1), results.stream().map(r -> r.path("result_index").asInt()).toList());
        assertEquals(MockAnthropic.FINAL_TEXT, results.get(0).path("result").asText());
        assertEquals(MockAnthropic.AFTER_SUBAGENT, results.get(1).path("result").asText(), "the final word");
        assertEquals(results.get(1), run.events.get(run.events.size() - 1));
    }

    /** CLAUDE-STREAM.md §8.2, on the pinned CLI: the loss run-task reports (⚠️, not ✅). */
    @Test
    void atAUserSetCeilingClaudeKillsItsSubagentYetReportsSuccess() {
        mock.toolCommand("tail -f /dev/null");

        Run run = claude("ceiling", MockAnthropic.SPAWN_AGENT + ": run it in a subagent",
                List.of(), "CLAUDE_CODE_PRINT_BG_WAIT_CEILING_MS", "3000");

        assertEquals(0, run.exit, run.stderr);
        assertEquals("Background tasks still running 3s after the last turn (subagent \"" + MockAnthropic.AGENT_DESCRIPTION
                + "\"); stopping them. Set CLAUDE_CODE_PRINT_BG_WAIT_CEILING_MS=0 to wait indefinitely.\n", run.stderr);
        String task = run.first("system", "task_started").path("task_id").asText();
        assertTrue(run.events.stream().anyMatch(e -> e.path("subtype").asText().equals("task_updated")
                && e.path("task_id").asText().equals(task) && e.path("patch").path("status").asText().equals("killed")),
                run.stdout);
        assertTrue(run.events.stream().anyMatch(e -> e.path("subtype").asText().equals("task_notification")
                && e.path("task_id").asText().equals(task) && e.path("status").asText().equals("stopped")), run.stdout);
        JsonNode result = run.last("result", null);
        assertEquals("success", result.path("subtype").asText());
        assertEquals(false, result.path("is_error").asBoolean(true));
    }

    private record Run(int exit, String stdout, String stderr, List<JsonNode> events) {
        JsonNode first(String type, String subtype) {
            return matching(type, subtype).get(0);
        }

        JsonNode last(String type, String subtype) {
            List<JsonNode> all = matching(type, subtype);
            return all.get(all.size() - 1);
        }

        private List<JsonNode> matching(String type, String subtype) {
            List<JsonNode> all = events.stream().filter(e -> e.path("type").asText().equals(type)
                    && (subtype == null || e.path("subtype").asText().equals(subtype))).toList();
            assertTrue(!all.isEmpty(), "no " + type + "/" + subtype + " in:\n" + stdout);
            return all;
        }

        boolean has(String type, String subtype) {
            return events.stream().anyMatch(e -> e.path("type").asText().equals(type)
                    && e.path("subtype").asText().equals(subtype));
        }
    }

    private Run claude(String name, String prompt, String... extra) {
        return claude(name, prompt, List.of(extra));
    }

    /** @param envPairs more variables for Claude: name, value, name, value, … */
    private Run claude(String name, String prompt, List<String> extra, String... envPairs) {
        List<String> cmd = new ArrayList<>(List.of(peers.claudeBin().toString(), "-p", "--dangerously-skip-permissions",
                "--verbose", "--input-format", "stream-json", "--output-format", "stream-json",
                "--include-partial-messages"));
        cmd.addAll(extra);
        Map<String, String> env = new TreeMap<>(mock.claudeEnv(dir.resolve("home"), dir.resolve("tmp")));
        for (int i = 0; i < envPairs.length; i += 2) {
            env.put(envPairs[i], envPairs[i + 1]);
        }
        // run-task's input mode: the prompt as the first user line; here stdin ends right after it
        ObjectNode line = Json.object().put("type", "user");
        line.putObject("message").put("role", "user").put("content", prompt);
        Proc p = Proc.start(cmd, env, dir.resolve("work"), dir.resolve("logs"), name,
                (Json.write(line) + "\n").getBytes(StandardCharsets.UTF_8));
        procs.add(p);
        int exit = p.waitFor(Duration.ofSeconds(90));
        List<JsonNode> events = p.stdout().lines().filter(l -> !l.isBlank()).map(Json::parse).toList();
        return new Run(exit, p.stdout(), p.stderr(), events);
    }
}
