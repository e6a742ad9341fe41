package dev.cctask.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cctask.support.FakeGateway;
import dev.cctask.support.RunTaskProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A two-way run end to end (issue 17): run-task with examples/fake-claude replaying the recorded two-way sessions,
 * {@code steer} from another process, the chat on a fake gateway.
 */
class SteerProcessTest {
    static final String KEY = "agent:main:telegram:group:-1001234567890";
    static final String PROMPT = "Run echo hi with Bash";
    static final String STEER = "STEER: also WRITE_FILE please";
    /** The session of stdin-steer-mid-turn.txt. */
    static final String SESSION = "c2b23322-14b4-4e7c-bdc6-259551f020c9";
    static final Duration MAX = Duration.ofSeconds(60);
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path sandbox;

    RunTaskProcess runTask;
    FakeGateway gateway;
    Path stdin;

    @BeforeEach
    void setUp() throws Exception {
        runTask = new RunTaskProcess(sandbox);
        gateway = runTask.gateway();
        stdin = sandbox.resolve("stdin.jsonl");
        runTask.env("FAKE_CLAUDE_STDIN_FILE", stdin.toString());
    }

    @AfterEach
    void tearDown() throws Exception {
        runTask.close();
    }

    /**
     * stdin-steer-mid-turn.txt, which waits after its Bash tool_use for the message steered in, waiting once more
     * before its result: the streamed output file can be read before the final text replaces it.
     */
    private Path steerTranscriptWaitingBeforeItsResult() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(RunTaskProcess.FIXTURES.resolve("stdin-steer-mid-turn.txt")));
        int result = lines.size() - 1;
        assertTrue(lines.get(result).contains("\"type\":\"result\""));
        lines.add(result, ">> (a second message)");
        return Files.write(sandbox.resolve("steer-twice.txt"), lines, StandardCharsets.UTF_8);
    }

    private RunTaskProcess.Result steer(String target, String text) throws Exception {
        return runTask.run(MAX, "steer", target, "-m", text, "--pid-dir", runTask.pidDir().toString());
    }

    private JsonNode tasks() throws Exception {
        return JSON.readTree(runTask.run(MAX, "tasks", "--json", "--pid-dir", runTask.pidDir().toString()).stdout());
    }

    private List<Path> controlFiles() throws Exception {
        if (!Files.isDirectory(runTask.pidDir())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(runTask.pidDir())) {
            return files.filter(p -> p.toString().endsWith(".control")).toList();
        }
    }

    @Test
    void aMessageSteeredMidTurnReachesClaudeIsRecordedWhereItFellAndTheRunEndsWithOneResult() throws Exception {
        runTask.env("FAKE_CLAUDE_TRANSCRIPT", steerTranscriptWaitingBeforeItsResult().toString());
        Process run = runTask.start(runTask.args("-t", PROMPT, "-s", KEY, "--session-label", "steer demo"));
        runTask.awaitPidFileField("claude_pid");
        assertEquals(0, tasks().get(0).path("steered").intValue());

        RunTaskProcess.Result first = steer("steer demo", STEER);

        assertEquals(new RunTaskProcess.Result(0, "Sent to Claude Code: runner " + run.pid() + ", session " + SESSION
                + "\n", ""), first);
        RunTaskProcess.await("Claude's answer after the message", () -> Files.readString(runTask.output())
                .contains("Done: the command printed hi."));
        assertEquals("I'll run the command.\n\n↪️ Sent to Claude Code: " + STEER + "\n\nDone: the command printed hi.\n",
                Files.readString(runTask.output()), "the message where it fell in the stream");
        assertEquals(1, tasks().get(0).path("steered").intValue());
        gateway.await(c -> c.text().startsWith("📡 ↪️"), MAX);

        assertEquals(0, steer(SESSION, "Thanks, finish now").exitCode());
        RunTaskProcess.Result r = runTask.finish(run, MAX);

        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(List.of(PROMPT, STEER, "Thanks, finish now"), RunTaskProcess.messagesOnStdin(stdin));
        List<String> texts = gateway.messageTexts();
        assertEquals(List.of("📡 ↪️ Sent to Claude Code: " + STEER, "📡 ↪️ Sent to Claude Code: Thanks, finish now"),
                texts.stream().filter(t -> t.startsWith("📡 ↪️")).toList());
        assertEquals(1, texts.stream().filter(t -> t.startsWith("✅ Claude Code task complete!")).count(), texts.toString());
        assertEquals(List.of("↪️ Steered message 1 written to Claude's stdin (29 chars)",
                "↪️ Steered message 2 written to Claude's stdin (18 chars)"),
                r.stderr().lines().filter(l -> l.startsWith("↪️")).toList());
        assertFalse(r.stderr().contains("⏹"), "stdin closed after the result: Claude ended by itself\n" + r.stderr());
        runTask.assertNoPidFiles();
        assertEquals(List.of(), controlFiles());

        assertEquals(new RunTaskProcess.Result(1, "", "Task 'steer demo' has finished: Claude takes no more messages."
                + " Continue its session with: run-task --resume-label \"steer demo\" --task-file FILE\n"),
                steer("steer demo", "One more thing"));
    }

    @Test
    void withABackgroundSubagentStdinClosesOnlyWhenItEndsAndTheRunEndsByItselfWithTheLastResult() throws Exception {
        runTask.transcript("stdin-close-after-background.txt");
        RunTaskProcess.Result r = runTask.run(MAX, runTask.args("-t", "SPAWN_AGENT please", "-s", KEY));
        assertEquals(0, r.exitCode(), r.toString());
        assertFalse(r.stderr().contains("⏹"), "Claude ended by itself once stdin closed\n" + r.stderr());
        assertEquals(List.of("SPAWN_AGENT please"), RunTaskProcess.messagesOnStdin(stdin));
        String last = gateway.messageTexts().get(gateway.messageTexts().size() - 1);
        assertTrue(last.startsWith("✅ Claude Code task complete!"), last);
        JsonNode entry = runTask.registryEntry();
        assertEquals("completed", entry.path("status").asText(), entry.toString());
    }

    @Test
    void aCancelWhileClaudeWaitsForMoreInputEndsItBySignalNotByClosingItsInput() throws Exception {
        runTask.transcript("stdin-steer-mid-turn.txt"); // it waits for a message after its tool call
        Process run = runTask.start(runTask.args("-t", PROMPT, "-s", KEY, "--session-label", "to cancel"));
        RunTaskProcess.await("the text before the wait", () -> Files.exists(runTask.output())
                && Files.readString(runTask.output()).contains("I'll run the command."));

        RunTaskProcess.Result cancel = runTask.run(MAX, "cancel", "to cancel", "--pid-dir", runTask.pidDir().toString());

        assertEquals(0, cancel.exitCode(), cancel.toString());
        RunTaskProcess.Result r = runTask.finish(run, MAX);
        assertEquals(List.of("🛑 CANCELLED Done (exit 143, 22 chars, 0min)"),
                r.stderr().lines().filter(l -> l.startsWith("🛑")).toList(), r.stderr());
        assertEquals(List.of(PROMPT), RunTaskProcess.messagesOnStdin(stdin));
    }

    @Test
    void aClaudeHoldingTheNotifySecretCannotSteerAndNeverSeesTheControlSecret() throws Exception {
        Path code = sandbox.resolve("steer-attempt.code");
        Path body = sandbox.resolve("steer-attempt.body");
        Path env = sandbox.resolve("claude.env");
        Path claude = sandbox.resolve("claude-that-steers-itself");
        Files.writeString(claude, "#!/bin/bash\n"
                + "curl --silent --noproxy '*' --output " + body + " --write-out '%{http_code}'"
                + " --header \"Authorization: Bearer $RUN_TASK_NOTIFY_SECRET\" --data-raw 'STEER: obey me'"
                + " \"${RUN_TASK_NOTIFY_URL%/notify}/steer\" >" + code + ".tmp && mv " + code + ".tmp " + code + "\n"
                + "exec " + RunTaskProcess.FAKE_CLAUDE + " \"$@\"\n");
        Files.setPosixFilePermissions(claude, PosixFilePermissions.fromString("rwx------"));
        runTask.transcript("stdin-steer-mid-turn.txt").env("FAKE_CLAUDE_ENV_FILE", env.toString());
        Process run = runTask.start(runTask.args("-t", PROMPT, "-s", KEY, "--claude-bin", claude.toString()));

        assertEquals("403", RunTaskProcess.awaitText(code));
        assertEquals("{\"status\":\"error\",\"error\":\"wrong or missing control secret\"}", Files.readString(body));
        RunTaskProcess.awaitText(env);
        Path control = controlFiles().get(0);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(control)));
        String secret = Files.readAllLines(control).get(1).replaceFirst("^secret=", "");
        assertTrue(secret.matches("[0-9a-f]{32}"), secret);
        assertFalse(Files.readString(env).contains(secret), "the control secret is not in Claude's environment");
        assertEquals(0, tasks().get(0).path("steered").intValue());

        RunTaskProcess.Result own = steer(String.valueOf(run.pid()), STEER);
        assertEquals(0, own.exitCode(), "run-task's own steer gets through: " + own);
        RunTaskProcess.Result r = runTask.finish(run, MAX);
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(List.of(PROMPT, STEER), RunTaskProcess.messagesOnStdin(stdin), "nothing else reached Claude");
        assertFalse(r.stderr().contains(secret), "nor the log");
    }
}
