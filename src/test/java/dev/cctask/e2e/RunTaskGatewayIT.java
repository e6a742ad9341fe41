package dev.cctask.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar run-task.jar} against the real OpenClaw gateway 2026.9.6 (one per class, ≈ 25 s to start) with a
 * fake Telegram Bot API and a fake model provider, and the real Claude CLI against the Java mock (SPEC §13 item 54).
 * What the group would see is read at the fake Bot API. Tests declare the {@code gateway.tools.allow} they need; the
 * order only saves hot reloads.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(SharedGateway.class)
class RunTaskGatewayIT {
    private static final String KEY = RunTaskClaudeIT.KEY;
    private static final Duration RUN_LIMIT = Duration.ofSeconds(150);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Path BASEDIR = Path.of(System.getProperty("project.basedir", ".")).toAbsolutePath();
    private static final Path FAKE_CLAUDE = BASEDIR.resolve("examples/fake-claude");
    private static final Path FIXTURES = BASEDIR.resolve("src/test/resources/fixtures/claude");

    private static FakeTelegram telegram;
    private static FakeModelProvider model;
    private static OpenClawGateway gateway;
    private static E2ePeers peers;

    @TempDir
    Path dir;

    private MockAnthropic mock;
    /** Claude logs in as a Pro/Max subscriber (its usage limits are the plan's), not with an API key. */
    private boolean subscriber;
    private final List<Proc> procs = new ArrayList<>();

    @BeforeAll
    static void gateway(GatewayStack stack) {
        peers = E2ePeers.locate();
        RunTask.jar();
        telegram = stack.telegram;
        model = stack.model;
        gateway = stack.gateway;
    }

    @BeforeEach
    void startMock() throws IOException {
        mock = new MockAnthropic();
        Files.createDirectories(dir.resolve("home"));
        Files.createDirectories(dir.resolve("tmp"));
    }

    @AfterEach
    void stopRuns() {
        procs.forEach(Proc::close);
        mock.close();
    }

    @Test
    @Order(1)
    void notifyInTheBackgroundPostsToTheTelegramGroup() {
        Proc notify = start("notify", gateway.configPath(), "notify", "--session", KEY, "-m", "hi", "--bg");
        int exit = notify.waitFor(RUN_LIMIT);

        assertEquals(0, exit, notify.stderr());
        assertEquals("{\n  \"status\": \"ok\"\n}\n", notify.stdout());
        FakeTelegram.Call sent = telegram.awaitSent("📡 hi", c -> "📡 hi".equals(c.text()), WAIT).stream()
                .filter(c -> "📡 hi".equals(c.text())).findFirst().orElseThrow();
        assertEquals(FakeTelegram.GROUP, sent.chatId());
        assertFalse(sent.params().has("disable_notification"), "notify is not a silent progress line");
    }

    @Test
    @Order(1)
    void notifyToATopicKeyPostsIntoThatForumTopic() {
        Proc notify = start("notify-topic", gateway.configPath(), "notify", "--session", KEY + ":topic:42",
                "-m", "topic hi", "--bg");
        int exit = notify.waitFor(RUN_LIMIT);

        assertEquals(0, exit, notify.stderr());
        assertEquals("{\n  \"status\": \"ok\"\n}\n", notify.stdout());
        FakeTelegram.Call sent = telegram.awaitSent("📡 topic hi", c -> "📡 topic hi".equals(c.text()), WAIT).stream()
                .filter(c -> "📡 topic hi".equals(c.text())).findFirst().orElseThrow();
        assertEquals(FakeTelegram.GROUP, sent.chatId());
        assertEquals(42, sent.params().path("message_thread_id").asInt());
    }

