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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code run-task} command as a process, with {@code examples/fake-claude} as Claude and a fake gateway:
 * what the chat receives, the files on disk, the exit codes (SPEC §2–§10).
 */
class RunTaskProcessTest {
    static final String GROUP = "120363000000000000@g.us";
    static final String KEY = "agent:main:whatsapp:group:" + GROUP;
    static final ObjectMapper JSON = new ObjectMapper();
    /** What follows the line of a usage error that picocli reports (an option's value, a parameter's). */
    static final String ROOT_USAGE = "Usage: run-task [OPTIONS] [COMMAND]\nSee 'run-task --help'.\n";

    @TempDir
    Path sandbox;

    FakeGateway gateway;
    RunTaskProcess runTask;
    Path project;
    Path output;

    @BeforeEach
    void setUp() throws Exception {
        runTask = new RunTaskProcess(sandbox);
        gateway = runTask.gateway();
        project = runTask.project();
        output = runTask.output();
    }

    @AfterEach
    void tearDown() throws Exception {
        runTask.close();
    }

    /** {@code -t "Run echo hi with Bash"}, the fixture's run arguments, then {@code extra}. */
    private String[] args(String... extra) {
        List<String> a = new java.util.ArrayList<>(List.of("-t", "Run echo hi with Bash"));
        a.addAll(List.of(extra));
        return runTask.args(a.toArray(String[]::new));
    }

    private RunTaskProcess fake(String transcript) {
        return runTask.transcript(transcript);
    }

