package dev.cctask.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar run-task.jar … --claude-bin <real claude 2.1.332>} against the Java mock of the Messages API,
 * with a MockWebServer as the gateway (SPEC §13 item 53). Each test asserts what the chat, the agent and the disk
 * would show: the exact message texts, the wake, the registry, the output file, the exit code.
 */
class RunTaskClaudeIT {
    static final String KEY = "agent:main:telegram:group:-1001234567890";
    private static final Duration RUN_LIMIT = Duration.ofSeconds(150);
    private static final String SUBAGENT_TASK = MockAnthropic.SPAWN_AGENT + ": run echo hi in a subagent";
    /** A subagent's Bash command that never ends by itself. */
    private static final String FOREVER = "tail -f /dev/null";
    private static final String INSTRUCTION = "\n\n---\n⚠️ INSTRUCTION: You received a Claude Code result. Process it,"
            + " then send your response to the Telegram group using message(action=send, channel=telegram,"
            + " target=-1001234567890, message=YOUR_SUMMARY). Then reply NO_REPLY to avoid duplicate."
            + " Do NOT rely on announce step.";

    private static E2ePeers peers;

    @TempDir
    Path dir;

    private MockAnthropic mock;
    private MockGateway gateway;
    private Path project;
    private Path state;
    private Path config;
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
    void bashTaskSendsLaunchHeartbeatAndCompletionWakesTheAgentAndRecordsTheRun() throws IOException {
        mock.toolCommand("echo hi | tee made-by-claude.txt").pauseBeforeFinalReply(Duration.ofSeconds(7));
        String task = "Run echo hi with Bash and keep a copy in made-by-claude.txt";
        Path out = dir.resolve("out/result.txt");

        Proc run = runTask("bash-task", "-t", task, "-p", project.toString(), "-s", KEY, "-o", out.toString(),
                "--session-label", "e2e-bash", "--heartbeat-interval", "5");
        int exit = run.waitFor(RUN_LIMIT);

        String stderr = run.stderr();
        assertEquals(0, exit, stderr);
        long pid = run.handle().pid();
        String sid = mock.messages().get(0).headers().get("x-claude-code-session-id");
        List<JsonNode> invokes = gateway.invokes();
        // launch first, then heartbeats, then the completion message, then the wake
        JsonNode launch = invokes.get(0);
        assertEquals(Json.parse("{\"tool\":\"message\",\"args\":{\"action\":\"send\",\"channel\":\"telegram\","
                + "\"target\":\"-1001234567890\",\"message\":" + Json.write("📡 🚀 *Claude Code started*\n"
                + "*Label:* e2e-bash\n*Project:* " + project + "\n*Timeout:* 120min\n*PID:* " + pid + "\nPrompt: " + task)
                + ",\"silent\":true}}"), launch);
        List<String> messages = gateway.messages();
        int done = messages.size() - 1;
        while (done > 0 && !messages.get(done).startsWith("✅ ")) {
            done--; // a heartbeat already in flight when Claude exited may land after the completion
        }
        List<String> heartbeats = messages.subList(1, Math.max(1, done));
        assertFalse(heartbeats.isEmpty(), "at least one heartbeat during the 7 s pause: " + messages);
        heartbeats.forEach(h -> assertTrue(h.matches("📡 [🟢🟡🔴] CC \\(\\d+min\\)( \\| .*)?"), h));
        Pattern toolBeat = Pattern.compile(Pattern.quote("📡 🟢 CC (0min) | 42 tok | 1 call | 💻 bash: echo hi | tee made-by-claude.txt")
                + "( ✍️)?");
        assertTrue(heartbeats.stream().anyMatch(h -> toolBeat.matcher(h).matches()), "a heartbeat names the tool: " + heartbeats);
        String completion = messages.get(done);
        assertMatches(Pattern.quote("✅ Claude Code task complete!\n\nLabel: e2e-bash\nTask: " + task + "\nProject: " + project
                + "\nResult (29 chars):\n\nDone: the command printed hi.\n\n") + "Cost: \\$\\d+\\.\\d\\d"
                + Pattern.quote(" · 2 turns · 84 tok\nFull output: " + out), completion);
        JsonNode wake = gateway.wakes().get(0);
        assertTrue(invokes.indexOf(wake) > invokes.stream().map(b -> b.path("args").path("message").asText()).toList()
                .indexOf(completion), "the agent is woken after the chat shows the result");
        ObjectNode expectedWake = Json.object().put("tool", "sessions_send").put("sessionKey", KEY);
        expectedWake.putObject("args").put("sessionKey", KEY)
                .put("message", "[CLAUDE_CODE_RESULT]\n" + completion + INSTRUCTION).put("timeoutSeconds", 0);
        assertEquals(expectedWake, wake);
        assertEquals(1, gateway.wakes().size());

        assertEquals("hi\n", Files.readString(project.resolve("made-by-claude.txt")), "Claude's Bash tool ran in the project");
        assertEquals(MockAnthropic.FINAL_TEXT, Files.readString(out, StandardCharsets.UTF_8));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
        JsonNode entry = RunTask.registry(state).path("sessions").path(sid);
        assertEquals(sid, entry.path("session_id").asText());
        assertEquals("e2e-bash", entry.path("label").asText());
        assertEquals(task, entry.path("task_summary").asText());
        assertEquals(project.toString(), entry.path("project_dir").asText());
        assertEquals("completed", entry.path("status").asText());
        assertEquals(KEY, entry.path("openclaw_session").asText());
        assertEquals(out.toString(), entry.path("output_file").asText());
        assertTrue(entry.path("cost_estimate").isNumber(), entry.toString());
        assertEquals(pid, entry.path("runner_pid").asLong());
        assertEquals(0, entry.path("exit_code").asInt(-1));
        assertEquals(2, entry.path("num_turns").asInt());
        assertEquals(84, entry.path("output_tokens").asInt());
        assertTrue(stderr.contains("📝 Session registered: " + sid), stderr);
        assertTrue(stderr.contains("✅ COMPLETED Done (exit 0, 29 chars, 0min)"), stderr);
        assertTrue(stderr.contains("✓ Agent notified via sessions_send"), stderr);
        assertNoPidFiles();
    }

