package dev.cctask.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cctask.delivery.Messages;
import dev.cctask.support.FakeGateway;
import dev.cctask.support.RunTaskProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run at its plan's usage limit (issue 15), with {@code examples/fake-claude} replaying the real CLI's recorded
 * limit and resume: the pause in the chat, the registry and {@code tasks}; the resume of the same session; cancel,
 * SIGKILL, {@code --on-limit stop} and {@code --max-pause} during or instead of the pause.
 */
class UsageLimitProcessTest {
    static final String KEY = "agent:main:telegram:group:-1001234567890";
    /** The session of {@code usage-limit-after-work*.jsonl}. */
    static final String SID = "acf03ffa-28d7-4b51-9b96-90cafd03001c";
    /** The session of {@code usage-limit-five-hour.jsonl} and {@code usage-limit-resumed.jsonl}. */
    static final String SID_5H = "78fa22a3-ef34-46fe-b46e-36fe36db94c1";
    static final String TASK = "Run echo hi with Bash";
    static final String DONE = "Done: the command printed hi.";
    static final Duration RUN = Duration.ofSeconds(90);
    static final ObjectMapper JSON = new ObjectMapper();
    static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm");
    static final DateTimeFormatter DAY_AND_CLOCK = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
    static final Pattern HEARTBEAT = Pattern.compile("📡 [🟢🟡🔴] CC .*");

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

    private String[] args(String... extra) {
        List<String> a = new ArrayList<>(List.of("-t", TASK, "-s", KEY, "--session-label", "limits"));
        a.addAll(List.of(extra));
        return runTask.args(a.toArray(String[]::new));
    }

    /** A copy of a recorded limit whose reset is {@code resetsAt} (Unix seconds), of kind {@code type}. */
    private Path limit(String fixture, long resetsAt, String type) throws Exception {
        String text = Files.readString(RunTaskProcess.FIXTURES.resolve(fixture), StandardCharsets.UTF_8);
        Path copy = sandbox.resolve(resetsAt + "-" + type + "-" + fixture);
        Files.writeString(copy, text.replaceAll("\"resetsAt\":\\d+", "\"resetsAt\":" + resetsAt)
                .replace("\"five_hour\"", "\"" + type + "\""), StandardCharsets.UTF_8);
        return copy;
    }

    private static String fixture(String name) {
        return RunTaskProcess.FIXTURES.resolve(name).toString();
    }

