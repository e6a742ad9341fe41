package dev.cctask.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cctask.support.FakeGateway;
import dev.cctask.support.RunTaskProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16: background subagents are waited for or reported, never a false ✅. The real {@code run-task} with
 * {@code examples/fake-claude} replaying what Claude Code 2.1.330 printed (fixtures {@code subagent.jsonl},
 * {@code background-killed-at-ceiling.jsonl}).
 */
class BackgroundTasksProcessTest {
    static final String KEY = "agent:main:telegram:group:-1001234567890";
    static final String TASK = "Research the test matrix";
    static final String DONE = "Done: the command printed hi.";
    /** What Claude 2.1.330 wrote to stderr when it killed the subagent at its ceiling (CLAUDE-STREAM.md §8.2). */
    static final String CEILING_STDERR = "Background tasks still running 8s after the last turn (subagent \"Run echo\");"
            + " stopping them. Set CLAUDE_CODE_PRINT_BG_WAIT_CEILING_MS=0 to wait indefinitely.";

    @TempDir
    Path sandbox;

    FakeGateway gateway;
    RunTaskProcess runTask;

    @BeforeEach
    void setUp() throws Exception {
        runTask = new RunTaskProcess(sandbox);
        gateway = runTask.gateway();
    }

    @AfterEach
    void tearDown() throws Exception {
        runTask.close();
    }

    private String lastMessage() {
        List<String> texts = gateway.messageTexts();
        return texts.get(texts.size() - 1);
    }

    private String wake() {
        return gateway.calls().get(gateway.calls().size() - 1).body().path("args").path("message").asText();
    }

    /** {@code subagent.jsonl} up to the subagent's Bash call: the subagent runs in the background, then Claude waits. */
    private Path subagentStillRunning() throws Exception {
        List<String> lines = Files.readAllLines(RunTaskProcess.FIXTURES.resolve("subagent.jsonl"), StandardCharsets.UTF_8);
        Path transcript = sandbox.resolve("subagent-running.jsonl");
        Files.write(transcript, lines.subList(0, 10), StandardCharsets.UTF_8);
        return transcript;
    }

    @Test
    void aSubagentKilledAtClaudesCeilingGetsTheWarningNotTheTickAndExitsOne() throws Exception {
        runTask.transcript("background-killed-at-ceiling.jsonl").env("FAKE_CLAUDE_STDERR", CEILING_STDERR);

        var r = runTask.run(Duration.ofSeconds(60), runTask.args("-t", TASK, "-s", KEY));

        assertEquals(1, r.exitCode(), r.toString());
        String warning = "⚠️ Claude Code finished, but 1 background task did not complete\n\n"
                + "Task: " + TASK + "\nProject: " + runTask.project() + "\n"
                + "Not completed: subagent \"Run echo\" (killed)\n"
                + "Result (29 chars):\n\n" + DONE + "\n\n"
                + "Cost: $0.13 · 2 turns · 126 tok\n"
                + "Full output: " + runTask.output();
        assertEquals(warning, lastMessage());
        assertTrue(wake().startsWith("[CLAUDE_CODE_RESULT]\n" + warning + "\n\n---\n"), wake());
        assertEquals("incomplete", runTask.registryEntry().path("status").asText());
        assertEquals(DONE, Files.readString(runTask.output()));
        assertTrue(r.stderr().contains("\n⚠️ INCOMPLETE Done (exit 0, 29 chars, 0min)\n"), r.stderr());
        runTask.assertNoPidFiles();
    }

    @Test
    void aSubagentThatFinishesGetsTheTickWithTheLastOfTheTwoResults() throws Exception {
        List<String> lines = Files.readAllLines(RunTaskProcess.FIXTURES.resolve("subagent.jsonl"), StandardCharsets.UTF_8);
        String last = lines.get(lines.size() - 1);
        assertTrue(last.contains("\"result_index\":1") && last.contains("\"result\":\"" + DONE + "\""), last);
        lines.set(lines.size() - 1, last.replace("\"result\":\"" + DONE + "\"", "\"result\":\"All done after the subagent.\""));
        Path transcript = Files.write(sandbox.resolve("subagent.jsonl"), lines, StandardCharsets.UTF_8);
        runTask.env("FAKE_CLAUDE_TRANSCRIPT", transcript.toString());

        var r = runTask.run(Duration.ofSeconds(60), runTask.args("-t", TASK, "-s", KEY));

        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("✅ Claude Code task complete!\n\nTask: " + TASK + "\nProject: " + runTask.project()
                + "\nResult (28 chars):\n\nAll done after the subagent.\n\nCost: $0.28 · 2 turns · 252 tok\nFull output: "
                + runTask.output(), lastMessage());
        assertEquals("completed", runTask.registryEntry().path("status").asText());
    }