    @Test
    void promptTravelsOnStdinAndNeverAppearsInClaudesArgv() throws IOException {
        mock.pauseBeforeFinalReply(Duration.ofSeconds(5));
        // ASCII only: under LANG=C the JVM itself decodes argv as ASCII (non-ASCII -t text arrives as U+FFFD)
        String task = "E2E-STDIN-PROBE: run echo hi \"quoted\" $HOME --not-an-option";

        Proc run = runTask("stdin", "-t", task, "-p", project.toString(), "-s", KEY, "-o", dir.resolve("out.txt").toString());
        mock.awaitMessages(2, RUN_LIMIT); // Claude now waits for the paused final reply: it is alive
        List<List<String>> claudes = run.handle().children().map(RunTaskClaudeIT::cmdline)
                .filter(argv -> !argv.isEmpty() && argv.get(0).equals(peers.claudeBin().toString())).toList();
        int exit = run.waitFor(RUN_LIMIT);

        assertEquals(0, exit, run.stderr());
        assertEquals(List.of(List.of(peers.claudeBin().toString(), "-p", "--dangerously-skip-permissions", "--verbose",
                "--input-format", "stream-json", "--output-format", "stream-json", "--include-partial-messages")), claudes);
        assertEquals(task, mock.messages().get(0).lastUserText(), "the task reached the API verbatim, via stdin");
    }

    @Test
    void unicodePromptFromATaskFileReachesTheApiVerbatimUnderLangC() throws IOException {
        String task = "Run echo hi — ünïcødé ✓ 🚀 «quoted»\n\n";
        Path file = Files.writeString(dir.resolve("task.txt"), task, StandardCharsets.UTF_8);

        Proc run = runTask("task-file", "--task-file", file.toString(), "-p", project.toString(), "-s", KEY,
                "-o", dir.resolve("out.txt").toString());
        int exit = run.waitFor(RUN_LIMIT);

        assertEquals(0, exit, run.stderr());
        assertEquals(task, mock.messages().get(0).lastUserText());
        // Claude gets the file as it is; the chat shows it without the trailing blank lines (issue 13)
        assertTrue(gateway.messages().get(0).endsWith("\nPrompt: " + task.stripTrailing()), gateway.messages().get(0));
    }