    /** fake-claude's runs, one per line: {@code "<exit status> <transcript>"}. */
    private void claudeRuns(Object... runs) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < runs.length; i += 2) {
            lines.add(runs[i] + " " + runs[i + 1]);
        }
        runTask.env("FAKE_CLAUDE_TRANSCRIPTS", Files.write(sandbox.resolve("runs.txt"), lines).toString());
    }

    /** {@code 14:05 (in 1h)} as the messages write it; {@code in} is given, the clock part is computed here. */
    private static String at(long epochSeconds, String in) {
        LocalDateTime t = LocalDateTime.ofInstant(Instant.ofEpochSecond(epochSeconds), ZoneId.systemDefault());
        return (t.toLocalDate().equals(LocalDate.now()) ? CLOCK : DAY_AND_CLOCK).format(t) + " (in " + in + ")";
    }

    private String pauseMessage(long resumeAt, String in, long calls, String tokens) {
        return "⏸ Claude Code paused: usage limit (5-hour) · resumes at " + at(resumeAt, in) + "\n\nLabel: limits\nTask: "
                + TASK + "\nProject: " + project + "\nSo far: " + calls + (calls == 1 ? " tool call" : " tool calls")
                + " · " + tokens + " tok\nCancel: run-task cancel \"limits\" --pid-dir " + runTask.pidDir();
    }

    private long wakes() {
        return gateway.calls().stream().filter(c -> "sessions_send".equals(c.tool())).count();
    }

    private Process startPaused(long resetsAt) throws Exception {
        claudeRuns(1, limit("usage-limit-after-work.jsonl", resetsAt, "five_hour"));
        Process runner = runTask.start(args());
        RunTaskProcess.await("the registry to say paused", () -> "paused".equals(runTask.registryEntry().path("status").asText()));
        gateway.await(c -> c.text() != null && c.text().startsWith("⏸ "), Duration.ofSeconds(30));
        Path outbox = runTask.stateDir().resolve("claude-code-task/outbox");
        RunTaskProcess.await("the pause message out of the outbox (the gateway took it)", () -> {
            try (var items = Files.list(outbox)) {
                return items.noneMatch(f -> f.getFileName().toString().endsWith(".json"));
            }
        });
        return runner;
    }

    @Test
    void aRunAtTheLimitPausesTellsTheChatOnceAndResumesTheSameSessionToOneResultAndOneWake() throws Exception {
        long reset = Instant.now().getEpochSecond() - Pause.MARGIN.toSeconds() + 1; // resumes a second from now
        claudeRuns(1, limit("usage-limit-after-work.jsonl", reset, "five_hour"),
                0, fixture("usage-limit-after-work-resumed.jsonl"));
        Path argv = sandbox.resolve("argv.txt");
        Path stdin = sandbox.resolve("stdin.txt");
        runTask.env("FAKE_CLAUDE_ARGV_FILE", argv.toString()).env("FAKE_CLAUDE_STDIN_FILE", stdin.toString());

        RunTaskProcess.Result r = runTask.run(RUN, args());

        assertEquals(0, r.exitCode(), r.toString());
        List<String> texts = gateway.messageTexts();
        assertEquals(4, texts.size(), texts.toString());
        assertTrue(texts.get(0).startsWith("📡 🚀 *Claude Code started*\n"), texts.get(0));
        assertEquals(pauseMessage(reset + Pause.MARGIN.toSeconds(), "0s", 1, "42"), texts.get(1));
        assertEquals("📡 ▶️ Claude Code resumed after the usage limit", texts.get(2));
        assertEquals("✅ Claude Code task complete!\n\nLabel: limits\nTask: " + TASK + "\nProject: " + project
                + "\nResult (29 chars):\n\n" + DONE + "\n\nCost: $0.05 · 3 turns · 84 tok\nFull output: " + output, texts.get(3));
        assertEquals(1, wakes(), "the agent is woken once, for the result, not for the pause");
        assertTrue(gateway.calls().get(gateway.calls().size() - 1).body().path("args").path("message").asText()
                .startsWith("[CLAUDE_CODE_RESULT]\n✅ "));

        assertEquals(List.of("-p", "--dangerously-skip-permissions", "--verbose", "--input-format", "stream-json",
                "--output-format", "stream-json", "--include-partial-messages", "--resume", SID),
                Files.readAllLines(argv), "the same session resumed");
        assertEquals(List.of("The usage limit has reset. Continue the task from where you stopped."),
                RunTaskProcess.messagesOnStdin(stdin));
        assertTrue(Pattern.matches("I'll run the command.\nYou've hit your limit · resets 12:34pm \\(UTC\\)\n"
                + "\n--- ▶️ resumed after the usage limit \\(5-hour\\) at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d ---\n"
                + Pattern.quote(DONE), Files.readString(output)), Files.readString(output));
        JsonNode entry = runTask.registryEntry();
        assertEquals("completed", entry.path("status").asText());
        assertEquals(SID, entry.path("session_id").asText());
        assertEquals(3, entry.path("num_turns").asInt(), "2 turns before the limit, 1 after");
        assertEquals(594 + 731, entry.path("duration_ms").asLong());
        assertEquals(84, entry.path("output_tokens").asLong());
        assertEquals(0.051684, entry.path("cost_estimate").asDouble(), 1e-9, "the last cost: the session's so far");
        String resumeAt = LocalDateTime.ofInstant(Instant.ofEpochSecond(reset + Pause.MARGIN.toSeconds()),
                ZoneId.systemDefault()).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"));
        assertTrue(r.stderr().contains("\n⏸ PAUSED usage limit (5-hour): resuming at " + resumeAt
                + " (pause 1 of at most 10)\n▶️ Resuming session " + SID + " after the usage limit\n"), r.stderr());
        assertTrue(r.stderr().contains("✅ COMPLETED Done (exit 0, 29 chars, 0min)"), r.stderr());
        runTask.assertNoPidFiles();
    }

    @Test
    void aMessageSteeredDuringThePauseIsHeldAndReachesTheResumedClaudeRightAfterTheResumePrompt() throws Exception {
        long reset = Instant.now().getEpochSecond() - Pause.MARGIN.toSeconds() + 15; // resumes 15 s from now
        Path stdin = sandbox.resolve("stdin.txt");
        runTask.env("FAKE_CLAUDE_STDIN_FILE", stdin.toString());
        claudeRuns(1, limit("usage-limit-after-work.jsonl", reset, "five_hour"),
                0, fixture("usage-limit-after-work-resumed.jsonl"));
        Process runner = runTask.start(args());
        RunTaskProcess.await("the registry to say paused", () -> "paused".equals(runTask.registryEntry().path("status").asText()));

        RunTaskProcess.Result steer = runTask.run(RUN, "steer", "limits", "-m", "Use the new API",
                "--pid-dir", runTask.pidDir().toString());

        assertEquals(new RunTaskProcess.Result(0, "Held for Claude Code: runner " + runner.pid() + " is paused at its"
                + " usage limit; the message goes in when it resumes (run-task tasks says when)\n", ""), steer);
        assertFalse(Files.readString(output).contains("Use the new API"), "not sent yet");
        RunTaskProcess.Result r = runTask.finish(runner, RUN);
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(List.of(Messages.CONTINUE_PROMPT, "Use the new API"), RunTaskProcess.messagesOnStdin(stdin),
                "the resumed Claude's input");
        List<String> texts = gateway.messageTexts();
        int resumed = texts.indexOf("📡 ▶️ Claude Code resumed after the usage limit");
        int sent = texts.indexOf("📡 ↪️ Sent to Claude Code: Use the new API");
        assertTrue(resumed >= 0 && sent > resumed, texts.toString());
        assertTrue(r.stderr().contains("↪️ Steered message 1 written to Claude's stdin (15 chars)"), r.stderr());
    }

    @Test
    void aResetThatFindsTheOnlySlotTakenWaitsInLineAndACancelThenEndsTheRunWithoutStartingClaude() throws Exception {
        long reset = Instant.now().getEpochSecond() - Pause.MARGIN.toSeconds() + 8; // resumes 8 s from now
        Path log = sandbox.resolve("claude.log");
        Path go = sandbox.resolve("go");
        runTask.env("FAKE_CLAUDE_LOG", log.toString());
        claudeRuns(1, limit("usage-limit-after-work.jsonl", reset, "five_hour"),
                0, fixture("usage-limit-after-work-resumed.jsonl"));
        Process limited = runTask.start(args("--max-parallel", "1"));
        RunTaskProcess.await("the registry to say paused", () -> "paused".equals(runTask.registryEntry().path("status").asText()));
        runTask.env("FAKE_CLAUDE_TRANSCRIPTS", null).env("FAKE_CLAUDE_TRANSCRIPT", fixture("basic.jsonl"))
                .env("FAKE_CLAUDE_RUN", "while [ ! -e " + go + " ]; do sleep 0.02; done");
        Process other = runTask.start(runTask.args("-t", "Hold the slot", "-s", KEY, "--max-parallel", "1",
                "-o", sandbox.resolve("other.txt").toString(), "-p", sandbox.resolve("other").toString()));

        RunTaskProcess.await("the reset to find the slot taken", () -> runTask.stderrSoFar(limited)
                .contains("⏳ Queued: 0 ahead; at most 1 Claude process(es) run at once (--max-parallel)"));
        RunTaskProcess.Result cancel = runTask.run(RUN, "cancel", String.valueOf(limited.pid()),
                "--pid-dir", runTask.pidDir().toString());
        RunTaskProcess.Result r = runTask.finish(limited, RUN);

        assertEquals(0, cancel.exitCode(), cancel.toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals(List.of("start " + TASK, "start Hold the slot"), Files.readAllLines(log).stream()
                .filter(l -> l.startsWith("start ")).map(l -> l.replaceFirst(" \\S+ ", " ")).toList(), "the resumed Claude never started");
        List<String> finals = gateway.messageTexts().stream().filter(t -> t.contains("\nTask: " + TASK + "\n")
                && !t.startsWith("⏸ ")).toList();
        assertEquals(1, finals.size(), finals.toString());
        assertTrue(finals.get(0).startsWith("🛑 Claude Code task cancelled"), finals.get(0));
        assertEquals("cancelled", runTask.registryEntry().path("status").asText());
        Files.createFile(go);
        assertEquals(0, runTask.finish(other, RUN).exitCode());
    }

    @Test
    void aPausedRunShowsInTasksAndCancelEndsItAtOnceWithTheCancelledMessage() throws Exception {
        long reset = Instant.now().getEpochSecond() + 3600;
        Process runner = startPaused(reset);
        assertEquals(List.of(pauseMessage(reset + Pause.MARGIN.toSeconds(), "1h", 1, "42")),
                gateway.messageTexts().stream().filter(t -> t.startsWith("⏸ ")).toList());
        assertEquals(0, wakes(), "the agent is not woken for a pause");

        String until = LocalDateTime.ofInstant(Instant.ofEpochSecond(reset + Pause.MARGIN.toSeconds()),
                ZoneId.systemDefault()).toString();
        String pidDir = runTask.pidDir().toString();
        JsonNode task = JSON.readTree(runTask.run(RUN, "tasks", "--json", "--pid-dir", pidDir).stdout()).get(0);
        assertEquals("paused", task.path("status").asText());
        assertEquals(until, task.path("paused_until").asText());
        assertTrue(task.path("alive").asBoolean());
        assertTrue(task.path("claude_pid").isNull(), "no Claude runs while paused");
        String row = runTask.run(RUN, "tasks", "--pid-dir", pidDir).stdout().lines().toList().get(1);
        assertTrue(row.matches(runner.pid() + " +yes +paused until " + until.replace('T', ' ') + " +.*"), row);

        assertEquals(0, runTask.run(RUN, "steer", "limits", "-m", "Never mind", "--pid-dir", pidDir).exitCode());
        RunTaskProcess.Result cancel = runTask.run(RUN, "cancel", "limits", "--pid-dir", pidDir);
        assertEquals(0, cancel.exitCode(), cancel.toString());
        RunTaskProcess.Result r = runTask.finish(runner, RUN);
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("↪️ 1 message held during the pause never reached Claude: the run ended before it"
                + " resumed"), r.stderr());
        String last = gateway.messageTexts().get(gateway.messageTexts().size() - 1);
        assertTrue(Pattern.matches("🛑 Claude Code task cancelled after \\ds\n\nLabel: limits\nTask: " + TASK
                + "\nProject: " + Pattern.quote(project.toString()) + "\nTool calls: 1\n\nPartial result \\(44 chars\\):"
                + "\n\nYou've hit your limit · resets 12:34pm \\(UTC\\)\n\nFull output: " + Pattern.quote(output.toString()),
                last), last);
        assertEquals("cancelled", runTask.registryEntry().path("status").asText());
        assertEquals(1, wakes());
        runTask.assertNoPidFiles();
    }

    @Test
    void aRunnerKilledWhilePausedIsReportedLostOnceWithTheResumeLine() throws Exception {
        Process runner = startPaused(Instant.now().getEpochSecond() + 3600);
        runner.toHandle().destroyForcibly();
        assertTrue(runner.waitFor(10, TimeUnit.SECONDS));
        int before = gateway.calls().size();

        RunTaskProcess.Result tasks = runTask.run(RUN, "tasks", "--pid-dir", runTask.pidDir().toString());

        assertEquals(0, tasks.exitCode(), tasks.toString());
        assertEquals("lost", runTask.registryEntry().path("status").asText(), tasks.toString());
        List<FakeGateway.Call> after = gateway.calls().subList(before, gateway.calls().size());
        assertEquals(2, after.size(), "lost notice and wake: " + after);
        assertEquals("⚠️ Claude Code task lost\n\nTask: " + TASK + "\nProject: " + project + "\nThe runner (PID "
                + runner.pid() + ") stopped without reporting a result.\nPartial output: " + output
                + "\nResume with: --resume " + SID, after.get(0).text());
        runTask.run(RUN, "tasks", "--pid-dir", runTask.pidDir().toString());
        assertEquals(before + 2, gateway.calls().size(), "reported once");
        runTask.assertNoPidFiles();
    }

    @Test
    void onLimitStopEndsAtOnceWithTheResetTimeAndTheCommandThatResumesLater() throws Exception {
        long reset = Instant.now().getEpochSecond() + 7200;
        claudeRuns(1, limit("usage-limit-five-hour.jsonl", reset, "five_hour"));

        RunTaskProcess.Result r = runTask.run(RUN, args("--on-limit", "stop"));

        assertEquals(4, r.exitCode(), r.toString());
        List<String> texts = gateway.messageTexts();
        assertEquals(2, texts.size(), "launch and the final message, no pause: " + texts);
        assertEquals("⛔ Claude Code stopped: usage limit (5-hour) · resets at " + at(reset, "1h59m") + "\n\nLabel: limits"
                + "\nTask: " + TASK + "\nProject: " + project + "\nSo far: 0 tool calls · 0 tok\nNot waiting: --on-limit stop"
                + "\nResume after the reset: run-task --resume " + SID_5H + " -p " + project + " -s \"" + KEY
                + "\" -t \"The usage limit has reset. Continue the task from where you stopped.\"\nFull output: " + output,
                texts.get(1));
        assertEquals(1, wakes());
        assertEquals("limited", runTask.registryEntry().path("status").asText());
        assertEquals("You've hit your limit · resets 8:15am (UTC)\n", Files.readString(output), "the streamed text stays");
        assertTrue(r.stderr().contains("\n⛔ Not waiting for the usage limit (5-hour) to reset: --on-limit stop\n"
                + "⛔ LIMITED Done (exit 1, 43 chars, 0min)\n"), r.stderr());
        runTask.assertNoPidFiles();
    }

    @Test
    void aWeeklyResetBeyondMaxPauseEndsTheRunAsStopDoes() throws Exception {
        long reset = Instant.now().getEpochSecond() + Duration.ofHours(13).toSeconds();
        claudeRuns(1, limit("usage-limit-five-hour.jsonl", reset, "seven_day"));

        RunTaskProcess.Result r = runTask.run(RUN, args());

        assertEquals(4, r.exitCode(), r.toString());
        String last = gateway.messageTexts().get(gateway.messageTexts().size() - 1);
        assertTrue(last.startsWith("⛔ Claude Code stopped: usage limit (weekly) · resets at " + at(reset, "12h59m")
                + "\n\n"), last);
        assertTrue(last.contains("\nNot waiting: the reset is more than --max-pause 12h away\nResume after the reset: "),
                last);
        assertEquals("limited", runTask.registryEntry().path("status").asText());
        assertFalse(gateway.messageTexts().stream().anyMatch(t -> t.startsWith("⏸ ")));
    }

    @Test
    void aResumedSessionThatHitsTheLimitAgainPausesAgainAndTheFiguresAddUp() throws Exception {
        Path limit = limit("usage-limit-five-hour.jsonl", Instant.now().getEpochSecond() - 60, "five_hour");
        claudeRuns(1, limit, 1, limit, 0, fixture("usage-limit-resumed.jsonl"));

        RunTaskProcess.Result r = runTask.run(RUN, args());

        assertEquals(0, r.exitCode(), r.toString());
        List<String> texts = gateway.messageTexts();
        assertEquals(2, texts.stream().filter(t -> t.startsWith("⏸ Claude Code paused: usage limit (5-hour)")).count());
        assertEquals(2, texts.stream().filter(t -> t.equals("📡 ▶️ Claude Code resumed after the usage limit")).count());
        assertEquals(1, texts.stream().filter(t -> t.startsWith("✅ ")).count(), texts.toString());
        assertTrue(texts.get(texts.size() - 1).contains("\nCost: $0.05 · 4 turns · 84 tok\n"), texts.toString());
        assertEquals(1, wakes());
        assertEquals(4, runTask.registryEntry().path("num_turns").asInt(), "1 + 1 + 2");
        assertEquals(2, Files.readString(output).split("--- ▶️ resumed after the usage limit", -1).length - 1);
    }

    @Test
    void aRunThatKeepsHittingTheLimitStopsAfterTenPauses() throws Exception {
        claudeRuns(1, limit("usage-limit-five-hour.jsonl", Instant.now().getEpochSecond() - 60, "five_hour"));

        RunTaskProcess.Result r = runTask.run(RUN, args());

        assertEquals(4, r.exitCode(), r.toString());
        List<String> texts = gateway.messageTexts();
        assertEquals(Pause.MAX_PAUSES, texts.stream().filter(t -> t.startsWith("⏸ ")).count());
        assertTrue(texts.get(texts.size() - 1).contains("\nNot waiting: the run already paused 10 times\n"),
                texts.get(texts.size() - 1));
        assertEquals("limited", runTask.registryEntry().path("status").asText());
    }

    @Test
    void timePausedIsNotWorkingTimeAndNoHeartbeatGoesOutDuringThePause() throws Exception {
        long reset = Instant.now().getEpochSecond() - Pause.MARGIN.toSeconds() + 12; // resumes 12 s from now
        claudeRuns(1, limit("usage-limit-after-work.jsonl", reset, "five_hour"),
                0, fixture("usage-limit-after-work-resumed.jsonl"));

        RunTaskProcess.Result r = runTask.run(RUN, args("--timeout", "5", "--heartbeat-interval", "5"));

        assertEquals(0, r.exitCode(), "a 5 s timeout and a longer pause: " + r);
        List<String> texts = gateway.messageTexts();
        assertTrue(texts.get(texts.size() - 1).startsWith("✅ "), texts.toString());
        assertEquals(List.of(), texts.stream().filter(t -> HEARTBEAT.matcher(t).matches()).toList());
    }
}