    @Test
    void aTimeoutListsTheSubagentStillRunningAndStopsClaude() throws Exception {
        runTask.env("FAKE_CLAUDE_TRANSCRIPT", subagentStillRunning().toString()).env("FAKE_CLAUDE_SLEEP_AFTER", "300");

        var r = runTask.run(Duration.ofSeconds(60), runTask.args("-t", TASK, "-s", KEY, "--timeout", "2"));

        assertEquals(1, r.exitCode(), r.toString());
        String timedOut = lastMessage();
        assertTrue(timedOut.matches("⏰ Claude Code timed out after \\d+s \\(limit: 2s\\)\n\n[\\s\\S]*"), timedOut);
        assertTrue(timedOut.contains("\n\nTask: " + TASK + "\nProject: " + runTask.project() + "\nTool calls: 2\n"
                + "Still running: subagent \"Run echo\"\n\nPartial result ("), timedOut);
        assertEquals("timeout", runTask.registryEntry().path("status").asText());
        runTask.assertNoPidFiles();
    }

    @Test
    void tasksJsonListsTheRunsBackgroundTasksAndACancelNamesTheOneStillRunning() throws Exception {
        runTask.env("FAKE_CLAUDE_TRANSCRIPT", subagentStillRunning().toString()).env("FAKE_CLAUDE_SLEEP_AFTER", "300");
        Process runner = runTask.start(runTask.args("-t", TASK, "-s", KEY));
        long claude = Long.parseLong(runTask.awaitPidFileField("claude_pid"));
        runTask.awaitPidFileField("background_tasks");

        var tasks = runTask.run(Duration.ofSeconds(60), "tasks", "--json", "--pid-dir", runTask.pidDir().toString());
        assertEquals(0, tasks.exitCode(), tasks.toString());
        JsonNode run = new ObjectMapper().readTree(tasks.stdout()).get(0);
        assertEquals(new ObjectMapper().readTree("[{\"task_id\":\"a48bd56d7dadd5644\",\"type\":\"local_agent\","
                + "\"description\":\"Run echo\",\"subagent_type\":\"general-purpose\",\"status\":\"running\"}]"),
                run.get("background_tasks"), tasks.stdout());
        assertEquals(runner.pid(), run.get("runner_pid").asLong());

        var cancel = runTask.run(Duration.ofSeconds(60), "cancel", String.valueOf(runner.pid()), "--pid-dir",
                runTask.pidDir().toString());
        assertEquals(0, cancel.exitCode(), cancel.toString());
        var r = runTask.finish(runner, Duration.ofSeconds(60));
        assertEquals(1, r.exitCode(), r.toString());
        String cancelled = lastMessage();
        assertTrue(cancelled.startsWith("🛑 Claude Code task cancelled after "), cancelled);
        assertTrue(cancelled.contains("\nProject: " + runTask.project() + "\nTool calls: 2\n"
                + "Still running: subagent \"Run echo\"\n\nPartial result ("), cancelled);
        RunTaskProcess.awaitGone(claude);
    }

    @Test
    void claudeWaitsForItsBackgroundTasksUnlessTheUserSetItsCeiling() throws Exception {
        Path env = sandbox.resolve("claude.env");
        runTask.transcript("basic.jsonl").env("FAKE_CLAUDE_ENV_FILE", env.toString());
        assertEquals(0, runTask.run(Duration.ofSeconds(60), runTask.args("-t", TASK)).exitCode());
        assertTrue(Files.readAllLines(env).contains("CLAUDE_CODE_PRINT_BG_WAIT_CEILING_MS=0"), Files.readString(env));

        runTask.env("CLAUDE_CODE_PRINT_BG_WAIT_CEILING_MS", "5000");
        assertEquals(0, runTask.run(Duration.ofSeconds(60), runTask.args("-t", TASK, "-o",
                sandbox.resolve("second.txt").toString())).exitCode());
        assertTrue(Files.readAllLines(env).contains("CLAUDE_CODE_PRINT_BG_WAIT_CEILING_MS=5000"), Files.readString(env));

        var dry = runTask.run(Duration.ofSeconds(30), runTask.args("-t", TASK, "--dry-run"));
        assertTrue(dry.stdout().contains("\n  env:      CLAUDE_CODE_PRINT_BG_WAIT_CEILING_MS=5000 (from your environment)\n"),
                dry.stdout());
    }
}