    @Test
    void successfulRunDeliversLaunchHeartbeatsResultAndWake() throws Exception {
        fake("partial-messages.jsonl").env("FAKE_CLAUDE_DELAY", "0.4");
        var r = runTask.run(Duration.ofSeconds(60), args("-s", KEY, "--heartbeat-interval", "5",
                "--session-label", "demo"));
        assertEquals(0, r.exitCode(), r.toString());

        List<String> texts = gateway.messageTexts();
        assertTrue(texts.get(0).startsWith("📡 🚀 *Claude Code started*\n*Label:* demo\n*Project:* " + project
                + "\n*Timeout:* 120min\n*PID:* "), texts.get(0));
        assertTrue(texts.get(0).endsWith("\nPrompt: Run echo hi with Bash"), texts.get(0));
        List<String> beats = texts.stream().filter(t -> t.startsWith("📡 🟢 CC (0min)")).toList();
        assertTrue(beats.size() >= 2, "two heartbeats in ~12 s at 5 s intervals: " + texts);
        String last = texts.get(texts.size() - 1);
        assertEquals("✅ Claude Code task complete!\n\nLabel: demo\nTask: Run echo hi with Bash\nProject: " + project
                + "\nResult (29 chars):\n\nDone: the command printed hi.\n\nCost: $0.10 · 2 turns · 84 tok\nFull output: "
                + output, last);

        FakeGateway.Call wake = gateway.calls().get(gateway.calls().size() - 1);
        assertEquals("sessions_send", wake.tool());
        assertEquals(KEY, wake.body().path("sessionKey").asText());
        assertEquals(0, wake.body().path("args").path("timeoutSeconds").asInt());
        assertTrue(wake.body().path("args").path("message").asText().startsWith("[CLAUDE_CODE_RESULT]\n" + last));
        assertEquals("Bearer " + FakeGateway.TOKEN, wake.authorization());

        assertEquals("Done: the command printed hi.", Files.readString(output));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(output)));
        JsonNode entry = runTask.registryEntry();
        assertEquals("completed", entry.path("status").asText());
        assertEquals("demo", entry.path("label").asText());
        assertEquals(0.103788, entry.path("cost_estimate").asDouble(), 1e-9);
        assertTrue(r.stderr().contains("📝 Session registered: "), r.stderr());
        assertTrue(r.stderr().contains("✅ COMPLETED Done (exit 0, 29 chars, 0min)"), r.stderr());
        assertTrue(r.stderr().contains("📨 Session notified"), r.stderr());
        runTask.assertNoPidFiles();
        assertTokenInNoFileButTheConfig();
    }

    @Test
    void theRegistrySaysCompletedBeforeTheChatOrTheAgentHearsOfTheResult() throws Exception {
        // the registry is written beside the output file and the outbox: each final send must still find it done
        Map<String, String> statusWhenSent = new java.util.concurrent.ConcurrentHashMap<>();
        gateway.script(call -> {
            String what = "message".equals(call.tool()) ? call.text() : call.tool();
            if (what != null && (what.startsWith("✅") || what.equals("sessions_send"))) {
                try {
                    statusWhenSent.put(what.startsWith("✅") ? "message" : what,
                            runTask.registryEntry().path("status").asText("(no entry)"));
                } catch (java.io.IOException e) {
                    statusWhenSent.put(what, e.toString());
                }
            }
            return FakeGateway.accept(call);
        });
        fake("basic.jsonl");
        var r = runTask.run(Duration.ofSeconds(30), args("-s", KEY));
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(Map.of("message", "completed", "sessions_send", "completed"), statusWhenSent);
    }

    @Test
    void promptTravelsOnStdinNotInArgv() throws Exception {
        Path stdin = sandbox.resolve("stdin.bin");
        Path argv = sandbox.resolve("argv.txt");
        String prompt = "--fix the build 🚀 «Привет»\n\n";
        fake("basic.jsonl").env("FAKE_CLAUDE_STDIN_FILE", stdin.toString()).env("FAKE_CLAUDE_ARGV_FILE", argv.toString());
        var r = runTask.run(Duration.ofSeconds(30), runTask.args("--task=" + prompt, "--claude-arg", "--model",
                "--claude-arg=sonnet"));
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(List.of(prompt), RunTaskProcess.messagesOnStdin(stdin));
        assertEquals(List.of("-p", "--dangerously-skip-permissions", "--verbose", "--input-format", "stream-json",
                "--output-format", "stream-json", "--include-partial-messages", "--model", "sonnet"),
                Files.readAllLines(argv));
    }

    @Test
    void resumeByLabelFindsTheSessionAndResumesItInItsOwnDirectory() throws Exception {
        fake("basic.jsonl");
        var first = runTask.run(Duration.ofSeconds(30), args("--session-label", "Architecture research"));
        assertEquals(0, first.exitCode(), first.toString());
        String sid = JSON.readTree(runTask.stateDir().resolve("claude_sessions.json").toFile()).path("sessions")
                .fieldNames().next();

        Path argv = sandbox.resolve("argv.txt");
        Path env = sandbox.resolve("env.txt");
        fake("resume.jsonl").env("FAKE_CLAUDE_ARGV_FILE", argv.toString()).env("FAKE_CLAUDE_ENV_FILE", env.toString());
        var second = runTask.run(Duration.ofSeconds(30), "-t", "Now run it again", "--resume-label", "architecture",
                "-o", sandbox.resolve("out2.txt").toString(), "--claude-bin", RunTaskProcess.FAKE_CLAUDE.toString(),
                "--pid-dir", runTask.pidDir().toString(), "-s", KEY);
        assertEquals(0, second.exitCode(), second.toString());
        assertTrue(Files.readAllLines(argv).containsAll(List.of("--resume", sid)), Files.readAllLines(argv).toString());
        assertTrue(Files.readAllLines(env).contains("PWD=" + project), "resumed in the registered project dir");
        assertTrue(second.stderr().contains("📂 Resuming session " + sid + " in " + project + ", where it was started\n"),
                second.stderr());
        assertTrue(second.stderr().contains("\n   Label: Architecture research\n"), second.stderr());
        List<String> texts = gateway.messageTexts();
        assertTrue(texts.get(0).startsWith("📡 🚀 *Claude Code started*\n*Label:* Architecture research\n"), texts.get(0));
        assertTrue(texts.get(texts.size() - 1).startsWith("✅ Claude Code task complete!\n\nLabel: Architecture research\n"
                + "Task: Now run it again\n"), texts.get(texts.size() - 1));
        JsonNode entry = JSON.readTree(runTask.stateDir().resolve("claude_sessions.json").toFile()).path("sessions").path(sid);
        assertEquals("Architecture research", entry.path("label").asText(), "the label is kept on resume [P9]");

        var none = runTask.run(Duration.ofSeconds(30), "-t", "x", "--resume-label", "gardening", "--dry-run");
        assertEquals(1, none.exitCode(), none.toString());
        assertEquals("No session matches 'gardening'; closest labels: Architecture research", none.stderr().strip());
    }

    @Test
    void aPromptFilesTrailingNewlinesAreNotShownButReachClaude() throws Exception {
        Path stdin = sandbox.resolve("stdin.bin");
        Path taskFile = sandbox.resolve("prompt.txt");
        Files.writeString(taskFile, "Run echo hi with Bash\n\n \n", StandardCharsets.UTF_8);
        fake("basic.jsonl").env("FAKE_CLAUDE_STDIN_FILE", stdin.toString());
        var r = runTask.run(Duration.ofSeconds(30), runTask.args("--task-file", taskFile.toString(), "-s", KEY));
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(List.of("Run echo hi with Bash\n\n \n"), RunTaskProcess.messagesOnStdin(stdin));
        List<String> texts = gateway.messageTexts();
        assertTrue(texts.get(0).endsWith("\nPrompt: Run echo hi with Bash"), texts.get(0));
        assertTrue(texts.get(texts.size() - 1).startsWith("✅ Claude Code task complete!\n\nTask: Run echo hi with Bash\n"
                + "Project: "), texts.get(texts.size() - 1));
        assertTrue(r.stderr().contains("\n   Task: Run echo hi with Bash\n   Project: "), r.stderr());
        JsonNode entry = runTask.registryEntry();
        assertEquals("Run echo hi with Bash", entry.path("task_summary").asText());
    }

    @Test
    void aPromptPipedToTaskFileDashReachesClaudeByteExactAndIsSummarised() throws Exception {
        Path piped = sandbox.resolve("piped.txt");
        Files.writeString(piped, "Résumé the build 🚀 «Привет»\n", StandardCharsets.UTF_8);
        Path stdin = sandbox.resolve("stdin.bin");
        fake("basic.jsonl").env("FAKE_CLAUDE_STDIN_FILE", stdin.toString());
        var r = runTask.stdin(piped).run(Duration.ofSeconds(30), runTask.args("--task-file", "-", "-s", KEY));
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(List.of(Files.readString(piped, StandardCharsets.UTF_8)), RunTaskProcess.messagesOnStdin(stdin));
        List<String> texts = gateway.messageTexts();
        assertTrue(texts.get(0).endsWith("\nPrompt: Résumé the build 🚀 «Привет»"), texts.get(0));
        assertTrue(texts.get(texts.size() - 1).startsWith("✅ Claude Code task complete!\n\nTask: Résumé the build 🚀"
                + " «Привет»\nProject: "), texts.get(texts.size() - 1));
        assertTrue(r.stderr().contains("\n   Task: Résumé the build 🚀 «Привет»\n"), r.stderr());
        assertEquals("Résumé the build 🚀 «Привет»", runTask.registryEntry().path("task_summary").asText());
    }

    @Test
    void noSessionMeansNoRequestsButTheOutputFileIsWritten() throws Exception {
        fake("basic.jsonl");
        var r = runTask.run(Duration.ofSeconds(30), args());
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(List.of(), gateway.calls());
        assertEquals("Done: the command printed hi.", Files.readString(output));
        assertTrue(r.stderr().contains("⚠ No delivery configured: results stay in " + output), r.stderr());
    }

    @Test
    void apiErrorIsAFailedRunWithTheErrorText() throws Exception {
        fake("error-401-maxretries1.jsonl").env("FAKE_CLAUDE_EXIT", "1");
        var r = runTask.run(Duration.ofSeconds(30), args("-s", KEY));
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals("❌ Claude Code error (exit 1)\n\nTask: Run echo hi with Bash\nProject: " + project
                + "\n\nInvalid API key · Fix external API key", lastMessage());
        assertTrue(r.stderr().contains("❌ FAILED Done (exit 1, "), r.stderr());
    }

    @Test
    void timeoutKillsTheTreeIncludingAGrandchildThatIgnoresSigterm() throws Exception {
        Path grandchild = sandbox.resolve("grandchild.pid");
        fake("basic.jsonl").env("FAKE_CLAUDE_IGNORE_TERM", "1").env("FAKE_CLAUDE_GRANDCHILD", "1")
                .env("FAKE_CLAUDE_GRANDCHILD_PID_FILE", grandchild.toString())
                .env("FAKE_CLAUDE_SLEEP_AFTER", "300");
        // the transcript's result arrives, but the child never exits: a timeout
        var r = runTask.run(Duration.ofSeconds(60), args("-s", KEY, "--timeout", "2"));
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("⏰ Timeout (2s) reached, killing process..."), r.stderr());
        assertTrue(lastMessage().startsWith("⏰ Claude Code timed out after "), lastMessage());
        assertTrue(lastMessage().contains("(limit: 2s)\n\nTask: Run echo hi with Bash\nProject: " + project
                + "\nTool calls: 1\n\nPartial result ("), lastMessage());
        long pid = Long.parseLong(Files.readString(grandchild).strip());
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "grandchild survived");
        assertTrue(r.stderr().contains("⏰ TIMEOUT Done (exit 137"), r.stderr());
        runTask.assertNoPidFiles();
    }

    @Test
    void aSuccessfulResultIsReportedAsCompletedSoonWhenClaudeLingersAfterIt() throws Exception {
        fake("basic.jsonl").env("FAKE_CLAUDE_SLEEP_AFTER", "300");
        // without the grace period this waited for the 60 s timeout and reported ⏰
        var r = runTask.run(Duration.ofSeconds(45), args("-s", KEY, "--timeout", "60"));
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(List.of("⏹ Claude printed its final result but had not exited 5s later; stopping it"),
                r.stderr().lines().filter(l -> l.startsWith("⏹")).toList(), r.stderr());
        assertTrue(r.stderr().contains("✅ COMPLETED Done (exit 0, 29 chars, 0min)"), r.stderr());
        assertTrue(lastMessage().startsWith("✅ Claude Code task complete!\n\nTask: Run echo hi with Bash\nProject: "
                + project + "\nResult (29 chars):\n\nDone: the command printed hi.\n"), lastMessage());
        assertEquals("Done: the command printed hi.", Files.readString(output));
        JsonNode entry = runTask.registryEntry();
        assertEquals("completed", entry.path("status").asText());
        runTask.assertNoPidFiles();
    }

    @Test
    void aGatewayThatTakes20sPerAnswerDelaysNeitherTheTimeoutNorItsMessage() throws Exception {
        // every call outlives the client's 15 s call timeout
        gateway.script(c -> new mockwebserver3.MockResponse.Builder().headersDelay(20, TimeUnit.SECONDS).body("{}").build());
        fake("basic.jsonl").env("FAKE_CLAUDE_SLEEP_AFTER", "300");
        var r = runTask.run(Duration.ofSeconds(120), args("-s", KEY, "--timeout", "3", "--heartbeat-interval", "5",
                "--delivery-deadline", "1"));
        assertEquals(1, r.exitCode(), r.toString());
        String timedOut = gateway.messageTexts().stream().filter(t -> t.startsWith("⏰")).findFirst().orElseThrow();
        assertTrue(timedOut.matches("(?s)⏰ Claude Code timed out after [3-9]s \\(limit: 3s\\).*"),
                "the timeout fired on time and the message says so, whatever the gateway's latency: " + timedOut);
    }

    @Test
    void unknownResumeIdSendsTheResumeFailureAndWritesNoRegistryEntry() throws Exception {
        fake("bad-resume-unknown-uuid.jsonl").env("FAKE_CLAUDE_EXIT", "1")
                .env("FAKE_CLAUDE_STDERR", "No conversation found with session ID: 11111111-2222-4333-8444-555555555555");
        var r = runTask.run(Duration.ofSeconds(30), args("-s", KEY, "--resume", "11111111-2222-4333-8444-555555555555"));
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals("❌ Claude Code resume failed\n\nSession ID `11111111-2222-4333-8444-555555555555` not found or"
                + " expired.\n\n**Suggestion:** Start a fresh session without --resume flag.", lastMessage());
        assertTrue(r.stderr().contains("❌ Resume failed: session 11111111-2222-4333-8444-555555555555 not found"));
        assertTrue(r.stderr().contains("📨 Resume failure notified"), r.stderr());
        assertFalse(Files.exists(runTask.stateDir().resolve("claude_sessions.json"))
                && Files.readString(runTask.stateDir().resolve("claude_sessions.json")).contains("11111111"));
    }

    @Test
    void nonUuidResumeIsAlsoAResumeFailure() throws Exception {
        fake("bad-resume-non-uuid.jsonl").env("FAKE_CLAUDE_EXIT", "1");
        var r = runTask.run(Duration.ofSeconds(30), args("-s", KEY, "--resume", "not-a-session"));
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(lastMessage().startsWith("❌ Claude Code resume failed\n\nSession ID `not-a-session`"), lastMessage());
    }

    @Test
    void gatewayAnswering500ThroughoutStillCompletesTheRunAndKeepsTheOutput() throws Exception {
        gateway.script(c -> FakeGateway.json(500,
                "{\"ok\":false,\"error\":{\"type\":\"tool_error\",\"message\":\"tool execution failed\"}}"));
        fake("basic.jsonl");
        var r = runTask.run(Duration.ofSeconds(60), args("-s", KEY, "--delivery-deadline", "3"));
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("Done: the command printed hi.", Files.readString(output));
        assertTrue(r.stderr().contains("📮 Delivery pending: 2 item(s) left in "), r.stderr());
        try (Stream<Path> items = Files.list(runTask.stateDir().resolve("claude-code-task/outbox"))) {
            assertEquals(2, items.filter(p -> p.toString().endsWith(".json")).count());
        }
        assertTokenInNoFileButTheConfig();
    }

    /** SPEC §7.1, acceptance 24: outbox, PID files, registry, output and logs never hold the gateway token. */
    private void assertTokenInNoFileButTheConfig() throws Exception {
        Path config = runTask.stateDir().resolve("openclaw.json");
        try (Stream<Path> files = Files.walk(sandbox)) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.equals(config)).toList()) {
                String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                assertFalse(text.contains(FakeGateway.TOKEN), "the token leaked into " + f);
            }
        }
    }

    @Test
    void hundredMegabytesOfOutputGarbageAndInvalidUtf8AreSurvived() throws Exception {
        fake("basic.jsonl").env("FAKE_CLAUDE_BULK_MB", "100").env("FAKE_CLAUDE_GARBAGE", "1")
                .env("FAKE_CLAUDE_LONG_LINE_MB", "20");
        var r = runTask.jvmArg("-Xmx64m").run(Duration.ofSeconds(120), args());
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("Done: the command printed hi.", Files.readString(output));
    }

    @Test
    void missingClaudeIsRefusedBeforeAnythingStartsWithTheFix() throws Exception {
        Path missing = sandbox.resolve("no-such-claude");
        var r = runTask.run(Duration.ofSeconds(30), runTask.args("-t", "x", "-s", KEY, "--claude-bin",
                missing.toString()));
        String line = "Claude executable not found: " + missing + ". Put the directory holding `claude` on PATH, or"
                + " pass its full path with --claude-bin (or set CLAUDE_BIN). Under cron or nohup the shell often lacks"
                + " the NVM bin directory (e.g. ~/.nvm/versions/node/<version>/bin) on PATH even though `claude` works"
                + " in your terminal; an absolute --claude-bin path avoids that.";
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals(line + "\n", r.stderr(), "one line, no banner, no stack trace");
        assertEquals(List.of("❌ Claude Code not started: " + line), gateway.messageTexts(), "no 🚀, no 💥");
        assertFalse(Files.exists(output), "nothing started");
        runTask.assertNoPidFiles();
    }

    @Test
    void aCrashIsOneLogLineUnlessTheStackTraceIsAskedFor() throws Exception {
        Path notADir = sandbox.resolve("file");
        Files.writeString(notADir, "x");
        String[] args = {"-t", "x", "-p", project.toString(), "-o", notADir.resolve("out.txt").toString(),
                "--claude-bin", RunTaskProcess.FAKE_CLAUDE.toString(), "--pid-dir", runTask.pidDir().toString()};
        var r = runTask.run(Duration.ofSeconds(30), args);
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals(List.of("💥 Crash: " + notADir + " (set RUN_TASK_STACKTRACE=1 for details)"),
                r.stderr().lines().toList());
        var traced = runTask.env("RUN_TASK_STACKTRACE", "1").run(Duration.ofSeconds(30), args);
        assertEquals("💥 Crash: " + notADir, traced.stderr().lines().findFirst().orElse(""));
        assertTrue(traced.stderr().contains("\tat dev.cctask.task.TaskRun"), traced.stderr());
    }

    @Test
    void unwritableOutputDirectoryTakesTheCrashPath() throws Exception {
        Path notADir = sandbox.resolve("file");
        Files.writeString(notADir, "x");
        var r = runTask.run(Duration.ofSeconds(30), runTask.args("-t", "x", "-o", notADir.resolve("out.txt").toString(),
                "-s", KEY));
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(lastMessage().startsWith("💥 Claude Code script crashed!\n\n**Task:** x\n**Error:** "), lastMessage());
        runTask.assertNoPidFiles();
    }

    @Test
    void projectPathThatIsAFileIsAUsageErrorAndNothingStarts() throws Exception {
        Files.writeString(project, "not a dir");
        var r = runTask.run(Duration.ofSeconds(30), args("-s", KEY));
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals("--project " + project + " is not a directory: name a folder (it is created if missing)\n"
                + ROOT_USAGE, r.stderr());
        assertEquals(List.of("❌ Claude Code not started: --project " + project
                + " is not a directory: name a folder (it is created if missing)"), gateway.messageTexts());
        assertFalse(Files.exists(output));
        runTask.assertNoPidFiles();
    }

    @Test
    void hooksWakeUsesTheHooksTokenAndTheRunIdAsIdempotencyKey() throws Exception {
        Files.writeString(runTask.stateDir().resolve("openclaw.json"), "{gateway: {port: " + gateway.port()
                + ", auth: {token: '" + FakeGateway.TOKEN + "'}}, hooks: {enabled: true, token: 'hooks-secret-77'}}");
        fake("basic.jsonl");
        var r = runTask.run(Duration.ofSeconds(30), args("-s", KEY, "--wake", "hooks"));
        assertEquals(0, r.exitCode(), r.toString());
        FakeGateway.Call wake = gateway.calls().get(gateway.calls().size() - 1);
        assertEquals("/hooks/agent", wake.path());
        assertEquals("Bearer hooks-secret-77", wake.authorization());
        String runId = r.stderr().lines().filter(l -> l.startsWith("   Run: ")).findFirst().orElseThrow().substring(8);
        assertEquals(runId, wake.idempotencyKey());
        assertEquals("claude-code-task", wake.body().path("name").asText());
        assertEquals("whatsapp", wake.body().path("channel").asText());
        assertEquals(GROUP, wake.body().path("to").asText());
        assertTrue(wake.body().path("message").asText().startsWith("[CLAUDE_CODE_RESULT]\n✅ Claude Code task complete!"));
        assertTrue(gateway.calls().stream().noneMatch(c -> "sessions_send".equals(c.tool())));
        assertTrue(r.stderr().contains("✓ Agent woken via hooks"), r.stderr());
    }

    @Test
    void wakeNoneSendsTheResultButNoWake() throws Exception {
        fake("basic.jsonl");
        var r = runTask.run(Duration.ofSeconds(30), args("-s", KEY, "--wake", "none"));
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(lastMessage().startsWith("✅ Claude Code task complete!"));
        assertTrue(gateway.calls().stream().noneMatch(c -> "sessions_send".equals(c.tool()) || c.path().startsWith("/hooks")));
    }

    @Test
    void hooksWakeWithoutHooksConfigIsAUsageError() throws Exception {
        var r = runTask.run(Duration.ofSeconds(30), args("-s", KEY, "--wake", "hooks"));
        assertEquals(2, r.exitCode(), r.toString());
        String line = "--wake hooks: hooks are disabled: set hooks.enabled to true and a hooks.token (different from the"
                + " gateway token) in " + runTask.stateDir().resolve("openclaw.json");
        assertEquals(line + "\n", r.stderr());
        assertFalse(Files.exists(project));
        // nothing started; the chat and the agent hear why (issue 12, item 9), the wake by sessions_send
        assertEquals(List.of("❌ Claude Code not started: " + line), gateway.messageTexts());
        assertEquals(List.of("message", "sessions_send"), gateway.calls().stream().map(FakeGateway.Call::tool).toList());
    }

    @Test
    void unroutableKeyWarnsAndStillWakes() throws Exception {
        fake("basic.jsonl");
        var r = runTask.run(Duration.ofSeconds(30), args("-s", "agent:main:main"));
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(List.of(), gateway.messageTexts());
        FakeGateway.Call wake = gateway.calls().get(0);
        assertEquals("sessions_send", wake.tool());
        assertTrue(wake.text().endsWith("send your response to the user with the message tool (action=send) on this"
                + " session's channel. Then reply NO_REPLY to avoid duplicate. Do NOT rely on announce step."));
    }

    @Test
    void badInputIsOneLineExitTwoAndNothingStarted() throws Exception {
        Path missing = sandbox.resolve("missing.txt");
        Map<List<String>, String> bad = new LinkedHashMap<>();
        bad.put(List.of("-t", ""), "The task is empty: pass the prompt with -t TEXT or --task-file FILE");
        bad.put(List.of("-t", "x", "--timeout", "0"), "--timeout must be at least 1 second (was 0)");
        bad.put(List.of("-t", "x", "--heartbeat-interval", "1"), "--heartbeat-interval must be at least 5 seconds (was 1)");
        bad.put(List.of("-t", "x", "--notify-channel", "telegram"), "--notify-channel needs --notify-target");
        bad.put(List.of("--task-file", missing.toString()), "Cannot read the task file " + missing + ": no such file");
        bad.put(List.of("-t", "x", "--wake", "foo"), "Invalid value for option '--wake': expected one of sessions_send, hooks,"
                + " none but was 'foo'");
        bad.put(List.of("-t", "x", "--attach", "sometimes"), "Invalid value for option '--attach': expected one of"
                + " auto, always, never but was 'sometimes'");
        bad.put(List.of("-t", "x", "--on-limit", "pause"), "Invalid value for option '--on-limit': expected one of wait,"
                + " stop but was 'pause'");
        bad.put(List.of("-t", "x", "--max-pause", "12 hours"), "Invalid value for option '--max-pause': expected a"
                + " duration such as 90m, 12h, 1h30m or 2d (a bare number is seconds) but was '12 hours'");
        bad.put(List.of("-t", "x", "--validate-only"), "Unknown option: '--validate-only'");
        for (var input : bad.entrySet()) {
            List<String> a = new java.util.ArrayList<>(List.of("-s", KEY)); // read before the bad option
            a.addAll(input.getKey());
            var r = runTask.run(Duration.ofSeconds(30), runTask.args(a.toArray(String[]::new)));
            assertEquals(2, r.exitCode(), r.toString());
            assertEquals(input.getValue() + "\n" + ROOT_USAGE, r.stderr(), "one line, then where to read more");
            assertFalse(Files.exists(project), "nothing created for " + a);
            assertFalse(Files.exists(output));
            // nothing started, but the chat hears why (issue 12, item 9)
            assertEquals("❌ Claude Code not started: " + input.getValue(),
                    gateway.messageTexts().get(gateway.messageTexts().size() - 1));
        }
        assertEquals(bad.size(), gateway.messageTexts().size(), gateway.messageTexts().toString());
    }

    @Test
    void dryRunPrintsThePlanAndTouchesNothing() throws Exception {
        var r = runTask.run(Duration.ofSeconds(30), "-t", "x".repeat(1234), "-p", project.toString(),
                "-s", "agent:main:telegram:group:-1001234567890:topic:42", "--dry-run", "--claude-bin",
                RunTaskProcess.FAKE_CLAUDE.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("run-task dry run\n"
                + "  session:  agent:main:telegram:group:-1001234567890:topic:42\n"
                + "  route:    channel=telegram target=-1001234567890 threadId=42\n"
                + "  wake:     sessions_send sessionKey=agent:main:telegram:group:-1001234567890:topic:42 (fallback agent:main:telegram:group:-1001234567890)\n"
                + "  gateway:  " + gateway.url() + " (config " + runTask.stateDir().resolve("openclaw.json")
                + "; token from gateway.auth.token)\n"
                + "  claude:   " + RunTaskProcess.FAKE_CLAUDE + " -p --dangerously-skip-permissions --verbose --input-format stream-json --output-format stream-json --include-partial-messages\n"
                + "  env:      CLAUDE_CODE_PRINT_BG_WAIT_CEILING_MS=0 (background tasks are waited for, up to --timeout)\n"
                + "  prompt:   1234 chars on stdin, the first stream-json user message (stdin stays open for steer)\n"
                + "  cwd:      " + project + "\n", r.stdout().substring(0, r.stdout().indexOf("  output:")));
        assertTrue(r.stdout().endsWith("\n  attach:   auto (the full output as a document when longer than 2000 chars,"
                + " at most 1.5 MB)\n  timeout:  7200s\n  on limit: wait for the reset (at most 12h), then resume the"
                + " session\n"), r.stdout());
        assertFalse(Files.exists(project));
        assertEquals(List.of(), gateway.calls());
        assertFalse(r.stdout().contains(FakeGateway.TOKEN));
    }

    private String lastMessage() {
        List<String> texts = gateway.messageTexts();
        return texts.isEmpty() ? "(no message)" : texts.get(texts.size() - 1);
    }
}
