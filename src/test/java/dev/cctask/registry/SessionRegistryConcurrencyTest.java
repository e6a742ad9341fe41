package dev.cctask.registry;

import dev.cctask.PythonJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many runner processes writing one registry at once (SPEC §8.3; acceptance 37 asks for 20). */
class SessionRegistryConcurrencyTest {
    static final int WRITERS = 32;

    @TempDir
    Path tmp;

    @Test
    void thirtyTwoWriterProcessesLoseNoEntryAndReadersNeverSeeATornFile() throws Exception {
        Path stateDir = tmp.resolve("state");
        Path barrier = Files.createDirectory(tmp.resolve("barrier"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> writers = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger reads = new AtomicInteger();
        AtomicReference<String> torn = new AtomicReference<>();
        Thread reader = new Thread(() -> readUntilStopped(stateDir.resolve(SessionRegistry.FILE_NAME), stop, reads, torn));
        try {
            for (int i = 0; i < WRITERS; i++) {
                writers.add(new ProcessBuilder(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-Xmx64m",
                        "-cp", System.getProperty("java.class.path"), RegistryWriterMain.class.getName(),
                        stateDir.toString(), barrier.toString(), String.format("s%02d", i))
                        .redirectErrorStream(true)
                        .redirectOutput(tmp.resolve("writer-" + i + ".log").toFile())
                        .start());
            }
            awaitReady(barrier, writers);
            reader.start();
            Files.createFile(barrier.resolve("go"));
            for (Process p : writers) {
                assertTrue(p.waitFor(120, TimeUnit.SECONDS), "writer did not finish");
                assertEquals(0, p.exitValue(), () -> "writer failed: " + logs());
            }
        } finally {
            stop.set(true);
            writers.forEach(Process::destroyForcibly);
            reader.join();
        }
        assertEquals(null, torn.get(), "a reader saw a torn or invalid file");
        assertTrue(reads.get() > 0);

        SessionRegistry registry = new SessionRegistry(stateDir, w -> fail(w));
        Set<String> expected = new TreeSet<>(IntStream.range(0, WRITERS).mapToObj(i -> String.format("s%02d", i)).toList());
        Set<String> ids = new TreeSet<>(registry.all().stream().map(Session::id).toList());
        assertEquals(expected, ids);
        assertTrue(registry.all().stream().allMatch(s -> "completed".equals(s.status())));
        try (Stream<Path> files = Files.list(stateDir)) {
            assertEquals(List.of("claude_sessions.json", "claude_sessions.json.lock"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), "no temp files left");
        }
    }

    private static void awaitReady(Path barrier, List<Process> writers) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            try (Stream<Path> files = Files.list(barrier)) {
                if (files.count() == WRITERS) {
                    return;
                }
            }
            if (writers.stream().anyMatch(p -> !p.isAlive()) || System.nanoTime() > deadline) {
                fail("writers did not all start");
            }
            Thread.sleep(20); // poll: the writers are other processes
        }
    }

    private static void readUntilStopped(Path file, AtomicBoolean stop, AtomicInteger reads, AtomicReference<String> torn) {
        while (!stop.get()) {
            try {
                byte[] bytes = Files.readAllBytes(file);
                JsonNode root = PythonJson.mapper().readTree(bytes);
                if (root == null || !root.path("sessions").isObject()) {
                    torn.compareAndSet(null, new String(bytes));
                }
                reads.incrementAndGet();
            } catch (NoSuchFileException notYet) {
                Thread.onSpinWait();
            } catch (IOException e) {
                torn.compareAndSet(null, e.toString());
            }
        }
    }

    private String logs() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < WRITERS; i++) {
            try {
                sb.append(Files.readString(tmp.resolve("writer-" + i + ".log")));
            } catch (IOException e) {
                sb.append(e);
            }
        }
        return sb.toString();
    }
}
