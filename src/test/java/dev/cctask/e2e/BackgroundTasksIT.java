package dev.cctask.e2e;

import static dev.cctask.e2e.RunTaskClaudeIT.assertMatches;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16 with the real Claude Code CLI: a subagent it runs in the background ({@code SPAWN_AGENT}) is waited for
 * or reported, never a false ✅. {@code java -jar run-task.jar} against the Java mock of the Messages API, with a
 * MockWebServer as the gateway.
 */
class BackgroundTasksIT {
    static final String KEY = "agent:main:telegram:group:-1001234567890";
    private static final Duration RUN_LIMIT = Duration.ofSeconds(150);
    private static final String TASK = MockAnthropic.SPAWN_AGENT + ": run echo hi in a subagent";
    /** A subagent's Bash command that never ends by itself. */
    private static final String FOREVER = "tail -f /dev/null";

    private static E2ePeers peers;

    @TempDir
    Path dir;

    private MockAnthropic mock;
    private MockGateway gateway;
    private Path project;
    private Path state;
    private Path config;
    private Path out;
    private final List<Proc> procs = new ArrayList<>();

    @BeforeAll
    static void peers() {
        peers = E2ePeers.locate();
        RunTask.jar();
    }

    @BeforeEach
    void setUp() throws IOException {
        mock = new MockAnthropic();
        gateway = new MockGateway();
        project = dir.resolve("project");
        state = dir.resolve("state");
        out = dir.resolve("out.txt");
        config = gateway.writeConfig(dir.resolve("openclaw/openclaw.json"));
        Files.createDirectories(dir.resolve("home"));
        Files.createDirectories(dir.resolve("tmp"));
    }

    @AfterEach
    void tearDown() {
        procs.forEach(Proc::close);
        mock.close();
        gateway.close();
    }

    @Test
    void aSubagentStoppedAtAUserSetCeilingGetsTheWarningNotTheTick() throws IOException {
        mock.toolCommand(FOREVER);

        Proc run = runTask("ceiling", Map.of("CLAUDE_CODE_PRINT_BG_WAIT_CEILING_MS", "5000"));
        int exit = run.waitFor(RUN_LIMIT);

        assertEquals(1, exit, run.stderr());
        List<String> messages = gateway.messages();
        assertFalse(messages.stream().anyMatch(m -> m.startsWith("✅")), messages.toString());
        String warning = messages.get(messages.size() - 1);
        assertMatches(Pattern.quote("⚠️ Claude Code finished, but 1 background task did not complete\n\nTask: " + TASK
                + "\nProject: " + project + "\nNot completed: subagent \"" + MockAnthropic.AGENT_DESCRIPTION
                + "\" (killed)\nResult (29 chars):\n\n" + MockAnthropic.FINAL_TEXT + "\n\n") + "Cost: \\$\\d+\\.\\d\\d"
                + Pattern.quote(" · 2 turns · ") + "\\d+" + Pattern.quote(" tok\nFull output: " + out), warning);
        assertTrue(gateway.wakes().get(0).path("args").path("message").asText()
                .startsWith("[CLAUDE_CODE_RESULT]\n" + warning + "\n\n---\n"), gateway.wakes().toString());
        assertEquals("incomplete", RunTask.registry(state).path("sessions").elements().next().path("status").asText());
        assertTrue(run.stderr().contains("⚠️ INCOMPLETE Done (exit 0, 29 chars, 0min)"), run.stderr());
    }

