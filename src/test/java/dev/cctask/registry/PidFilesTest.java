package dev.cctask.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cctask.Env;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PidFilesTest {
    static final LocalDateTime START = LocalDateTime.of(2026, 11, 24, 2, 15, 0, 500_000_000);

    @TempDir
    Path tmp;

    Process sleeper;

    @AfterEach
    void stopSleeper() throws Exception {
        if (sleeper != null) {
            sleeper.destroyForcibly();
            sleeper.waitFor();
        }
    }

    static Map<String, String> fields(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    static final String TASK = "Fix über-bug_2 Ⅻ² ж 😀! and then a much longer tail that is cut at forty code points";

    @Test
    void safeNameKeepsPythonAlphanumericsOfTheFirstFortyCodePoints() {
        // letters (ü, Cyrillic), Nd, Nl (Ⅻ), No (²) stay; space, punctuation, emoji (one per code point) become "-"
        assertEquals("Fix-über-bug_2-Ⅻ²-ж----and-then-a-much-l", PidFiles.safeName(TASK, StandardCharsets.UTF_8));
        // under LANG=C the JVM cannot create such names: those characters become "-" as well
        assertEquals("Fix--ber-bug_2---------and-then-a-much-l", PidFiles.safeName(TASK, StandardCharsets.US_ASCII));
    }

    @Test
    void nameIsStartPidAndSafeTaskAndLineTwoIsTheFirstSixtyCodePoints() {
        PidFile f = new PidFiles(tmp).newPidFile(4242, TASK, START, Map.of());
        assertEquals("20261124-021500-4242-" + PidFiles.safeName(TASK, PidFiles.FILE_NAME_CHARSET) + ".pid",
                f.path().getFileName().toString());
        assertEquals(tmp, f.path().getParent());
        assertEquals("Fix über-bug_2 Ⅻ² ж 😀! and then a much longer tail that is c", f.task()); // as Python task[:60]
    }

    @Test
    void contentIsThreeOriginalLinesThenKeyValuesWithoutTrailingNewline() {
        PidFiles pids = new PidFiles(tmp);
        assertEquals("4242\nshort task\n2026-11-24T02:15:00.500000",
                pids.newPidFile(4242, "short task", START, Map.of()).content());
        PidFile f = pids.newPidFile(4242, "line one\r\nline two", START,
                fields(PidFile.RUNNER_STARTED, "2026-11-24T01:15:00.120Z", PidFile.LABEL, "my\nlabel",
                        PidFile.SESSION_KEY, "agent:main:main", "future_key", "kept", PidFile.CLAUDE_PID, "77"));
        assertEquals("4242\nline one  line two\n2026-11-24T02:15:00.500000\n"
                + "claude_pid=77\nsession_key=agent:main:main\nlabel=my label\n"
                + "runner_started=2026-11-24T01:15:00.120Z\nfuture_key=kept", f.content());
    }

    @Test
    void createWritesAPrivateFileForThisProcessThatParsesBack() throws Exception {
        Path dir = tmp.resolve("jar/pids");
        PidFiles pids = new PidFiles(dir);
        PidFile f = pids.create("Build it", fields(PidFile.SESSION_KEY, "agent:main:main", PidFile.OUTPUT, "/tmp/o.txt",
                PidFile.LABEL, null, PidFile.RUN_ID, "run-1", PidFile.PROJECT, "/p"));
        long pid = ProcessHandle.current().pid();
        assertTrue(f.path().getFileName().toString().matches("\\d{8}-\\d{6}-" + pid + "-Build-it\\.pid"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f.path())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals(ProcessHandle.current().info().startInstant().orElseThrow(), f.runnerStarted());
        assertEquals(List.of(f), pids.list());
        String[] lines = Files.readString(f.path()).split("\n");
        assertEquals(String.valueOf(pid), lines[0]);
        assertEquals("Build it", lines[1]);
        assertEquals(List.of("session_key=agent:main:main", "output=/tmp/o.txt", "run_id=run-1", "project=/p"),
                List.of(lines).subList(3, 7));
        assertTrue(PidFiles.isAlive(f));
        assertNull(f.label());
    }

    @Test
    void updateRewritesInPlaceWhenClaudePidAndSessionBecomeKnown() throws Exception {
        PidFiles pids = new PidFiles(tmp);
        PidFile f = pids.create("task", fields(PidFile.SESSION_KEY, "k"));
        PidFile g = pids.update(f, fields(PidFile.SESSION_ID, "sid-1", PidFile.CLAUDE_PID, "999"));
        assertEquals(f.path(), g.path());
        PidFile read = pids.list().get(0);
        assertEquals(999L, read.claudePid());
        assertEquals("sid-1", read.sessionId());
        assertEquals(List.of("claude_pid", "session_key", "session_id", "runner_started"), List.copyOf(read.fields().keySet()));
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(1, files.count(), "no temp file left");
        }
    }

    @Test
    void theOriginalsThreeLineFileParses() {
        PidFile f = PidFile.parse(Path.of("x.pid"), "123\nsome task\n2026-01-01T10:00:00.000001");
        assertEquals(123L, f.runnerPid());
        assertEquals("some task", f.task());
        assertEquals(LocalDateTime.of(2026, 1, 1, 10, 0, 0, 1000), f.startedAt().orElseThrow());
        assertEquals(Map.of(), f.fields());
        assertNull(PidFile.parse(Path.of("y.pid"), "not-a-pid\nx\ny").runnerPid());
    }

    @Test
    void deadFilesAreUnparseableGoneOrReusedPidsAndCleanupRemovesOnlyThem() throws Exception {
        PidFiles pids = new PidFiles(tmp);
        sleeper = new ProcessBuilder("sleep", "60").start();
        ProcessHandle live = sleeper.toHandle();
        Instant liveStart = live.info().startInstant().orElseThrow();
        Process finished = new ProcessBuilder("true").start();
        finished.waitFor();

        PidFile garbage = pids.write(pids.newPidFile(1, "garbage", START, Map.of()));
        Files.writeString(garbage.path(), "abc\nx\ny");
        PidFile gone = pids.write(pids.newPidFile(finished.pid(), "gone", START, Map.of()));
        PidFile reused = pids.write(pids.newPidFile(live.pid(), "reused", START,
                fields(PidFile.RUNNER_STARTED, liveStart.minus(Duration.ofHours(1)).toString())));
        PidFile sameProcess = pids.write(pids.newPidFile(live.pid(), "same", START,
                fields(PidFile.RUNNER_STARTED, liveStart.toString())));
        PidFile unrecorded = pids.write(pids.newPidFile(live.pid(), "unrecorded", START, Map.of()));

        assertEquals(List.of(garbage.path(), gone.path(), reused.path()).stream().sorted().toList(),
                pids.dead().stream().map(PidFile::path).sorted().toList());
    }

    @Test
    void listingAMissingDirectoryIsEmptyAndCreatesNothing() throws Exception {
        PidFiles pids = new PidFiles(tmp.resolve("none"));
        assertEquals(List.of(), pids.list());
        assertFalse(Files.exists(tmp.resolve("none")));
    }

    @Test
    void defaultDirIsBesideTheJarElseUnderTheStateDir() throws Exception {
        Env env = new Env(Map.of("OPENCLAW_STATE_DIR", tmp.resolve("state").toString()), tmp);
        Path jar = Files.createDirectories(tmp.resolve("lib")).resolve("run-task.jar");
        Files.writeString(jar, "not really a jar");
        assertEquals(tmp.resolve("lib/pids"), PidFiles.defaultDir(env, jar.toUri().toURL()));
        Path stateDefault = tmp.resolve("state/claude-code-task/pids");
        assertEquals(stateDefault, PidFiles.defaultDir(env, tmp.toUri().toURL()), "classes directory (tests, IDE)");
        assertEquals(stateDefault, PidFiles.defaultDir(env, null));
        assertEquals(stateDefault, PidFiles.defaultDir(env), "the test run is not from a jar");
    }
}