    @Test
    void resumeContinuesTheSessionWithItsHistory() throws IOException {
        Proc first = runTask("first", "-t", "Run echo hi with Bash (first run)", "-p", project.toString(), "-s", KEY,
                "-o", dir.resolve("first.txt").toString(), "--session-label", "resumable");
        assertEquals(0, first.waitFor(RUN_LIMIT), first.stderr());
        String sid = RunTask.registry(state).path("sessions").fieldNames().next();
        String createdAt = RunTask.registry(state).path("sessions").path(sid).path("created_at").asText();
        int before = mock.messages().size();

        Proc second = runTask("second", "-t", "Now run it again", "-p", project.toString(), "-s", KEY,
                "-o", dir.resolve("second.txt").toString(), "--resume", sid);
        int exit = second.waitFor(RUN_LIMIT);

        assertEquals(0, exit, second.stderr());
        MockAnthropic.Call resumed = mock.messages().get(before);
        assertEquals(sid, resumed.headers().get("x-claude-code-session-id"));
        assertEquals("Now run it again", resumed.lastUserText());
        String history = Json.write(resumed.messages());
        assertTrue(history.contains("Run echo hi with Bash (first run)"), "the first prompt is in the history");
        assertTrue(history.contains(MockAnthropic.FINAL_TEXT), "the first answer is in the history");
        assertTrue(gateway.messages().stream().anyMatch(m -> m.startsWith("📡 🚀 *Claude Code started*\n")
                && m.contains("\n*Resume:* " + sid.substring(0, 12) + "...\n")), gateway.messages().toString());
        JsonNode sessions = RunTask.registry(state).path("sessions");
        assertEquals(1, sessions.size(), sessions.toString());
        assertEquals("completed", sessions.path(sid).path("status").asText());
        assertEquals("resumable", sessions.path(sid).path("label").asText(), "the label is kept on resume");
        assertEquals(createdAt, sessions.path(sid).path("created_at").asText());
        assertEquals(MockAnthropic.FINAL_TEXT, Files.readString(dir.resolve("second.txt")));
        assertTrue(second.stderr().contains("   Resume: " + sid), second.stderr());
    }

    @Test
    void unknownResumeIdReportsTheResumeFailureAndExitsOne() throws IOException {
        String bad = "11111111-2222-4333-8444-555555555555";

        Proc run = runTask("bad-resume", "-t", "Continue", "-p", project.toString(), "-s", KEY,
                "-o", dir.resolve("out.txt").toString(), "--resume", bad);
        int exit = run.waitFor(RUN_LIMIT);

        assertEquals(1, exit, run.stderr());
        String failure = "❌ Claude Code resume failed\n\nSession ID `" + bad + "` not found or expired.\n\n"
                + "**Suggestion:** Start a fresh session without --resume flag.";
        List<String> messages = gateway.messages();
        assertEquals(failure, messages.get(messages.size() - 1));
        assertEquals("[CLAUDE_CODE_RESULT]\n" + failure + INSTRUCTION,
                gateway.wakes().get(0).path("args").path("message").asText());
        assertTrue(run.stderr().contains("❌ Resume failed: session " + bad + " not found"), run.stderr());
        assertTrue(Files.readString(dir.resolve("out.txt")).contains("No conversation found with session ID: " + bad));
        assertFalse(Files.exists(state.resolve("claude_sessions.json"))
                && RunTask.registry(state).path("sessions").has(bad), "no registry entry for a failed resume");
        assertEquals(0, mock.messages().size());
        assertNoPidFiles();
    }

