package dev.cctask.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Claude CLI 2.1.330 at a subscription's usage limit (issue 15): logged in as a subscriber against the Java
 * mock of the Messages API in its limit mode, with a MockWebServer as the gateway. A cancel and a SIGKILL during the
 * pause, {@code --on-limit stop}, and a weekly reset beyond {@code --max-pause}. The whole cycle through the real
 * gateway (pause, resume after the reset, one result) is {@code RunTaskGatewayIT}'s.
 */
class UsageLimitIT {
    private static final String KEY = RunTaskClaudeIT.KEY;
    private static final Duration RUN_LIMIT = Duration.ofSeconds(150);
    private static final String TASK = "Run echo hi with Bash";

    private static E2ePeers peers;

    @TempDir
    Path dir;

    private MockAnthropic mock;
    private MockGateway gateway;
    private Path project;
    private Path state;
    private Path pids;
    private Path config;
    private final List<Proc> procs = new ArrayList<>();

    @BeforeAll
    static void peers() {
        peers = E2ePeers.locate();
        RunTask.jar();
    }

    @BeforeEach
    void setUp() throws IOException {
        mock = new MockAnthropic();
        gateway = new MockGateway();
        project = dir.resolve("project");
        state = dir.resolve("state");
        pids = dir.resolve("pids");
        config = gateway.writeConfig(dir.resolve("openclaw/openclaw.json"));
        Files.createDirectories(dir.resolve("home"));
        Files.createDirectories(dir.resolve("tmp"));
    }

    @AfterEach
    void tearDown() {
        procs.forEach(Proc::close);
        mock.close();
        gateway.close();
    }

    /** {@code run-task ARGS} as the subscriber, with the sandbox's state dir and gateway config. */
    private Proc command(String name, String... args) {
        Map<String, String> env = new TreeMap<>(mock.subscriberEnv(dir.resolve("home"), dir.resolve("tmp")));
        env.put("OPENCLAW_CONFIG_PATH", config.toString());
        env.put("OPENCLAW_STATE_DIR", state.toString());
        Proc p = RunTask.start(dir, name, env, Arrays.asList(args));
        procs.add(p);
        return p;
    }

    private Proc run(String name, String... extra) {
        List<String> args = new ArrayList<>(List.of("-t", TASK, "-p", project.toString(), "-s", KEY, "-o",
                dir.resolve("out.txt").toString(), "--session-label", "limited", "--claude-bin",
                peers.claudeBin().toString(), "--pid-dir", pids.toString()));
        args.addAll(List.of(extra));
        return command(name, args.toArray(String[]::new));
    }

    private String sessionId() {
        return RunTask.registry(state).path("sessions").fieldNames().next();
    }

    private String status() {
        return !Files.exists(state.resolve("claude_sessions.json")) || RunTask.registry(state).path("sessions").isEmpty()
                ? "" : RunTask.registry(state).path("sessions").elements().next().path("status").asText();
    }

    /** A run paused at a five-hour limit that resets an hour from now. */
    private Proc paused() {
        mock.limitUntil(Instant.now().plusSeconds(3600), "five_hour");
        Proc run = run("paused");
        gateway.awaitInvokes("the pause message", l -> l.stream().anyMatch(b -> b.path("args").path("message")
                .asText().startsWith("⏸ Claude Code paused: usage limit (5-hour) · resumes at ")), RUN_LIMIT);
        assertEquals("paused", status());
        Path outbox = state.resolve("claude-code-task/outbox");
        RunTask.await("the pause message out of the outbox (the gateway took it)", () -> {
            try (var items = Files.list(outbox)) {
                return items.noneMatch(f -> f.getFileName().toString().endsWith(".json"));
            } catch (IOException e) {
                return false;
            }
        }, RUN_LIMIT);
        return run;
    }

