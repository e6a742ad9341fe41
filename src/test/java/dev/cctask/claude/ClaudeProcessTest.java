package dev.cctask.claude;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import dev.cctask.support.RunTaskProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Runs examples/fake-claude as the child. */
class ClaudeProcessTest {
    private static final Duration DRAIN = Duration.ofSeconds(5);
    private static final String BASIC_SESSION = "bb27ef18-6f34-4fe4-8f95-ea52f704dffe";

    @TempDir
    Path tmp;

    private final List<ClaudeProcess> started = new ArrayList<>();
    private final List<Path> grandchildPidFiles = new ArrayList<>();

    @AfterEach
    void stopEverythingStarted() throws IOException {
        for (ClaudeProcess p : started) {
            if (!p.onExit().isDone()) {
                p.killTree(Duration.ZERO);
            }
        }
        for (Path pidFile : grandchildPidFiles) {
            grandchild(pidFile).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private final class Run {
        final RunState state = new RunState();
        final StreamParser parser = new StreamParser(new ObjectMapper(), state, new StreamParser.Listener() { });
        final AtomicLong bytes = new AtomicLong();
        final Map<String, String> env = new HashMap<>();
        String prompt = "Run echo hi with Bash";
        List<String> extraArgs = List.of();
        ClaudeProcess process;

        Run transcript(String fixture) {
            env.put("FAKE_CLAUDE_TRANSCRIPT", Fixtures.transcript(fixture).toString());
            return this;
        }

        Run env(String name, String value) {
            env.put(name, value);
            return this;
        }

        Run start() throws IOException {
            LineSink lines = (line, offset, length) -> {
                bytes.addAndGet(length + 1);
                parser.accept(line, offset, length);
            };
            process = ClaudeProcess.start(ClaudeCommand.argv(Fixtures.fakeClaude().toString(), null, extraArgs), tmp,
                    childEnv(env), lines);
            started.add(process);
            process.input().send(prompt);
            process.input().close(); // the prompt alone: Claude ends after its turn
            return this;
        }

        /** Waits for the exit and the drains; returns the exit code. */
        int finish() throws Exception {
            int code = process.onExit().get(120, TimeUnit.SECONDS);
            process.awaitDrains(DRAIN);
            return code;
        }
    }

    private static ClaudeProcess.ChildEnv childEnv(Map<String, String> added) {
        return new ClaudeProcess.ChildEnv(added, List.of(), UUID.randomUUID().toString());
    }

    private Run run(String fixture) {
        return new Run().transcript(fixture);
    }

    private Path grandchildPidFile() {
        Path file = tmp.resolve("grandchild-" + grandchildPidFiles.size() + ".pid");
        grandchildPidFiles.add(file);
        return file;
    }

    private static Optional<ProcessHandle> grandchild(Path pidFile) throws IOException {
        if (!Files.exists(pidFile) || Files.readString(pidFile).isBlank()) {
            return Optional.empty();
        }
        return ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip()));
    }

    private static void awaitNonEmpty(Path file) throws InterruptedException, IOException {
        for (int i = 0; i < 1000 && (!Files.exists(file) || Files.size(file) == 0); i++) {
            Thread.sleep(10);
        }
        assertTrue(Files.size(file) > 0, "no " + file);
    }

    @Test
    void promptArrivesWholeAsTheFirstUserLineOnStdinAndNeverInArgv() throws Exception {
        String prompt = "--fix the build \u00AB\u00E9\u00BB \uD83D\uDE80 \u041F\u0440\u0438\u0432\u0435\u0442\n"
                + "line \u2014 ".repeat(35_000) + "\n\n";
        assertTrue(prompt.getBytes(StandardCharsets.UTF_8).length > 300_000);
        Run r = run("basic.jsonl")
                .env("FAKE_CLAUDE_STDIN_FILE", tmp.resolve("stdin").toString())
                .env("FAKE_CLAUDE_ARGV_FILE", tmp.resolve("argv").toString());
        r.prompt = prompt;
        r.extraArgs = List.of("--model", "sonnet");
        r.start();
        assertEquals(0, r.finish());
        assertEquals(List.of(prompt), RunTaskProcess.messagesOnStdin(tmp.resolve("stdin")));
        assertEquals(List.of("-p", "--dangerously-skip-permissions", "--verbose", "--input-format", "stream-json",
                "--output-format", "stream-json", "--include-partial-messages", "--model", "sonnet"),
                Files.readAllLines(tmp.resolve("argv"), StandardCharsets.UTF_8));
        assertEquals(BASIC_SESSION, r.state.sessionId());
        assertEquals(84, r.state.tokens());
        assertEquals(1, r.state.resultCount());
    }