    @Test
    void apiError401FailsTheRunAndDeliversTheErrorText() throws IOException {
        mock.failWith(401);
        String task = "Run echo hi with Bash";
        Path out = dir.resolve("out.txt");

        Proc run = runTask("api-401", "-t", task, "-p", project.toString(), "-s", KEY, "-o", out.toString());
        int exit = run.waitFor(RUN_LIMIT);

        assertEquals(1, exit, run.stderr());
        String error = "Invalid API key · Fix external API key";
        List<String> messages = gateway.messages();
        assertEquals("❌ Claude Code error (exit 1)\n\nTask: " + task + "\nProject: " + project + "\n\n" + error,
                messages.get(messages.size() - 1));
        assertEquals(error, Files.readString(out, StandardCharsets.UTF_8));
        JsonNode sessions = RunTask.registry(state).path("sessions");
        assertEquals("failed", sessions.elements().next().path("status").asText(), sessions.toString());
        assertTrue(run.stderr().contains("❌ FAILED Done (exit 1, " + error.codePointCount(0, error.length()) + " chars, 0min)"),
                run.stderr());
        assertEquals(1, gateway.wakes().size());
    }

    @Test
    void stalledModelReplyTimesOutKillsClaudeAndDeliversThePartialResult() throws IOException {
        mock.stallFinalReply();
        String task = "Run echo hi with Bash";
        Path out = dir.resolve("out.txt");

        Proc run = runTask("timeout", "-t", task, "-p", project.toString(), "-s", KEY, "-o", out.toString(),
                "--timeout", "20");
        mock.awaitMessages(2, RUN_LIMIT); // the stalled request: Claude waits for a reply that never ends
        List<ProcessHandle> tree = run.handle().descendants().toList();
        int exit = run.waitFor(RUN_LIMIT);

        String stderr = run.stderr();
        assertEquals(1, exit, stderr);
        assertFalse(tree.isEmpty());
        tree.forEach(p -> assertFalse(p.isAlive(), "left running: " + p.pid() + " " + p.info().commandLine().orElse("")));
        List<String> messages = gateway.messages();
        assertMatches(Pattern.quote("⏰ Claude Code timed out after ") + "\\d+s" + Pattern.quote(" (limit: 20s)\n\nTask: "
                + task + "\nProject: " + project + "\nTool calls: 1\n\nPartial result (22 chars):\n\n"
                + MockAnthropic.FIRST_TEXT + "\n\n\nFull output: " + out), messages.get(messages.size() - 1));
        assertEquals(MockAnthropic.FIRST_TEXT + "\n", Files.readString(out, StandardCharsets.UTF_8));
        assertTrue(stderr.contains("⏰ Timeout (20s) reached, killing process..."), stderr);
        assertTrue(stderr.contains("⏰ TIMEOUT Done (exit 143, 22 chars, 0min)"), stderr);
        assertEquals("timeout", RunTask.registry(state).path("sessions").elements().next().path("status").asText());
        assertNoPidFiles();
    }

    // ---- issue 16: a subagent Claude runs in the background is waited for or reported, never a false ✅ ----

    @Test
    void aSubagentStoppedAtAUserSetCeilingGetsTheWarningNotTheTick() throws IOException {
        Path out = dir.resolve("out.txt");
        mock.toolCommand(FOREVER);

        Proc run = runTask("ceiling", Map.of("CLAUDE_CODE_PRINT_BG_WAIT_CEILING_MS", "5000"), subagentTask(out));
        int exit = run.waitFor(RUN_LIMIT);

        assertEquals(1, exit, run.stderr());
        List<String> messages = gateway.messages();
        assertFalse(messages.stream().anyMatch(m -> m.startsWith("✅")), messages.toString());
        String warning = messages.get(messages.size() - 1);
        assertMatches(Pattern.quote("⚠️ Claude Code finished, but 1 background task did not complete\n\nTask: "
                + SUBAGENT_TASK + "\nProject: " + project + "\nNot completed: subagent \"" + MockAnthropic.AGENT_DESCRIPTION
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
        Path out = dir.resolve("out.txt");

        Proc run = runTask("timeout", Map.of(), subagentTask(out, "--timeout", "20", "--heartbeat-interval", "5"));
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
                + SUBAGENT_TASK + "\nProject: " + project + "\nTool calls: ") + "\\d+"
                + Pattern.quote("\nStill running: subagent \"" + MockAnthropic.AGENT_DESCRIPTION + "\"\n\nPartial result (")
                + "[\\s\\S]*", messages.get(messages.size() - 1));
        Pattern waiting = Pattern.compile("📡 [🟢🟡🔴] CC \\(0min\\) \\| .*" + Pattern.quote(" | 🤖 1 agent | 🤖 Agent: "
                + MockAnthropic.AGENT_DESCRIPTION) + "( ✍️)?");
        assertTrue(messages.stream().anyMatch(m -> waiting.matcher(m).matches()),
                "a heartbeat names the subagent Claude waits for: " + messages);
        assertEquals("timeout", RunTask.registry(state).path("sessions").elements().next().path("status").asText());
    }

