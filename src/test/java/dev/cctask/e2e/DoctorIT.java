package dev.cctask.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run-task doctor} against the real OpenClaw gateway 2026.9.6 and the real Claude CLI: its side-effect-free
 * probes get the answers GATEWAY.md §3.2 describes (400 when a tool is reachable, 404 when denied, 401 for a wrong
 * token), and the route check's {@code message} dry run posts nothing to the (fake) Telegram group.
 */
@ExtendWith(SharedGateway.class)
class DoctorIT {
    private static final String KEY = RunTaskClaudeIT.KEY;
    private static final Duration LIMIT = Duration.ofSeconds(90);

    private static OpenClawGateway gateway;
    private static FakeTelegram telegram;
    private static E2ePeers peers;

    @TempDir
    Path dir;

    private final List<Proc> procs = new ArrayList<>();

    @BeforeAll
    static void gateway(GatewayStack stack) {
        peers = E2ePeers.locate();
        RunTask.jar();
        gateway = stack.gateway;
        telegram = stack.telegram;
    }

    @AfterEach
    void stop() {
        procs.forEach(Proc::close);
    }

    /** {@code run-task doctor ARGS} as a user runs it; returns stdout after asserting the exit code. */
    private String doctor(String name, Path config, int expectedExit, String... args) {
        Map<String, String> env = new TreeMap<>();
        env.put("PATH", peers.node24Bin() + ":/usr/bin:/bin");
        env.put("LANG", "C");
        env.put("HOME", dir.resolve("home").toString());
        env.put("IS_SANDBOX", "1");
        env.put("OPENCLAW_CONFIG_PATH", config.toString());
        env.put("OPENCLAW_STATE_DIR", dir.resolve("state").toString());
        List<String> all = new ArrayList<>(List.of("doctor", "--claude-bin", peers.claudeBin().toString(),
                "--pid-dir", dir.resolve("pids").toString()));
        all.addAll(List.of(args));
        Proc p = RunTask.start(dir, name, env, all);
        procs.add(p);
        int exit = p.waitFor(LIMIT);
        String shown = "stdout:\n" + p.stdout() + "\nstderr:\n" + p.stderr();
        assertEquals(expectedExit, exit, shown);
        assertFalse(shown.contains(gateway.token()), "the token was printed:\n" + shown);
        return p.stdout();
    }

    private static void assertLine(String out, String line) {
        assertTrue(out.lines().anyMatch(line::equals), "no line\n" + line + "\nin\n" + out);
    }

    @Test
    void deniedSessionsSendFailsWithTheAllowFixWhileTheRestPasses() {
        gateway.allowTools(List.of());

        String out = doctor("doctor-denied", gateway.configPath(), 1);

        assertLine(out, "✗ FAIL  sessions_send  denied over HTTP (Tool not available: sessions_send): the agent cannot"
                + " be woken with the result");
        assertLine(out, "      fix: add \"sessions_send\" to gateway.tools.allow: \"gateway\": {\"tools\": {\"allow\":"
                + " [\"sessions_send\"]}} (hot-reloaded), or run tasks with --wake hooks / --wake none");
        assertLine(out, "✓ OK    claude         " + peers.claudeBin() + " (" + E2ePeers.CLAUDE_VERSION + " (Claude Code))");
        assertLine(out, "✓ OK    gateway        http://127.0.0.1:" + gateway.port() + " answered (HTTP 200)");
        assertLine(out, "✓ OK    auth           token from gateway.auth.token accepted");
        assertLine(out, "✓ OK    message        tool available (empty probe refused: \"action required\")");
    }

    @Test
    void allowedSessionsSendPassesAndTheRouteDryRunPostsNothing() {
        gateway.allowTools(List.of("sessions_send"));
        int sentBefore = telegram.sent().size();

        String out = doctor("doctor-allowed", gateway.configPath(), 0, "-s", KEY);

        assertLine(out, "✓ OK    sessions_send  allowed (empty probe refused: \"message required\"; nobody woken)");
        assertLine(out, "✓ OK    route          telegram -1001234567890 (message dry run accepted, nothing sent)");
        assertEquals(sentBefore, telegram.sent().size(), "doctor posted to the group: " + telegram.sent());
    }

    @Test
    void wrongTokenFailsWithTheTokenMismatchFix() throws IOException {
        Path config = dir.resolve("wrong-token.json");
        Files.writeString(config, "{gateway: {port: " + gateway.port() + ", auth: {mode: 'token', token: 'not-the-token'}}}",
                StandardCharsets.UTF_8);

        String out = doctor("doctor-wrong-token", config, 1);

        assertLine(out, "✗ FAIL  auth           the gateway rejected the token from gateway.auth.token (HTTP 401)");
        assertLine(out, "- SKIP  sessions_send  skipped: token rejected");
    }
}
