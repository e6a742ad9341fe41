package dev.cctask.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cctask.support.FakeGateway;
import dev.cctask.support.RunTaskProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signals and lost runners (SPEC §9.2, §8.6): cancel ends a run as cancelled; SIGKILL is found and reported. */
class RunTaskSignalsTest {
    static final String KEY = "agent:main:telegram:group:-1001234567890";

    @TempDir
    Path sandbox;

    FakeGateway gateway;
    RunTaskProcess runTask;
    Path project;
    Path output;
    Path childPid;

    @BeforeEach
    void setUp() throws Exception {
        runTask = new RunTaskProcess(sandbox);
        gateway = runTask.gateway();
        project = runTask.project();
        output = runTask.output();
        childPid = sandbox.resolve("grandchild.pid");
        // init + some text, no result, then the child stays alive (with a grandchild) until killed
        runTask.env("FAKE_CLAUDE_TRANSCRIPT", runTask.unfinishedTranscript().toString())
                .env("FAKE_CLAUDE_SLEEP_AFTER", "300").env("FAKE_CLAUDE_GRANDCHILD", "1")
                .env("FAKE_CLAUDE_GRANDCHILD_PID_FILE", childPid.toString());
    }

    @AfterEach
    void tearDown() throws Exception {
        runTask.close();
    }

    private Process startLongRun() throws Exception {
        Process p = runTask.start(runTask.args("-t", "Long research task", "-s", KEY, "--session-label", "research"));
        RunTaskProcess.await("the registry to show the run", () -> "running".equals(runTask.registryEntry().path("status").asText()));
        RunTaskProcess.awaitText(childPid);
        return p;
    }

    @Test
    void cancelByLabelKillsTheTreeRecordsCancelledAndDelivers() throws Exception {
        Process runner = startLongRun();
        RunTaskProcess.Result cancel = runTask.run(Duration.ofSeconds(60), "cancel", "research", "--pid-dir",
                runTask.pidDir().toString());
        assertEquals(0, cancel.exitCode(), cancel.toString());
        assertTrue(cancel.stdout().startsWith("Cancelled runner " + runner.pid() + " (session "), cancel.stdout());

        RunTaskProcess.Result r = runTask.finish(runner, Duration.ofSeconds(60));
        assertEquals(1, r.exitCode(), r.toString());
        String last = gateway.messageTexts().get(gateway.messageTexts().size() - 1);
        assertTrue(last.startsWith("🛑 Claude Code task cancelled after "), last);
        assertTrue(last.contains("\n\nLabel: research\nTask: Long research task\nProject: " + project + "\nTool calls: 1\n\nPartial result ("),
                last);
        assertTrue(last.endsWith("\n\nFull output: " + output), last);
        assertEquals("sessions_send", gateway.calls().get(gateway.calls().size() - 1).tool());
        assertEquals("cancelled", runTask.registryEntry().path("status").asText());
        assertTrue(r.stderr().contains("🛑 CANCELLED Done (exit "), r.stderr());
        RunTaskProcess.awaitGone(Long.parseLong(RunTaskProcess.awaitText(childPid)));
        runTask.assertNoPidFiles();
    }

    @Test
    void aRunnerKilledWithSigkillIsReportedLostByTheNextTasksCall() throws Exception {
        Process runner = startLongRun();
        long claude = Long.parseLong(runTask.awaitPidFileField("claude_pid"));
        RunTaskProcess.await("the streamed text in " + output,
                () -> Files.exists(output) && Files.readString(output).contains("I'll run the command."));
        runner.toHandle().destroyForcibly();
        runner.waitFor(10, TimeUnit.SECONDS);
        int before = gateway.calls().size();

        RunTaskProcess.Result tasks = runTask.run(Duration.ofSeconds(60), "tasks", "--pid-dir",
                runTask.pidDir().toString());
        assertEquals(0, tasks.exitCode(), tasks.toString());
        assertEquals("lost", runTask.registryEntry().path("status").asText(), tasks.toString());
        List<FakeGateway.Call> after = gateway.calls().subList(before, gateway.calls().size());
        assertEquals(2, after.size(), "lost notice and wake: " + after);
        String lost = after.get(0).text();
        assertEquals("⚠️ Claude Code task lost\n\nTask: Long research task\nProject: " + project.toAbsolutePath()
                + "\nThe runner (PID " + runner.pid() + ") stopped without reporting a result.\nPartial output: "
                + output + "\nResume with: --resume " + runTask.registryEntry().path("session_id").asText(), lost);
        assertEquals("sessions_send", after.get(1).tool());
        assertTrue(Files.readString(output).contains("I'll run the command."), "partial output kept");
        RunTaskProcess.awaitGone(claude);
        runTask.assertNoPidFiles();

        // a second reconciliation finds nothing more to report
        runTask.run(Duration.ofSeconds(60), "tasks", "--pid-dir", runTask.pidDir().toString());
        assertEquals(before + 2, gateway.calls().size());
    }
}
