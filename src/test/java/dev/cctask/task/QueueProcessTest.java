package dev.cctask.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cctask.support.FakeGateway;
import dev.cctask.support.RunTaskProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --max-parallel} (issue 19): at most N Claude processes at once, later launches wait in launch order, a slot
 * is an OS lock that a killed runner cannot keep, and a queued run can be listed, cancelled and reconciled. The fake
 * Claude logs its start and end ({@code FAKE_CLAUDE_LOG}) and waits until the test creates the file {@code go} (all
 * go on) or {@code go-<task>} (that task goes on).
 */
class QueueProcessTest {
    static final String KEY = "agent:main:telegram:group:-1001234567890";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path sandbox;

    FakeGateway gateway;
    RunTaskProcess runTask;
    Path log;
    Path go;

    /** One line of the fake Claude's log. */
    record Event(boolean start, double at, String task) {}

    @BeforeEach
    void setUp() throws Exception {
        runTask = new RunTaskProcess(sandbox);
        gateway = runTask.gateway();
        log = sandbox.resolve("claude.log");
        go = sandbox.resolve("go");
        runTask.transcript("basic.jsonl").env("FAKE_CLAUDE_LOG", log.toString())
                .env("FAKE_CLAUDE_RUN", "while [ ! -e " + go + " ] && [ ! -e \"" + go + "-$1\" ]; do sleep 0.02; done");
    }

    @AfterEach
    void tearDown() throws Exception {
        runTask.close();
    }

    /**
     * Launches {@code task} with the limit, in its own folder with its own output file; waits until its Claude started
     * or it queued.
     */
    private Process launch(String task, int limit, String... extra) throws Exception {
        String name = task.replace(' ', '-');
        List<String> a = new ArrayList<>(List.of("-t", task, "-s", KEY, "--max-parallel", String.valueOf(limit),
                "-o", sandbox.resolve(name + ".txt").toString(), "-p", sandbox.resolve(name).toString()));
        a.addAll(List.of(extra));
        Process p = runTask.start(runTask.args(a.toArray(String[]::new)));
        RunTaskProcess.await(task + " to start or queue",
                () -> pidField(p.pid(), "claude_pid").isPresent() || pidField(p.pid(), "queued").isPresent());
        return p;
    }