    @Test
    @Order(2)
    void fullRunPostsLaunchHeartbeatAndCompletionToTheGroupInOrder() throws IOException {
        gateway.allowTools(List.of());
        mock.pauseBeforeFinalReply(Duration.ofSeconds(7));
        String task = "E2E-G: run echo hi with Bash";
        Path project = dir.resolve("project");
        Path out = dir.resolve("out.txt");

        Proc run = runTask("full-run", gateway.configPath(), "-t", task, "-p", project.toString(), "-s", KEY,
                "-o", out.toString(), "--heartbeat-interval", "5", "--delivery-deadline", "3");
        int exit = run.waitFor(RUN_LIMIT);

        assertEquals(0, exit, run.stderr());
        String completion = "✅ Claude Code task complete!\n\nTask: " + task + "\nProject: " + project;
        List<FakeTelegram.Call> sent = telegram.awaitSent("the completion", c -> c.text().startsWith(completion), WAIT);
        String launch = "📡 🚀 <i>Claude Code started</i>\n<i>Project:</i> " + project + "\n<i>Timeout:</i> 120min\n"
                + "<i>PID:</i> " + run.handle().pid() + "\nPrompt: " + task;
        int first = indexOf(sent, c -> launch.equals(c.text()));
        int last = indexOf(sent, c -> c.text().startsWith(completion));
        assertTrue(first >= 0 && last > first, "launch before completion: " + sent);
        List<FakeTelegram.Call> between = sent.subList(first + 1, last);
        assertFalse(between.isEmpty(), "at least one heartbeat between launch and completion: " + sent);
        Pattern beat = Pattern.compile("📡 [🟢🟡🔴] CC \\(\\d+min\\)( \\| .*)?");
        for (FakeTelegram.Call c : between) {
            assertTrue(beat.matcher(c.text()).matches(), c.text());
            assertEquals(FakeTelegram.GROUP, c.chatId());
            assertEquals(true, c.params().path("disable_notification").asBoolean(), "heartbeats are silent");
        }
        assertEquals(true, sent.get(first).params().path("disable_notification").asBoolean(), "launch is silent");
        FakeTelegram.Call done = sent.get(last);
        RunTaskClaudeIT.assertMatches(Pattern.quote(completion + "\nResult (29 chars):\n\nDone: the command printed hi.\n\n")
                + "Cost: \\$\\d+\\.\\d\\d" + Pattern.quote(" · 2 turns · 84 tok\nFull output: " + out), done.text());
        assertFalse(done.params().path("disable_notification").asBoolean(false), "the result is not silent");
        assertEquals(MockAnthropic.FINAL_TEXT, Files.readString(out, StandardCharsets.UTF_8));
    }

    @Test
    @Order(3)
    void deniedSessionsSendIsReportedWithTheGatewayToolsAllowFix() {
        gateway.allowTools(List.of());

        Proc run = runTask("wake-denied", gateway.configPath(), "-t", "E2E-H1: run echo hi", "-p",
                dir.resolve("project").toString(), "-s", KEY, "-o", dir.resolve("out.txt").toString(),
                "--delivery-deadline", "3");
        int exit = run.waitFor(RUN_LIMIT);

        String stderr = run.stderr();
        assertEquals(0, exit, "delivery problems never change the exit code\n" + stderr);
        assertTrue(stderr.contains("⚠ sessions_send returned 404: "), stderr);
        assertTrue(stderr.contains("Tool not available: sessions_send"), stderr);
        assertTrue(stderr.contains("(add \"sessions_send\" to gateway.tools.allow)"), stderr);
        assertFalse(stderr.contains("✓ Agent notified via sessions_send"), stderr);
    }

    @Test
    @Order(4)
    void wrongTokenIsReportedAsUnauthorizedAndTheRunStillWritesItsOutput() throws IOException {
        String wrong = "wrong-token-" + System.nanoTime();
        Path config = gateway.configWithToken(dir.resolve("wrong/openclaw.json"), wrong);
        String task = "E2E-I: run echo hi with a wrong token";
        Path out = dir.resolve("out.txt");

        Proc run = runTask("wrong-token", config, "-t", task, "-p", dir.resolve("project").toString(), "-s", KEY,
                "-o", out.toString(), "--delivery-deadline", "3");
        int exit = run.waitFor(RUN_LIMIT);

        String stderr = run.stderr();
        assertEquals(0, exit, stderr);
        assertTrue(stderr.contains("⚠ message send returned 401: "), stderr);
        assertTrue(stderr.contains("Unauthorized"), stderr);
        assertFalse(stderr.contains("💥"), stderr);
        assertFalse(stderr.contains(wrong) || stderr.contains(gateway.token()), "no token in the log");
        assertEquals(MockAnthropic.FINAL_TEXT, Files.readString(out, StandardCharsets.UTF_8));
        assertTrue(telegram.sent().stream().noneMatch(c -> c.text() != null && c.text().contains("E2E-I")),
                "nothing reached the group");
    }