    @Test
    void childRunsInTheProjectWithInheritedPlusExtraEnvironment() throws Exception {
        Path env = tmp.resolve("env");
        Run r = run("basic.jsonl").env("FAKE_CLAUDE_ENV_FILE", env.toString()).env("RUN_TASK_TEST_VAR", "x y").start();
        r.finish();
        List<String> lines = Files.readAllLines(env, StandardCharsets.UTF_8);
        assertTrue(lines.contains("PWD=" + tmp.toRealPath()), lines.toString());
        assertTrue(lines.contains("RUN_TASK_TEST_VAR=x y"));
        assertTrue(lines.contains("PATH=" + System.getenv("PATH")), "inherited");
    }

    @Test
    void exitCodeIsReported() throws Exception {
        Run r = run("error-401-maxretries1.jsonl").env("FAKE_CLAUDE_EXIT", "1").start();
        assertEquals(1, r.finish());
        assertTrue(r.state.lastResult().orElseThrow().isError());
    }

    @Test
    void stderrIsDrainedWhileStreamingAndCappedAtOneMebibyte() throws Exception {
        Run r = run("basic.jsonl").env("FAKE_CLAUDE_STDERR_MB", "3").start();
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertEquals(0, r.finish()));
        assertEquals(ClaudeProcess.MAX_STDERR_BYTES, r.process.stderr().length());
        assertTrue(r.process.stderr().startsWith("fake-claude: noise on stderr"));
        assertEquals(2L * 1024 * 1024, r.process.stderrDiscardedBytes());
        assertEquals(1, r.state.resultCount());
    }

    @Test
    void stderrTextIsKeptAsUtf8() throws Exception {
        String text = "No conversation found with session ID: 11111111-2222-4333-8444-555555555555 \u2014 \u00B7\n";
        String escaped = "No conversation found with session ID: 11111111-2222-4333-8444-555555555555 \\xe2\\x80\\x94 "
                + "\\xc2\\xb7\\n";
        Run r = run("bad-resume-unknown-uuid.jsonl").env("FAKE_CLAUDE_STDERR", escaped).env("FAKE_CLAUDE_EXIT", "1").start();
        assertEquals(1, r.finish());
        assertEquals(text, r.process.stderr());
        assertTrue(RunOutcome.of(r.state, 1, r.process.stderr(), false, false, "11111111-2222-4333-8444-555555555555")
                .resumeFailed());
    }

    /** A 20 MiB line is dropped whole (never buffered past 16 MiB); a 2 MiB one is parsed; the stream goes on. */
    @ParameterizedTest
    @CsvSource({"20, 1", "2, 0"})
    void linesOverSixteenMebibytesAreDiscardedAndTheStreamGoesOn(int mebibytes, long discarded) throws Exception {
        Run r = run("basic.jsonl").env("FAKE_CLAUDE_LONG_LINE_MB", String.valueOf(mebibytes)).start();
        assertEquals(0, r.finish());
        assertEquals(discarded, r.process.discardedLines());
        assertEquals(0, r.state.badLines());
        assertEquals(BASIC_SESSION, r.state.sessionId());
        assertEquals(84, r.state.tokens());
        assertEquals(discarded == 0, r.bytes.get() > 2L * 1024 * 1024);
    }

    @Test
    void hundredMebibytesStreamThroughTheParser() throws Exception {
        Run r = run("basic.jsonl").env("FAKE_CLAUDE_BULK_MB", "100").start();
        assertEquals(0, r.finish());
        assertTrue(r.bytes.get() >= 100L * 1024 * 1024, "bytes " + r.bytes.get());
        int chunks = r.state.heartbeatSnapshot().chunksSinceHeartbeat();
        assertTrue(chunks > 100_000, "chunks " + chunks);
        assertEquals(chunks + 1, r.state.toolCalls(), "one tool_use per bulk pair plus the transcript's Bash");
        assertEquals(0, r.state.badLines());
        assertEquals(1, r.state.resultCount());
        assertEquals(BASIC_SESSION, r.state.sessionId());
    }

    @Test
    void garbageAndInvalidUtf8AreSkippedWithoutChangingTheResult() throws Exception {
        Run clean = run("basic.jsonl").start();
        clean.finish();
        Run dirty = run("basic.jsonl").env("FAKE_CLAUDE_GARBAGE", "1").start();
        assertEquals(0, dirty.finish());
        assertEquals(3 * 7, dirty.state.badLines(), "three bad lines in each of the 7 gaps");
        assertEquals(clean.state.sessionId(), dirty.state.sessionId());
        assertEquals(clean.state.tokens(), dirty.state.tokens());
        assertEquals(clean.state.toolCalls(), dirty.state.toolCalls());
        assertEquals(clean.state.assistantText(), dirty.state.assistantText());
        assertEquals(clean.state.lastResult(), dirty.state.lastResult());
    }

    @Test
    void linesArriveAsTheChildWroteThem() throws Exception {
        Path transcript = tmp.resolve("spaced.jsonl");
        Files.writeString(transcript, "\n   \n  {\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"s\"}  \r\n\t\n"
                + "{\"type\":\"result\",\"result\":\"ok ü\",\"is_error\":false}", StandardCharsets.UTF_8);
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        ClaudeProcess p = ClaudeProcess.start(List.of(Fixtures.fakeClaude().toString()), tmp,
                childEnv(Map.of("FAKE_CLAUDE_TRANSCRIPT", transcript.toString())),
                (line, offset, length) -> seen.add(new String(line, offset, length, StandardCharsets.UTF_8)));
        started.add(p);
        p.input().close();
        p.onExit().get(30, TimeUnit.SECONDS);
        p.awaitDrains(DRAIN);
        assertEquals(List.of("", "   ", "  {\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"s\"}  \r", "\t",
                "{\"type\":\"result\",\"result\":\"ok ü\",\"is_error\":false}"), seen);
    }

    @Test
    void killTreeEndsAChildThatHonoursSigtermWith143() throws Exception {
        Run r = run("basic.jsonl").env("FAKE_CLAUDE_SLEEP_AFTER", "3600").start();
        awaitResult(r);
        assertEquals(143, r.process.killTree(Duration.ofSeconds(30)).exitCode());
        assertEquals(143, r.process.onExit().get(5, TimeUnit.SECONDS));
        r.process.awaitDrains(DRAIN);
        assertFalse(ProcessHandle.of(r.process.pid()).map(ProcessHandle::isAlive).orElse(false));
    }

    @Test
    void killTreeKillsAChildIgnoringSigtermAndItsSetsidGrandchild() throws Exception {
        Path pidFile = grandchildPidFile();
        Run r = run("basic.jsonl")
                .env("FAKE_CLAUDE_IGNORE_TERM", "1")
                .env("FAKE_CLAUDE_GRANDCHILD", "1")
                .env("FAKE_CLAUDE_GRANDCHILD_PID_FILE", pidFile.toString())
                .env("FAKE_CLAUDE_SLEEP_AFTER", "3600")
                .start();
        awaitNonEmpty(pidFile);
        awaitResult(r);
        ProcessHandle grandchild = grandchild(pidFile).orElseThrow();
        assertTrue(grandchild.isAlive());
        assertFalse(r.process.onExit().isDone());

        assertEquals(137, r.process.killTree(Duration.ofSeconds(1)).exitCode());
        assertEquals(137, r.process.onExit().get(1, TimeUnit.SECONDS));
        assertFalse(grandchild.isAlive(), "the grandchild in its own session is gone too");
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> r.process.awaitDrains(DRAIN));
        assertEquals(1, r.state.resultCount());
    }

    @Test
    void drainsAreGivenUpWhenAGrandchildKeepsThePipesOpen() throws Exception {
        Path pidFile = grandchildPidFile();
        Run r = run("basic.jsonl")
                .env("FAKE_CLAUDE_GRANDCHILD", "1")
                .env("FAKE_CLAUDE_GRANDCHILD_PID_FILE", pidFile.toString())
                .start();
        assertEquals(0, r.process.onExit().get(30, TimeUnit.SECONDS), "exit noticed although the pipes stay open");
        assertTrue(grandchild(pidFile).orElseThrow().isAlive());
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> r.process.awaitDrains(Duration.ofSeconds(1)));
        assertEquals(1, r.state.resultCount(), "what was written before the exit was read");
        assertEquals(84, r.state.tokens());
    }

    private static void awaitResult(Run r) throws InterruptedException {
        for (int i = 0; i < 3000 && r.state.resultCount() == 0; i++) {
            Thread.sleep(10);
        }
        assertEquals(1, r.state.resultCount());
    }
}