    private Optional<String> pidField(long runner, String key) throws IOException {
        if (!Files.isDirectory(runTask.pidDir())) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(runTask.pidDir())) {
            for (Path f : files.filter(x -> x.toString().endsWith(".pid")).toList()) {
                List<String> lines;
                try {
                    lines = Files.readAllLines(f);
                } catch (IOException gone) {
                    continue;
                }
                if (lines.get(0).equals(String.valueOf(runner))) {
                    return lines.stream().filter(l -> l.startsWith(key + "=")).map(l -> l.substring(key.length() + 1))
                            .findFirst();
                }
            }
        }
        return Optional.empty();
    }

    private List<Event> events() throws IOException {
        if (!Files.exists(log)) {
            return List.of();
        }
        return Files.readAllLines(log).stream().map(l -> l.split(" ", 3))
                .map(f -> new Event(f[0].equals("start"), Double.parseDouble(f[1].replace(',', '.')), f[2])).toList();
    }

    private List<String> started() throws IOException {
        return events().stream().filter(Event::start).map(Event::task).toList();
    }

    private List<String> finalTexts(String task) {
        return gateway.messageTexts().stream().filter(t -> !t.startsWith("📡") && t.contains("\nTask: " + task + "\n"))
                .toList();
    }

    @Test
    void sixRunsWithAtMostTwoAtOnceStartInLaunchOrderAndAllDeliverOnce() throws Exception {
        runTask.env("FAKE_CLAUDE_SLEEP_AFTER", "0.3");
        List<Process> runs = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            runs.add(launch("task " + i, 2));
        }
        // two work, four wait in launch order: tasks shows their places
        RunTaskProcess.Result tasks = runTask.run(Duration.ofSeconds(60), "tasks", "--json", "--pid-dir",
                runTask.pidDir().toString());
        List<String> states = new ArrayList<>();
        for (JsonNode t : JSON.readTree(tasks.stdout())) {
            states.add(t.path("task").asText() + ": " + t.path("status").asText() + " " + t.path("queued_ahead"));
        }
        assertEquals(List.of("task 1: running null", "task 2: running null", "task 3: queued 0", "task 4: queued 1",
                "task 5: queued 2", "task 6: queued 3"), states.stream().sorted().toList(), tasks.stdout());
        assertEquals(List.of("task 1", "task 2"), started());

        // each slot that comes free goes to the run that waited longest
        for (int i = 1; i <= 6; i++) {
            Files.createFile(Path.of(go + "-task " + i));
            assertEquals(0, runTask.finish(runs.get(i - 1), Duration.ofSeconds(120)).exitCode());
            if (i + 2 <= 6) {
                String next = "task " + (i + 2);
                RunTaskProcess.await(next + " to start", () -> started().contains(next));
                assertEquals(IntStream.rangeClosed(1, i + 2).mapToObj(n -> "task " + n).toList(), started());
            }
        }

        List<Event> events = events();
        int running = 0;
        for (Event e : events.stream().sorted((a, b) -> Double.compare(a.at(), b.at())).toList()) {
            running += e.start() ? 1 : -1;
            assertTrue(running <= 2, "more than 2 Claude processes at once: " + events);
        }
        assertEquals(List.of("task 1", "task 2", "task 3", "task 4", "task 5", "task 6"), started());
        for (int i = 1; i <= 6; i++) {
            List<String> done = finalTexts("task " + i);
            assertEquals(1, done.size(), "task " + i + ": " + done);
            assertTrue(done.get(0).startsWith("✅ Claude Code task complete!"), done.get(0));
        }
        assertEquals(6, gateway.calls().stream().filter(c -> "sessions_send".equals(c.tool())).count());
        assertEquals("📡 ⏳ Claude Code queued (0 ahead)\n*Project:* " + sandbox.resolve("task-3") + "\n*Timeout:* 120min\n*PID:* "
                + runs.get(2).pid() + "\nPrompt: task 3", gateway.messageTexts().stream()
                .filter(t -> t.contains("*PID:* " + runs.get(2).pid() + "\n")).findFirst().orElseThrow());
        for (int i = 3; i <= 6; i++) {
            String pid = "*PID:* " + runs.get(i - 1).pid() + "\n";
            List<String> starts = gateway.messageTexts().stream().filter(t -> t.contains(pid)).toList();
            assertEquals(2, starts.size(), starts.toString());
            assertTrue(starts.get(0).startsWith("📡 ⏳ Claude Code queued (" + (i - 3) + " ahead)\n"), starts.get(0));
            assertTrue(starts.get(1).startsWith("📡 🚀 *Claude Code started*\n"), starts.get(1));
        }
        runTask.assertNoPidFiles();
    }

    @Test
    void aSigkilledRunnerFreesItsSlotWithinASecondAndItsClaudeIsStopped() throws Exception {
        Process first = launch("first", 1);
        long claude = Long.parseLong(pidField(first.pid(), "claude_pid").orElseThrow());
        Process second = launch("second", 1);
        assertTrue(pidField(second.pid(), "queued").isPresent());

        double killedAt = Instant.now().toEpochMilli() / 1000.0;
        first.toHandle().destroyForcibly();
        RunTaskProcess.await("the second Claude to start", () -> started().contains("second"));
        double startedAt = events().stream().filter(e -> e.start() && e.task().equals("second")).findFirst()
                .orElseThrow().at();
        assertTrue(startedAt - killedAt < 1.0, "the slot came free after " + (startedAt - killedAt) + " s");

        RunTaskProcess.awaitGone(claude); // the killed runner's Claude is stopped when its slot is taken over
        Files.createFile(go);
        assertEquals(0, runTask.finish(second, Duration.ofSeconds(60)).exitCode());
        assertEquals(List.of("first", "second"), started());
        runTask.assertNoPidFiles(); // the second run finished reconciling the first before it ended
        runTask.run(Duration.ofSeconds(60), "tasks", "--pid-dir", runTask.pidDir().toString()); // flushes the outbox
        assertEquals(1, gateway.messageTexts().stream()
                .filter(t -> t.startsWith("⚠️ Claude Code task lost\n\nTask: first\n")).count(),
                gateway.messageTexts().toString());
    }

    @Test
    void aQueuedRunThatIsCancelledEndsAtOnceAndNeverStartsClaude() throws Exception {
        Process first = launch("first", 1);
        Process second = launch("second", 1);

        RunTaskProcess.Result cancel = runTask.run(Duration.ofSeconds(60), "cancel", String.valueOf(second.pid()),
                "--pid-dir", runTask.pidDir().toString());
        assertEquals(0, cancel.exitCode(), cancel.toString());
        assertEquals("Cancelled runner " + second.pid() + " (session unknown)\n", cancel.stdout());
        RunTaskProcess.Result r = runTask.finish(second, Duration.ofSeconds(10));
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals(List.of("🛑 Claude Code task cancelled while queued\n\nTask: second\nProject: " + sandbox.resolve("second")),
                finalTexts("second"));
        assertTrue(first.isAlive());

        Files.createFile(go);
        assertEquals(0, runTask.finish(first, Duration.ofSeconds(60)).exitCode());
        assertEquals(List.of("first"), started(), "the cancelled run never started Claude");
        runTask.assertNoPidFiles();
    }

    @Test
    void aQueuedRunnerThatDiesIsReportedLostAndHoldsNobodyUp() throws Exception {
        Process first = launch("first", 1);
        Process second = launch("second", 1);
        second.toHandle().destroyForcibly();
        second.waitFor(10, TimeUnit.SECONDS);

        Process third = launch("third", 1);
        RunTaskProcess.await("the lost notice", () -> gateway.messageTexts().stream()
                .anyMatch(t -> t.startsWith("⚠️ Claude Code task lost\n\nTask: second\n")));
        RunTaskProcess.await("the third's queued notice, 0 ahead (the lost one holds nobody up)", () -> gateway
                .messageTexts().stream().anyMatch(t -> t.startsWith("📡 ⏳ Claude Code queued (0 ahead)\n")
                        && t.contains("*PID:* " + third.pid() + "\n")));
        Files.createFile(go);
        assertEquals(0, runTask.finish(first, Duration.ofSeconds(60)).exitCode());
        assertEquals(0, runTask.finish(third, Duration.ofSeconds(60)).exitCode());
        assertEquals(List.of("first", "third"), started());
    }

    @Test
    void aQueueThatCannotBeUsedLetsTheRunStartAndSaysSo() throws Exception {
        Path slots = runTask.stateDir().resolve("claude-code-task/slots");
        Files.createDirectories(slots.getParent());
        Files.writeString(slots, "a file in the way");
        Files.createFile(go);
        RunTaskProcess.Result r = runTask.run(Duration.ofSeconds(60), runTask.args("-t", "first", "-s", KEY,
                "--max-parallel", "1"));
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("\n⚠ Cannot use the run queue (" + slots.resolve("queue") + ": Not a directory):"
                + " starting without the --max-parallel limit\n"), r.stderr());
        assertEquals(List.of("first"), started());
    }

    @Test
    void theTimeoutCountsFromTheStartNotFromTheLaunch() throws Exception {
        Process first = launch("first", 1);
        Process second = launch("second", 1, "--timeout", "2");
        Thread.sleep(3000); // the queued run waits longer than its timeout
        assertTrue(second.isAlive());
        Files.createFile(go);
        assertEquals(0, runTask.finish(first, Duration.ofSeconds(60)).exitCode());
        RunTaskProcess.Result r = runTask.finish(second, Duration.ofSeconds(60));
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(finalTexts("second").get(0).startsWith("✅ Claude Code task complete!"), finalTexts("second").toString());
        assertFalse(r.stderr().contains("⏰"), r.stderr());
    }
}