    @Test
    void cancelEndsAPausedRunAtOnceWithTheCancelledMessage() {
        Proc run = paused();
        String pause = gateway.messages().get(1);
        assertTrue(pause.endsWith("\nSo far: 0 tool calls · 0 tok\nCancel: run-task cancel \"limited\" --pid-dir " + pids),
                pause);
        assertEquals(0, gateway.wakes().size(), "no wake for a pause");

        Proc cancel = command("cancel", "cancel", "limited", "--pid-dir", pids.toString());
        assertEquals(0, cancel.waitFor(RUN_LIMIT), cancel.stderr());
        assertEquals(1, run.waitFor(RUN_LIMIT), run.stderr());

        List<String> messages = gateway.messages();
        RunTaskClaudeIT.assertMatches("🛑 Claude Code task cancelled after \\d+s\n\nLabel: limited\nTask: " + TASK
                + "\nProject: " + Pattern.quote(project.toString()) + "\nTool calls: 0\n\nPartial result \\(\\d+ chars\\):"
                + "\n\nYou've hit your limit · resets [^\n]*\n\nFull output: " + Pattern.quote(dir.resolve("out.txt").toString()),
                messages.get(messages.size() - 1));
        assertEquals(1, gateway.wakes().size());
        assertEquals("cancelled", status());
    }

    @Test
    void aRunnerKilledWhilePausedIsReportedLostOnceByTasks() {
        Proc run = paused();
        String sid = sessionId();
        run.handle().destroyForcibly(); // SIGKILL: no Claude runs while paused, nothing else is left
        run.waitFor(RUN_LIMIT);

        Proc tasks = command("tasks", "tasks", "--pid-dir", pids.toString());
        assertEquals(0, tasks.waitFor(RUN_LIMIT), tasks.stderr());
        assertEquals("lost", status());
        List<String> messages = gateway.messages();
        String lost = messages.get(messages.size() - 1);
        assertTrue(lost.startsWith("⚠️ Claude Code task lost\n\nTask: " + TASK + "\n"), lost);
        assertTrue(lost.endsWith("\nResume with: --resume " + sid), lost);
        int sent = gateway.invokes().size();
        assertEquals(0, command("tasks-again", "tasks", "--pid-dir", pids.toString()).waitFor(RUN_LIMIT));
        assertEquals(sent, gateway.invokes().size(), "reported once");
    }

    @Test
    void onLimitStopEndsTheRunWithTheResetAndTheCommandThatResumesTheSession() {
        Instant reset = Instant.now().plusSeconds(7200);
        mock.limitUntil(reset, "five_hour");

        Proc run = run("stop", "--on-limit", "stop");

        assertEquals(4, run.waitFor(RUN_LIMIT), run.stderr());
        String sid = sessionId();
        List<String> messages = gateway.messages();
        assertEquals(2, messages.size(), messages.toString());
        String clock = LocalDateTime.ofInstant(Instant.ofEpochSecond(reset.getEpochSecond()), ZoneId.systemDefault())
                .toString().substring(11, 16);
        RunTaskClaudeIT.assertMatches(Pattern.quote("⛔ Claude Code stopped: usage limit (5-hour) · resets at ")
                + "(\\d{4}-\\d\\d-\\d\\d )?" + clock + " \\(in 1h59m\\)\n\n" + Pattern.quote("Label: limited\nTask: " + TASK
                + "\nProject: " + project + "\nSo far: 0 tool calls · 0 tok\nNot waiting: --on-limit stop\n"
                + "Resume after the reset: run-task --resume " + sid + " -p " + project + " -s \"" + KEY + "\" -t \"The"
                + " usage limit has reset. Continue the task from where you stopped.\"\nFull output: " + dir.resolve("out.txt")),
                messages.get(1));
        assertEquals(1, gateway.wakes().size());
        assertEquals("limited", status());
        assertEquals(1, mock.messages().size(), "one refused request; nothing retried");
    }

    @Test
    void aWeeklyResetBeyondMaxPauseEndsTheRunAsStopDoes() {
        mock.limitUntil(Instant.now().plus(Duration.ofHours(30)), "seven_day");

        Proc run = run("weekly");

        assertEquals(4, run.waitFor(RUN_LIMIT), run.stderr());
        String last = gateway.messages().get(gateway.messages().size() - 1);
        assertTrue(last.startsWith("⛔ Claude Code stopped: usage limit (weekly) · resets at "), last);
        assertTrue(last.contains("\nNot waiting: the reset is more than --max-pause 12h away\n"), last);
        assertTrue(run.stderr().contains("⛔ Not waiting for the usage limit (weekly) to reset: the reset is more than"
                + " --max-pause 12h away"), run.stderr());
        JsonNode entry = RunTask.registry(state).path("sessions").path(sessionId());
        assertEquals("limited", entry.path("status").asText());
        assertEquals(1, entry.path("exit_code").asInt());
    }
}
