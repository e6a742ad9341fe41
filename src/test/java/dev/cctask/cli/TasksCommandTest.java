package dev.cctask.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cctask.PythonJson;
import dev.cctask.registry.PidFile;
import dev.cctask.registry.PidFiles;
import dev.cctask.support.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TasksCommandTest {
    @TempDir
    Path state;

    @Test
    void jsonListsEveryPidFileWithNullsForWhatIsUnknown() throws Exception {
        Path dir = state.resolve("pids");
        PidFiles pids = new PidFiles(dir);
        PidFile live = pids.create("Build the thing", Map.of(PidFile.SESSION_KEY, "agent:main:main",
                PidFile.CLAUDE_PID, "4321", PidFile.SESSION_ID, "sid-1", PidFile.LABEL, "build",
                PidFile.OUTPUT, "/tmp/o.txt", PidFile.RUN_ID, "run-1", PidFile.STEERED, "2"));
        PidFile bare = pids.create("Bare", Map.of());
        PidFile garbage = pids.write(pids.newPidFile(1, "garbage", LocalDateTime.now(), Map.of()));
        Files.writeString(garbage.path(), "not a pid\nx\nyesterday");

        CliRun r = CliRun.run(state, "tasks", "--json", "--pid-dir", dir.toString());
        assertEquals(0, r.exitCode(), r::toString);
        JsonNode array = PythonJson.mapper().readTree(r.out());
        assertEquals(2, array.size());
        assertFalse(Files.exists(garbage.path()), "a stale (unparseable) PID file is dropped, not listed");
        JsonNode a = array.get(0).get("pid_file").textValue().equals(live.path().toString()) ? array.get(0) : array.get(1);
        JsonNode g = a == array.get(0) ? array.get(1) : array.get(0);
        List<String> keys = new ArrayList<>();
        a.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("runner_pid", "claude_pid", "alive", "status", "paused_until", "started",
                "elapsed_seconds", "session_id", "session_key", "label", "task", "output", "run_id", "steered", "pid_file",
                "background_tasks", "approvals", "queued_ahead", "worktree", "branch"), keys);
        assertEquals("running", a.get("status").textValue());
        assertTrue(a.get("paused_until").isNull());
        assertTrue(a.get("queued_ahead").isNull());
        assertEquals(ProcessHandle.current().pid(), a.get("runner_pid").longValue());
        assertEquals(4321, a.get("claude_pid").intValue());
        assertTrue(a.get("alive").booleanValue());
        assertEquals(live.started(), a.get("started").textValue());
        assertTrue(a.get("elapsed_seconds").isIntegralNumber());
        assertEquals("sid-1", a.get("session_id").textValue());
        assertEquals("build", a.get("label").textValue());
        assertEquals("Build the thing", a.get("task").textValue());
        assertEquals(live.path().toString(), a.get("pid_file").textValue());
        assertEquals(2, a.get("steered").intValue(), "messages steered into the run");

        assertEquals(bare.path().toString(), g.get("pid_file").textValue());
        assertTrue(g.get("claude_pid").isNull());
        assertTrue(g.get("session_id").isNull());
        assertTrue(g.get("session_key").isNull());
        assertTrue(g.get("label").isNull());
        assertEquals(PythonJson.mapper().createArrayNode(), g.get("background_tasks"), "none recorded: none listed");
        assertTrue(g.get("steered").isNull(), "a runner that predates steering");
        assertEquals(PythonJson.pretty(array) + "\n", r.out());
    }

    @Test
    void jsonListsEachRunsBackgroundTasksAsItsRunnerRecordedThem() throws Exception {
        Path dir = state.resolve("pids");
        String tasks = "[{\"task_id\":\"a1\",\"type\":\"local_agent\",\"description\":\"Run the test matrix\","
                + "\"subagent_type\":\"general-purpose\",\"status\":\"running\"}]";
        new PidFiles(dir).create("Research", Map.of(PidFile.BACKGROUND_TASKS, tasks));

        CliRun r = CliRun.run(state, "tasks", "--json", "--pid-dir", dir.toString());
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(PythonJson.mapper().readTree(tasks), PythonJson.mapper().readTree(r.out()).get(0).get("background_tasks"));
    }

    @Test
    void textListsOneRowPerTaskUnderTheSpecHeader() throws Exception {
        PidFiles pids = new PidFiles(state.resolve("claude-code-task/pids")); // the default when not run from a jar
        pids.create("Build\nthe thing", Map.of(PidFile.LABEL, "build"));
        CliRun r = CliRun.run(state, "tasks");
        assertEquals(0, r.exitCode(), r::toString);
        List<String> lines = r.out().lines().toList();
        assertEquals(2, lines.size(), r::toString);
        assertTrue(lines.get(0).matches("RUNNER_PID +ALIVE +STATUS +STARTED +ELAPSED +SESSION_ID +LABEL +TASK"),
                lines.get(0));
        String pid = String.valueOf(ProcessHandle.current().pid());
        assertTrue(lines.get(1).matches(pid + " +yes +running +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d +\\d+s +- +build"
                + " +Build the thing"), lines.get(1));
    }

    @Test
    void aRunPausedAtTheUsageLimitShowsAsPausedWithItsResumeTime() throws Exception {
        Path dir = state.resolve("pids");
        new PidFiles(dir).create("Long work", Map.of(PidFile.LABEL, "long", PidFile.PAUSED_UNTIL, "2026-12-03T14:05:30"));

        List<String> lines = CliRun.run(state, "tasks", "--pid-dir", dir.toString()).out().lines().toList();
        assertTrue(lines.get(1).matches("\\d+ +yes +paused until 2026-12-03 14:05:30 +\\d{4}-.* +long +Long work"),
                lines.get(1));
        JsonNode task = PythonJson.mapper().readTree(CliRun.run(state, "tasks", "--json", "--pid-dir", dir.toString())
                .out()).get(0);
        assertEquals("paused", task.get("status").textValue());
        assertEquals("2026-12-03T14:05:30", task.get("paused_until").textValue());
    }

    @Test
    void noPidFilesMeansNoRunningTasks() {
        CliRun r = CliRun.run(state, "tasks", "--pid-dir", state.resolve("none").toString());
        assertEquals(0, r.exitCode());
        assertEquals("No running tasks\n", r.out());
        assertEquals("[]\n", CliRun.run(state, "tasks", "--json", "--pid-dir", state.resolve("none").toString()).out());
    }
}
