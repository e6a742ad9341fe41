package dev.cctask.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cctask.support.FakeGateway;
import dev.cctask.support.RunTaskProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Claude started is stopped with the run, even when it escaped the process tree: a {@code setsid} grandchild
 * and a double-forked one, both reparented to PID 1 at once, so that no walk of Claude's descendants finds them.
 */
class StrayProcessesTest {
    static final String KEY = "agent:main:telegram:group:-1001234567890";

    @TempDir
    Path sandbox;

    FakeGateway gateway;
    RunTaskProcess runTask;
    Path escapees;
    Path claude;

    @BeforeEach
    void setUp() throws Exception {
        runTask = new RunTaskProcess(sandbox);
        gateway = runTask.gateway();
        escapees = sandbox.resolve("escapees.pid");
        claude = sandbox.resolve("claude-with-escapees");
        // Each "( … & )" is a double fork: the subshell exits at once, and its child is reparented to PID 1.
        Files.writeString(claude, "#!/bin/bash\n"
                + "( setsid sh -c 'echo $$ >>\"$0\"; exec sleep 300' \"$ESCAPEES\" </dev/null >/dev/null 2>&1 & )\n"
                + "( sh -c 'echo $$ >>\"$0\"; exec sleep 300' \"$ESCAPEES\" </dev/null >/dev/null 2>&1 & )\n"
                + "while [ \"$(wc -l <\"$ESCAPEES\" 2>/dev/null)\" != 2 ]; do sleep 0.01; done\n"
                + "exec " + RunTaskProcess.FAKE_CLAUDE + " \"$@\"\n");
        Files.setPosixFilePermissions(claude, PosixFilePermissions.fromString("rwx------"));
        runTask.env("ESCAPEES", escapees.toString());
    }

    /** Whatever happened, nothing this test started keeps running. */
    @AfterEach
    void tearDown() throws Exception {
        runTask.close();
        for (long pid : escapeePids()) {
            ProcessHandle.of(pid).filter(h -> h.info().command().orElse("").endsWith("sleep"))
                    .ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private Process start(String... extra) throws Exception {
        List<String> a = new ArrayList<>(List.of("-t", "Start a dev server", "-s", KEY, "--claude-bin", claude.toString()));
        a.addAll(List.of(extra));
        return runTask.start(runTask.args(a.toArray(String[]::new)));
    }

    /** A Claude that works until it is stopped, once both escapees run outside its tree. */
    private Process startUnfinished(String... extra) throws Exception {
        runTask.env("FAKE_CLAUDE_TRANSCRIPT", runTask.unfinishedTranscript().toString())
                .env("FAKE_CLAUDE_SLEEP_AFTER", "300");
        Process runner = start(extra);
        List<Long> pids = awaitEscapees();
        runTask.awaitPidFileField("claude_pid");
        for (long pid : pids) {
            assertTrue(ProcessHandle.of(pid).isPresent(), "escapee " + pid + " runs");
            // the double fork's middle process exits a moment after the pid file is written
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (runner.descendants().anyMatch(h -> h.pid() == pid) && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertTrue(runner.descendants().noneMatch(h -> h.pid() == pid), "escapee " + pid + " left the tree");
        }
        return runner;
    }

    @Test
    void escapedProcessesAreStoppedAtTimeout() throws Exception {
        Process runner = startUnfinished("--timeout", "2");
        var r = runTask.finish(runner, Duration.ofSeconds(60));
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("⏰ Timeout (2s) reached, killing process..."), r.stderr());
        assertEscapeesGone();
    }

    @Test
    void escapedProcessesAreStoppedWhenTheRunIsCancelled() throws Exception {
        Process runner = startUnfinished();
        var cancel = runTask.run(Duration.ofSeconds(60), "cancel", Long.toString(runner.pid()), "--pid-dir", runTask.pidDir().toString());
        assertEquals(0, cancel.exitCode(), cancel.toString());
        assertEquals(1, runTask.finish(runner, Duration.ofSeconds(60)).exitCode());
        assertEscapeesGone();
    }

    @Test
    void escapedProcessesAreStoppedWhenTheRunnerGetsSighup() throws Exception {
        Process runner = startUnfinished();
        if (ignoresSighup(runner.pid())) {
            runner.destroy();
            runTask.finish(runner, Duration.ofSeconds(60));
            assumeTrue(false, "SIGHUP is ignored here (the tests were started under nohup), as it is for a runner"
                    + " started with nohup: the signal cannot reach it");
        }
        assertEquals(0, new ProcessBuilder("kill", "-HUP", Long.toString(runner.pid())).start().waitFor());
        var r = runTask.finish(runner, Duration.ofSeconds(60));
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("🛑 CANCELLED Done (exit "), r.stderr());
        assertEscapeesGone();
    }

    @Test
    void claudeAndTheEscapedProcessesOfALostRunAreStoppedByTheNextTasksCall() throws Exception {
        Process runner = startUnfinished();
        long claudePid = Long.parseLong(runTask.awaitPidFileField("claude_pid"));
        runner.toHandle().destroyForcibly();
        assertTrue(runner.waitFor(10, TimeUnit.SECONDS));
        assertTrue(ProcessHandle.of(claudePid).isPresent(), "Claude outlived its runner");

        var tasks = runTask.run(Duration.ofSeconds(60), "tasks", "--pid-dir", runTask.pidDir().toString());
        assertEquals(0, tasks.exitCode(), tasks.toString());
        RunTaskProcess.awaitGone(claudePid);
        assertEscapeesGone();
    }

    @Test
    void leftoversAreStoppedAndNamedWhenClaudeExitsNormally() throws Exception {
        runTask.transcript("basic.jsonl");
        var r = runTask.finish(start(), Duration.ofSeconds(60));
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(List.of("🧹 Stopped 2 leftover process(es) started by Claude"),
                r.stderr().lines().filter(l -> l.startsWith("🧹")).toList(), r.stderr());
        assertTrue(gateway.messageTexts().get(gateway.messageTexts().size() - 1).startsWith("✅ Claude Code task complete!"));
        assertEscapeesGone();
    }

    private List<Long> escapeePids() throws Exception {
        if (!Files.exists(escapees)) {
            return List.of();
        }
        return Files.readAllLines(escapees).stream().filter(l -> !l.isBlank()).map(l -> Long.parseLong(l.strip())).toList();
    }

    private List<Long> awaitEscapees() throws Exception {
        RunTaskProcess.await("both escapees to start", () -> escapeePids().size() == 2);
        return escapeePids();
    }

    private void assertEscapeesGone() throws Exception {
        List<Long> pids = escapeePids();
        assertEquals(2, pids.size(), "both escapees started: " + pids);
        for (long pid : pids) {
            RunTaskProcess.awaitGone(pid);
        }
    }

    /** Whether the process ignores SIGHUP (bit 0 of SigIgn in /proc/PID/status), inherited from a nohup. */
    private static boolean ignoresSighup(long pid) throws Exception {
        String mask = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                .filter(l -> l.startsWith("SigIgn:")).findFirst().orElse("SigIgn: 0").substring(7).strip();
        return (Long.parseUnsignedLong(mask, 16) & 1) != 0;
    }
}