    @Test
    @Order(5)
    void allowedSessionsSendWakesTheAgentWithTheResult() {
        gateway.allowTools(List.of("sessions_send"));
        String task = "E2E-H2: run echo hi and wake the agent";

        Proc run = runTask("wake-allowed", gateway.configPath(), "-t", task, "-p", dir.resolve("project").toString(),
                "-s", KEY, "-o", dir.resolve("out.txt").toString(), "--delivery-deadline", "30");
        int exit = run.waitFor(RUN_LIMIT);

        String stderr = run.stderr();
        assertEquals(0, exit, stderr);
        assertTrue(stderr.contains("✓ Agent notified via sessions_send"), stderr);
        model.awaitCompletion("the agent turn woken with the result",
                b -> Json.write(b).contains("[CLAUDE_CODE_RESULT]") && Json.write(b).contains("E2E-H2"), WAIT);
    }

    /**
     * Issue 20 with the real peers. What the fake Telegram received for a 3,400-character result (recorded
     * 2026-12-03): {@code sendMessage} with the ✅ message (Markdown as HTML), then {@code sendDocument} as chunked
     * {@code multipart/form-data}: {@code chat_id}, {@code document=attach://<random id>}, {@code caption}
     * {@code 📎 Full output} with {@code parse_mode=HTML}, {@code disable_content_type_detection=true} (from
     * {@code forceDocument}), and one file part named by the random id, {@code filename} as sent,
     * {@code Content-Type: application/octet-stream} (the gateway drops {@code contentType}), the bytes of the output
     * file. Then the woken agent turn.
     */
    @Test
    @Order(6)
    void aLongResultReachesTheGroupAsItsMessageThenTheWholeOutputFileAsADocumentThenWakesTheAgent() throws IOException {
        gateway.allowTools(List.of("sessions_send"));
        String report = "# E2E-J report\n\n" + "- a finding with **bold**, `code` and é…\n".repeat(80);
        mock.finalText(report);
        Path out = dir.resolve("out.txt");

        Proc run = runTask("attach", gateway.configPath(), "-t", "E2E-J: write a long report", "-p",
                dir.resolve("project").toString(), "-s", KEY, "-o", out.toString(), "--session-label", "E2E-J report",
                "--delivery-deadline", "30");
        int exit = run.waitFor(RUN_LIMIT);

        String stderr = run.stderr();
        assertEquals(0, exit, stderr);
        assertEquals(report, Files.readString(out, StandardCharsets.UTF_8));
        List<FakeTelegram.Call> calls = telegram.awaitCalls("the document", c -> c.method().equals("sendDocument")
                && c.document() != null && "cc-e2e-j-report-result.md".equals(c.document().filename()), WAIT);
        FakeTelegram.Call document = calls.stream().filter(c -> c.method().equals("sendDocument")
                && "cc-e2e-j-report-result.md".equals(c.document().filename())).findFirst().orElseThrow();
        System.out.println("fake Telegram received: " + document);
        assertArrayEquals(Files.readAllBytes(out), document.document().bytes());
        assertEquals("📎 Full output", document.caption());
        assertEquals(FakeTelegram.GROUP, document.chatId());
        int message = indexOf(calls, c -> c.text().startsWith("✅ Claude Code task complete!\n\nLabel: E2E-J report\n"));
        assertTrue(message >= 0 && message < calls.indexOf(document), "the message, then its document: " + calls);
        assertTrue(stderr.contains("✓ Agent notified via sessions_send\n📨 Session notified"), stderr);
        model.awaitCompletion("the agent turn woken with the result and the note on the document",
                b -> Json.write(b).contains("The full output is attached to the chat as cc-e2e-j-report-result.md"), WAIT);
    }

