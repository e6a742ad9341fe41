package dev.cctask.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC §13 item 31: two delivering processes on one outbox never send the same item twice (OS file locks). */
class ConcurrentDeliverProcessesTest {

    @TempDir
    Path tmp;

    @Test
    void twoProcessesFlushingOneOutboxSendEveryItemExactlyOnce() throws Exception {
        Path outboxDir = tmp.resolve("outbox");
        Outbox outbox = new Outbox(outboxDir);
        int runs = 15;
        for (int i = 0; i < runs; i++) {
            outbox.enqueue("run-" + i, Event.COMPLETED, Drafts.finalEvent("run-" + i));
        }
        Path log = tmp.resolve("sent.log");
        Path rendezvous = Files.createDirectory(tmp.resolve("rendezvous"));

        List<Process> children = new ArrayList<>();
        try {
            for (int p = 0; p < 2; p++) {
                children.add(java(FlushProcess.class, tmp.resolve("child-" + p + ".out"),
                        outboxDir.toString(), log.toString(), rendezvous.toString()));
            }
            int delivered = 0;
            for (int p = 0; p < 2; p++) {
                assertTrue(children.get(p).waitFor(60, TimeUnit.SECONDS), "child " + p + " finished");
                String out = Files.readString(tmp.resolve("child-" + p + ".out"), StandardCharsets.UTF_8);
                assertEquals(0, children.get(p).exitValue(), out);
                delivered += Integer.parseInt(out.strip());
            }
            assertEquals(2 * runs, delivered);
        } finally {
            children.forEach(Process::destroyForcibly);
        }

        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        List<String> texts = lines.stream().map(l -> l.substring(l.indexOf(' ') + 1)).toList();
        assertEquals(2 * runs, texts.size(), lines.toString());
        assertEquals(2 * runs, new HashSet<>(texts).size(), "no item sent twice: " + lines);
        assertEquals(2, lines.stream().map(l -> l.substring(0, l.indexOf(' '))).distinct().count(),
                "both processes took part: " + lines);
        for (int i = 0; i < runs; i++) {
            assertTrue(texts.indexOf("done run-" + i) < texts.indexOf("wake run-" + i), lines.toString());
        }
        assertEquals(List.of(), outbox.pending());
    }

    @Test
    void aClaimStaysLockedForOtherProcessesAfterAnotherThreadHereTriedTheSameItem() throws Exception {
        Path outboxDir = tmp.resolve("outbox");
        Outbox outbox = new Outbox(outboxDir);
        Outbox.Item item = outbox.enqueue("r", Event.COMPLETED, Drafts.finalEvent("r")).get(0);
        try (Outbox.Claim held = outbox.claim(item).orElseThrow()) {
            // On Linux, a second descriptor of the lock file closed by this process would drop the OS lock.
            assertTrue(new Outbox(outboxDir).claim(item).isEmpty());
            assertEquals("locked", probe(outboxDir));
        }
        assertEquals("claimed", probe(outboxDir));
    }

    private String probe(Path outboxDir) throws Exception {
        Path out = tmp.resolve("probe.out");
        Process child = java(ClaimProbe.class, out, outboxDir.toString());
        try {
            assertTrue(child.waitFor(60, TimeUnit.SECONDS));
            return Files.readString(out, StandardCharsets.UTF_8).strip();
        } finally {
            child.destroyForcibly();
        }
    }

    /** Starts {@code main} of a test class in a new JVM with this test's class path. */
    private static Process java(Class<?> main, Path output, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }
}