    @Test
    void aSubagentThatFinishesIsWaitedForAndGetsTheTickWithTheFinalResult() throws IOException {
        Path out = dir.resolve("out.txt");
        Proc run = runTask("finishes", Map.of(), subagentTask(out));
        int exit = run.waitFor(RUN_LIMIT);

        assertEquals(0, exit, run.stderr());
        String text = MockAnthropic.AFTER_SUBAGENT;
        List<String> messages = gateway.messages();
        assertMatches(Pattern.quote("✅ Claude Code task complete!\n\nTask: " + SUBAGENT_TASK + "\nProject: " + project
                + "\nResult (" + text.codePointCount(0, text.length()) + " chars):\n\n" + text + "\n\n") + "Cost: .*\n"
                + Pattern.quote("Full output: " + out), messages.get(messages.size() - 1));
        assertEquals(text, Files.readString(out));
        assertEquals("completed", RunTask.registry(state).path("sessions").elements().next().path("status").asText());
    }

    /** Waits until a process of the run's tree runs {@code command}; returns the whole tree as it is then. */
    private static List<ProcessHandle> awaitDescendant(Proc run, String command) throws InterruptedException {
        long end = System.nanoTime() + RUN_LIMIT.toNanos();
        while (System.nanoTime() < end) {
            List<ProcessHandle> tree = run.handle().descendants().toList();
            if (tree.stream().anyMatch(p -> String.join(" ", cmdline(p)).contains(command))) {
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

    /** {@value #SUBAGENT_TASK} into {@code out}, then {@code more}. */
    private String[] subagentTask(Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("-t", SUBAGENT_TASK, "-p", project.toString(), "-s", KEY,
                "-o", out.toString()));
        args.addAll(Arrays.asList(more));
        return args.toArray(String[]::new);
    }

    private Proc runTask(String name, String... args) {
        return runTask(name, Map.of(), args);
    }

    /** {@code run-task args…} with the real Claude; its environment also has {@code extraEnv}. */
    private Proc runTask(String name, Map<String, String> extraEnv, String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.addAll(List.of("--claude-bin", peers.claudeBin().toString(), "--pid-dir", dir.resolve("pids").toString()));
        Proc p = RunTask.start(dir, name, env(extraEnv), all);
        procs.add(p);
        return p;
    }

    /** The environment of run-task (and so of Claude): the mock's, the gateway config, the state dir, {@code extra}. */
    private Map<String, String> env(Map<String, String> extra) {
        Map<String, String> env = new TreeMap<>(mock.claudeEnv(dir.resolve("home"), dir.resolve("tmp")));
        env.put("OPENCLAW_CONFIG_PATH", config.toString());
        env.put("OPENCLAW_STATE_DIR", state.toString());
        env.putAll(extra);
        return env;
    }

    private void assertNoPidFiles() throws IOException {
        Path pids = dir.resolve("pids");
        if (Files.isDirectory(pids)) {
            try (Stream<Path> s = Files.list(pids)) {
                assertEquals(List.of(), s.filter(p -> p.toString().endsWith(".pid")).toList());
            }
        }
    }

    static void assertMatches(String regex, String actual) {
        assertTrue(Pattern.compile(regex).matcher(actual).matches(), "expected /" + regex + "/ but was:\n" + actual);
    }

    /** argv of a live process from /proc (exactly as exec'd). */
    static List<String> cmdline(ProcessHandle p) {
        try {
            String raw = new String(Files.readAllBytes(Path.of("/proc", String.valueOf(p.pid()), "cmdline")),
                    StandardCharsets.UTF_8);
            return raw.isEmpty() ? List.of() : List.of(raw.split("\0"));
        } catch (IOException e) {
            return List.of();
        }
    }
}
