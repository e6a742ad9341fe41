package dev.cctask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubprocessTest {
    @TempDir
    Path dir;

    @Test
    void outputIsReadAsUtf8FromBothStreamsWithTheExitCodeInTheGivenDirAndEnvironment() throws Exception {
        Subprocess.Result r = Subprocess.run(List.of("/bin/sh", "-c",
                "printf '\\303\\274 %s' \"$GREETING\"; pwd >&2; exit 3"), dir, Map.of("GREETING", "hi"),
                Duration.ofSeconds(10)); // the UTF-8 bytes of ü, written by printf (argv is ASCII under LANG=C)
        assertEquals(new Subprocess.Result(3, false, "ü hi", dir.toRealPath() + "\n"), r);
    }

    @Test
    void aCommandStillRunningAtTheLimitIsKilledWithWhatItStarted() throws Exception {
        Path pid = dir.resolve("grandchild.pid");
        long start = System.nanoTime();
        Subprocess.Result r = Subprocess.run(List.of("/bin/sh", "-c", "sleep 300 & echo $! >" + pid + "; wait"), null,
                null, Duration.ofMillis(500));
        assertTrue(r.timedOut());
        assertEquals(-1, r.exitCode());
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(8).toNanos(), "returned at the limit");
        long grandchild = Long.parseLong(Files.readString(pid).strip());
        ProcessHandle.of(grandchild).ifPresent(h -> h.onExit().join());
        assertFalse(ProcessHandle.of(grandchild).map(ProcessHandle::isAlive).orElse(false), "the sleep was killed");
    }

    @Test
    void aMissingProgramCannotBeStarted() {
        assertThrows(IOException.class, () -> Subprocess.run(List.of(dir.resolve("nope").toString()), null, null,
                Duration.ofSeconds(5)));
    }
}