    @Test
    void aTimeoutListsTheSubagentStillRunningAndStopsTheWholeTree() throws Exception {
        mock.toolCommand(FOREVER);

        Proc run = runTask("timeout", Map.of(), "--timeout", "20", "--heartbeat-interval", "5");
        List<ProcessHandle> tree = awaitDescendant(run, FOREVER);
        JsonNode listed = awaitBackgroundTask();
        int exit = run.waitFor(RUN_LIMIT);

        assertEquals(1, exit, run.stderr());
        tree.forEach(p -> assertFalse(p.isAlive(), "left running: " + p.pid() + " " + p.info().commandLine().orElse("")));
        assertEquals("local_agent", listed.path("type").asText());
        assertEquals(MockAnthropic.AGENT_DESCRIPTION, listed.path("description").asText());
        assertEquals("running", listed.path("status").asText());
        List<String> messages = gateway.messages();
        assertMatches(Pattern.quote("⏰ Claude Code timed out after ") + "\\d+s" + Pattern.quote(" (limit: 20s)\n\nTask: "
                + TASK + "\nProject: " + project + "\nTool calls: ") + "\\d+" + Pattern.quote("\nStill running: subagent \""
                + MockAnthropic.AGENT_DESCRIPTION + "\"\n\nPartial result (") + "[\\s\\S]*", messages.get(messages.size() - 1));
        Pattern waiting = Pattern.compile("📡 [🟢🟡🔴] CC \\(0min\\) \\| .*" + Pattern.quote(" | 🤖 1 agent | 🤖 Agent: "
                + MockAnthropic.AGENT_DESCRIPTION) + "( ✍️)?");
        assertTrue(messages.stream().anyMatch(m -> waiting.matcher(m).matches()),
                "a heartbeat names the subagent Claude waits for: " + messages);
        assertEquals("timeout", RunTask.registry(state).path("sessions").elements().next().path("status").asText());
    }

    @Test
    void aSubagentThatFinishesIsWaitedForAndGetsTheTickWithTheFinalResult() throws IOException {
        Proc run = runTask("finishes", Map.of());
        int exit = run.waitFor(RUN_LIMIT);

        assertEquals(0, exit, run.stderr());
        String text = MockAnthropic.AFTER_SUBAGENT;
        List<String> messages = gateway.messages();
        assertMatches(Pattern.quote("✅ Claude Code task complete!\n\nTask: " + TASK + "\nProject: " + project + "\nResult ("
                + text.codePointCount(0, text.length()) + " chars):\n\n" + text + "\n\n") + "Cost: .*\n"
                + Pattern.quote("Full output: " + out), messages.get(messages.size() - 1));
        assertEquals(text, Files.readString(out));
        assertEquals("completed", RunTask.registry(state).path("sessions").elements().next().path("status").asText());
    }

    /** Waits until a process of the run's tree runs {@code command}; returns the whole tree as it is then. */
    private static List<ProcessHandle> awaitDescendant(Proc run, String command) throws InterruptedException {
        long end = System.nanoTime() + RUN_LIMIT.toNanos();
        while (System.nanoTime() < end) {
            List<ProcessHandle> tree = run.handle().descendants().toList();
            if (tree.stream().anyMatch(p -> String.join(" ", RunTaskClaudeIT.cmdline(p)).contains(command))) {
                return tree;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no process runs " + command + "; stderr:\n" + run.stderr());
    }

    /** {@code tasks --json}: the run's first background task, once it is listed. */
    private JsonNode awaitBackgroundTask() throws InterruptedException {
        long end = System.nanoTime() + RUN_LIMIT.toNanos();
        for (int i = 0; System.nanoTime() < end; i++) {
            Proc tasks = RunTask.start(dir, "tasks-" + i, env(Map.of()), List.of("tasks", "--json", "--pid-dir",
                    dir.resolve("pids").toString()));
            procs.add(tasks);
            assertEquals(0, tasks.waitFor(RUN_LIMIT), tasks.stderr());
            JsonNode runs = Json.parse(tasks.stdout());
            if (runs.size() > 0 && runs.get(0).path("background_tasks").size() > 0) {
                return runs.get(0).path("background_tasks").get(0);
            }
            Thread.sleep(200);
        }
        throw new AssertionError("tasks --json never listed a background task");
    }

    private Map<String, String> env(Map<String, String> extra) {
        Map<String, String> env = new TreeMap<>(mock.claudeEnv(dir.resolve("home"), dir.resolve("tmp")));
        env.put("OPENCLAW_CONFIG_PATH", config.toString());
        env.put("OPENCLAW_STATE_DIR", state.toString());
        env.putAll(extra);
        return env;
    }

    private Proc runTask(String name, Map<String, String> extraEnv, String... args) {
        List<String> all = new ArrayList<>(List.of("-t", TASK, "-p", project.toString(), "-s", KEY, "-o", out.toString()));
        all.addAll(Arrays.asList(args));
        all.addAll(List.of("--claude-bin", peers.claudeBin().toString(), "--pid-dir", dir.resolve("pids").toString()));
        Proc p = RunTask.start(dir, name, env(extraEnv), all);
        procs.add(p);
        return p;
    }
}
