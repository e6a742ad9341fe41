package dev.cctask.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cctask.registry.PidFile;
import dev.cctask.registry.PidFiles;
import dev.cctask.registry.SessionRegistry;
import dev.cctask.support.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CancelCommandTest {
    @TempDir
    Path state;

    Path dir;
    PidFiles pids;
    final List<Process> started = new ArrayList<>();

    @BeforeEach
    void setUp() {
        dir = state.resolve("pids");
        pids = new PidFiles(dir);
    }

    @AfterEach
    void stopEverythingStarted() throws Exception {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor();
        }
    }

    /** A stand-in runner: a child process we own, with a PID file naming it. */
    Process runner(String label, String sessionId, String... command) throws Exception {
        Process p = new ProcessBuilder(command.length > 0 ? command : new String[] {"sleep", "60"}).start();
        started.add(p);
        Map<String, String> f = new LinkedHashMap<>();
        f.put(PidFile.CLAUDE_PID, String.valueOf(p.pid() + 100_000));
        f.put(PidFile.LABEL, label);
        f.put(PidFile.SESSION_ID, sessionId);
        f.put(PidFile.RUNNER_STARTED, p.toHandle().info().startInstant().orElseThrow().toString());
        f.values().removeIf(v -> v == null);
        pids.write(pids.newPidFile(p.pid(), "task of " + label, LocalDateTime.now(), f));
        return p;
    }

    CliRun cancel(String... args) {
        List<String> all = new ArrayList<>(List.of("cancel", "--pid-dir", dir.toString()));
        all.addAll(List.of(args));
        return CliRun.run(state, all.toArray(String[]::new));
    }

    @Test
    void cancelByLabelSendsSigtermAndWaitsForTheRunnerToExit() throws Exception {
        Process p = runner("Deploy bot", "sid-1");
        CliRun r = cancel("deploy");
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("Cancelled runner " + p.pid() + " (session sid-1)\n", r.out());
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(128 + 15, p.exitValue(), "terminated by SIGTERM");
    }

    @Test
    void digitsMeanTheRunnerPidThenTheClaudePid() throws Exception {
        Process a = runner("a", null);
        Process b = runner("b", "sid-b");
        CliRun byRunner = cancel(String.valueOf(a.pid()));
        assertEquals("Cancelled runner " + a.pid() + " (session unknown)\n", byRunner.out(), byRunner::toString);
        CliRun byClaude = cancel(String.valueOf(b.pid() + 100_000));
        assertEquals("Cancelled runner " + b.pid() + " (session sid-b)\n", byClaude.out(), byClaude::toString);
    }

    @Test
    void exactSessionIdAndRegistryLabelsFindTheRunner() throws Exception {
        Process a = runner(null, "sid-a");
        Process b = runner(null, "sid-b");
        SessionRegistry registry = new SessionRegistry(state, w -> { });
        registry.register(new SessionRegistry.Registration("sid-b", "Nightly report", "t", "/p", null, "/o", "run", b.pid()));
        assertEquals("Cancelled runner " + a.pid() + " (session sid-a)\n", cancel("sid-a").out());
        CliRun r = cancel("NIGHTLY");
        assertEquals("Cancelled runner " + b.pid() + " (session sid-b)\n", r.out(), r::toString);
    }

    @Test
    void noMatchExitsOne() throws Exception {
        runner("Deploy bot", "sid-1");
        CliRun r = cancel("zzz");
        assertEquals(1, r.exitCode());
        assertEquals("", r.out());
        assertEquals("No running task matches 'zzz'\n", r.err());
    }

    @Test
    void severalMatchesAreListedAndNothingIsCancelled() throws Exception {
        Process a = runner("build frontend", "sid-a");
        Process b = runner("build backend", "sid-b");
        CliRun r = cancel("build");
        assertEquals(1, r.exitCode());
        List<String> lines = r.err().lines().toList();
        assertEquals("Several running tasks match 'build':", lines.get(0));
        assertTrue(lines.get(1).matches("RUNNER_PID +SESSION_ID +LABEL +TASK"), lines.get(1));
        assertTrue(lines.get(2).matches(a.pid() + " +sid-a +build frontend +task of build frontend"), lines.get(2));
        assertTrue(lines.get(3).matches(b.pid() + " +sid-b +build backend +task of build backend"), lines.get(3));
        assertEquals("Cancel one by its RUNNER_PID.", lines.get(4));
        assertTrue(a.isAlive() && b.isAlive());
    }

    @Test
    void aDeadRunnersPidFileIsRemovedAndReported() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        PidFile f = pids.write(pids.newPidFile(gone.pid(), "old task", LocalDateTime.now(),
                Map.of(PidFile.LABEL, "Old job")));
        CliRun r = cancel("old job");
        assertEquals(1, r.exitCode());
        assertEquals("⚠️ Run of PID " + gone.pid() + " was lost (runner gone without a result)\n" // reconciled
                + "Runner " + gone.pid() + " is not running; removed its stale PID file " + f.path() + "\n", r.err());
        assertFalse(Files.exists(f.path()));
    }

    @Test
    void aRunnerIgnoringSigtermIsReportedAfterTheWait() throws Exception {
        Process p = runner("stubborn", "sid-s", "sh", "-c", "trap '' TERM; sleep 60");
        while (p.descendants().findAny().isEmpty()) { // the trap is set once sh has started sleep
            assertTrue(p.isAlive());
            Thread.sleep(10);
        }
        CliRun r = cancel("--wait", "1", "stubborn");
        assertEquals(1, r.exitCode(), r::toString);
        assertEquals("Runner " + p.pid() + " is still running after 1s\n", r.err());
        assertTrue(p.isAlive());
    }

    @Test
    void blankTargetIsAUsageError() {
        CliRun r = cancel(" ");
        assertEquals(2, r.exitCode());
        assertEquals("cancel: TARGET must not be empty\n"
                + "Usage: run-task cancel [OPTIONS] TARGET\n"
                + "See 'run-task cancel --help'.\n", r.err());
        // "" never reaches the command: picocli's abbreviation matcher rejects it (still exit 2, with usage)
        CliRun empty = cancel("");
        assertEquals(2, empty.exitCode());
        assertTrue(empty.err().contains("Usage: run-task cancel"), empty.err());
    }

    @Test
    void anUnreadableRegistryIsOneLineWithTheFixNotAStackTrace() throws Exception {
        runner("Deploy bot", "sid-1");
        Path registry = SessionRegistry.of(new dev.cctask.Env(Map.of("OPENCLAW_STATE_DIR", state.toString()),
                state), s -> { }).file();
        Files.createDirectories(registry); // a directory where the registry file should be: unreadable even as root
        CliRun r = cancel("nothing-like-it");
        assertEquals(1, r.exitCode(), r::toString);
        assertEquals("", r.out());
        assertEquals("Cannot read the session registry " + registry + ": Is a directory; make it a readable file of"
                + " yours, or move it aside\n", r.err());
    }
}