    /**
     * The largest document run-task makes (a 1.7 MB result, cut at 1.5 MB) is accepted by the real gateway and
     * reaches the fake Telegram whole: the margin below the 2 MiB body limit holds. Claude is the fake, replaying a
     * transcript with that result; the real CLI plays no part in the size.
     */
    @Test
    @Order(6)
    void aResultOverTheLimitReachesTheGroupCutWithItsNote() throws IOException {
        String huge = "Line of a very long result, ünïcödé included.\n".repeat(34_000);
        Path transcript = dir.resolve("huge.jsonl");
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(FIXTURES.resolve("basic.jsonl"), StandardCharsets.UTF_8)) {
            JsonNode event = Json.parse(line);
            if (event.path("type").asText().equals("result")) {
                ((ObjectNode) event).put("result", huge);
            }
            lines.add(Json.write(event));
        }
        Files.write(transcript, lines, StandardCharsets.UTF_8);
        Path out = dir.resolve("huge.txt");

        Proc run = start("attach-cut", gateway.configPath(), Map.of("FAKE_CLAUDE_TRANSCRIPT", transcript.toString()),
                "-t", "E2E-K: a huge result", "-p", dir.resolve("project").toString(), "-s", KEY, "-o", out.toString(),
                "--session-label", "E2E-K huge", "--claude-bin", FAKE_CLAUDE.toString(), "--pid-dir",
                dir.resolve("pids").toString(), "--wake", "none", "--delivery-deadline", "60");
        int exit = run.waitFor(RUN_LIMIT);

        assertEquals(0, exit, run.stderr());
        assertFalse(run.stderr().contains("document send"), run.stderr());
        FakeTelegram.Call document;
        try {
            document = telegram.awaitCalls("the cut document", c -> c.method().equals("sendDocument")
                    && c.document() != null && "cc-e2e-k-huge-result.md".equals(c.document().filename()), WAIT).stream()
                    .filter(c -> c.method().equals("sendDocument") && "cc-e2e-k-huge-result.md".equals(c.document().filename()))
                    .findFirst().orElseThrow();
        } catch (AssertionError e) {
            String log = gateway.log();
            throw new AssertionError("run-task stderr:\n" + run.stderr() + "\ngateway log (end):\n"
                    + log.substring(Math.max(0, log.length() - 8000)), e);
        }
        System.out.println("fake Telegram received: " + document);
        String sent = new String(document.document().bytes(), StandardCharsets.UTF_8);
        String note = "\n\n---\n✂️ Cut at 1.5 MB of 1.7 MB, the most the gateway takes in one document. The whole"
                + " output is in " + out + " on the machine that ran the task.\n";
        assertTrue(sent.endsWith(note) && huge.startsWith(sent.substring(0, sent.length() - note.length())),
                sent.substring(Math.max(0, sent.length() - 300)));
        assertTrue(document.document().bytes().length > 1_499_000, document.toString());
    }

    @Test
    @Order(6)
    void aRunAtThePlansLimitPausesTellsTheGroupAndResumesTheSameSessionToOneResultAndOneWake() throws Exception {
        gateway.allowTools(List.of("sessions_send"));
        subscriber = true;
        Instant reset = Instant.now().plusSeconds(20);
        mock.limitUntil(reset, "five_hour");
        String task = "E2E-LIMIT: run echo hi with Bash";
        Path project = dir.resolve("project");
        Path out = dir.resolve("out.txt");
        Path state = dir.resolve("state");

        Proc run = runTask("usage-limit", gateway.configPath(), "-t", task, "-p", project.toString(), "-s", KEY,
                "-o", out.toString(), "--session-label", "e2e-limit", "--delivery-deadline", "30");

        // the run pauses
        RunTask.await("the registry to say paused", () -> Files.exists(state.resolve("claude_sessions.json"))
                && "paused".equals(RunTask.registry(state).path("sessions").elements().next().path("status").asText()),
                WAIT);
        String sid = RunTask.registry(state).path("sessions").fieldNames().next();
        // the pause message reaches the group through the real gateway; the agent is not woken for it
        String paused = "⏸ Claude Code paused: usage limit (5-hour) · resumes at ";
        FakeTelegram.Call pause = telegram.awaitSent("the pause", c -> c.text().startsWith(paused), WAIT).stream()
                .filter(c -> c.text().startsWith(paused)).findFirst().orElseThrow();
        assertEquals(FakeTelegram.GROUP, pause.chatId());
        assertTrue(pause.text().contains("\nLabel: e2e-limit\nTask: " + task + "\nProject: " + project
                + "\nSo far: 0 tool calls · 0 tok\nCancel: run-task cancel "), pause.text());
        // tasks --json shows it paused, with the resume time
        Proc tasks = start("tasks", gateway.configPath(), "tasks", "--json", "--pid-dir", dir.resolve("pids").toString());
        assertEquals(0, tasks.waitFor(RUN_LIMIT), tasks.stderr());
        JsonNode listed = Json.parse(tasks.stdout()).get(0);
        assertEquals("paused", listed.path("status").asText(), tasks.stdout());
        assertEquals(LocalDateTime.ofInstant(Instant.ofEpochSecond(reset.getEpochSecond()).plusSeconds(30),
                ZoneId.systemDefault()).toString(), listed.path("paused_until").asText());
        int refused = mock.messages().size();

        // after the reset it resumes the same session and completes
        int exit = run.waitFor(RUN_LIMIT);
        assertEquals(0, exit, run.stderr());
        List<MockAnthropic.Call> after = mock.messages().subList(refused, mock.messages().size());
        assertTrue(!after.isEmpty() && after.stream().allMatch(c -> sid.equals(c.headers().get("x-claude-code-session-id"))),
                "the resumed requests belong to the same session");
        assertEquals("The usage limit has reset. Continue the task from where you stopped.", after.get(0).lastUserText());
        assertTrue(Json.write(after.get(0).messages()).contains(task), "with the history of the first attempt");
        // exactly one ✅ in the group and one wake
        String completion = "✅ Claude Code task complete!\n\nLabel: e2e-limit\nTask: " + task;
        telegram.awaitSent("the completion", c -> c.text().startsWith(completion), WAIT);
        model.awaitCompletion("the agent woken with the result",
                b -> Json.write(b).contains("[CLAUDE_CODE_RESULT]") && Json.write(b).contains("E2E-LIMIT"), WAIT);
        assertEquals(1, telegram.sent().stream().filter(c -> c.text() != null && c.text().startsWith(completion)).count());
        assertEquals(1, telegram.sent().stream().filter(c -> c.text() != null && c.text().startsWith(paused)).count());
        assertEquals(1, model.completions().stream().filter(b -> Json.write(b).contains("E2E-LIMIT")).count(),
                "one wake, one agent turn");
        assertEquals(1, run.stderr().split("✓ Agent notified via sessions_send", -1).length - 1, run.stderr());
        // registry completed, exit 0 (above)
        JsonNode entry = RunTask.registry(state).path("sessions").path(sid);
        assertEquals("completed", entry.path("status").asText(), entry.toString());
        assertEquals(MockAnthropic.FINAL_TEXT, Files.readString(out, StandardCharsets.UTF_8).lines()
                .reduce((a, b) -> b).orElse(""));
    }

    private Proc runTask(String name, Path config, String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.addAll(List.of("--claude-bin", peers.claudeBin().toString(), "--pid-dir", dir.resolve("pids").toString()));
        return start(name, config, all.toArray(String[]::new));
    }

    private Proc start(String name, Path config, String... args) {
        return start(name, config, Map.of(), args);
    }

    private Proc start(String name, Path config, Map<String, String> extraEnv, String... args) {
        Map<String, String> env = new TreeMap<>(subscriber ? mock.subscriberEnv(dir.resolve("home"), dir.resolve("tmp"))
                : mock.claudeEnv(dir.resolve("home"), dir.resolve("tmp")));
        env.putAll(extraEnv);
        env.put("OPENCLAW_CONFIG_PATH", config.toString());
        env.put("OPENCLAW_STATE_DIR", dir.resolve("state").toString());
        Proc p = RunTask.start(dir, name, env, Arrays.asList(args));
        procs.add(p);
        return p;
    }

    private static int indexOf(List<FakeTelegram.Call> calls, java.util.function.Predicate<FakeTelegram.Call> match) {
        for (int i = 0; i < calls.size(); i++) {
            if (calls.get(i).text() != null && match.test(calls.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
