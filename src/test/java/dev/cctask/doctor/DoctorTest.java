package dev.cctask.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cctask.Env;
import dev.cctask.registry.PidFiles;
import dev.cctask.support.CliRun;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run-task doctor} against a fake gateway built from GATEWAY.md §3.2–§3.3 and §5.3 (SPEC §13 item 52). */
class DoctorTest {
    private static final String TOKEN = "doctor-secret-7d41c2";
    private static final String GROUP_KEY = "agent:main:telegram:group:-1001234567890";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final MockWebServer server = new MockWebServer();
    private final FakeGateway gateway = new FakeGateway();
    private final List<String> printed = new ArrayList<>();
    private Path configFile;
    private Path state;
    private Path bin;

    @BeforeEach
    void setUp() throws IOException {
        server.setDispatcher(gateway);
        server.start(InetAddress.getByName("127.0.0.1"), 0);
        state = Files.createDirectories(dir.resolve("state"));
        bin = Files.createDirectories(dir.resolve("bin"));
        Path claude = bin.resolve("claude");
        Files.writeString(claude, "#!/bin/sh\necho '2.1.330 (Claude Code)'\n");
        Files.setPosixFilePermissions(claude, PosixFilePermissions.fromString("rwx------"));
        configFile = dir.resolve("openclaw.json");
        config("{gateway: {port: " + server.getPort() + ", auth: {mode: 'token', token: '" + TOKEN + "'},"
                + " tools: {allow: ['sessions_send']}}, tools: {sessions: {visibility: 'all'}}}");
    }

    @AfterEach
    void tearDown() {
        server.close();
        for (String text : printed) {
            assertFalse(text.contains(TOKEN), "the token was printed:\n" + text);
        }
    }

    private void config(String json5) throws IOException {
        Files.writeString(configFile, json5, StandardCharsets.UTF_8);
    }

    /** With IS_SANDBOX=1, so that the user check passes also when the tests run as root. */
    private Env env() {
        Map<String, String> vars = new HashMap<>();
        vars.put("IS_SANDBOX", "1");
        vars.put("OPENCLAW_CONFIG_PATH", configFile.toString());
        vars.put("OPENCLAW_STATE_DIR", state.toString());
        vars.put("PATH", bin.toString());
        return new Env(vars, dir.resolve("home"));
    }

    private CliRun doctor(String... args) {
        List<String> argv = new ArrayList<>(List.of("doctor", "--pid-dir", dir.resolve("pids").toString()));
        argv.addAll(List.of(args));
        CliRun r = CliRun.run(env(), argv.toArray(String[]::new));
        printed.add(r.out());
        printed.add(r.err());
        return r;
    }

    /** The line of one check, e.g. {@code ✗ FAIL sessions_send  denied …}, and its fix line if any. */
    private static String line(CliRun r, String check) {
        List<String> lines = r.out().lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String[] words = lines.get(i).split("\\s+");
            if (words.length > 2 && words[2].equals(check)) {
                boolean fix = i + 1 < lines.size() && lines.get(i + 1).startsWith("      fix: ");
                return lines.get(i) + (fix ? "\n" + lines.get(i + 1) : "");
            }
        }
        throw new AssertionError("no line for " + check + " in\n" + r.out());
    }

    @Test
    void healthySetUpPassesEveryCheckAndSendsNothing() throws Exception {
        CliRun r = doctor("--session", GROUP_KEY);

        assertEquals(0, r.exitCode(), r.out());
        assertEquals("", r.err());
        for (String check : List.of("java", "claude", "user", "config", "token", "gateway", "auth", "message",
                "sessions_send", "visibility", "session", "route", "skill", "state", "registry", "outbox", "pids")) {
            String l = line(r, check);
            assertTrue(l.startsWith("✓ OK"), l);
        }
        assertTrue(r.out().endsWith("All checks passed.\n"), r.out());
        assertEquals("✓ OK    claude         " + bin.resolve("claude") + " (2.1.330 (Claude Code))", line(r, "claude"));
        assertEquals("✓ OK    token          token from gateway.auth.token (value not shown)", line(r, "token"));
        assertEquals("✓ OK    gateway        http://127.0.0.1:" + server.getPort() + " answered (HTTP 200)",
                line(r, "gateway"));
        assertEquals("✓ OK    sessions_send  allowed (empty probe refused: \"message required\"; nobody woken)",
                line(r, "sessions_send"));
        assertEquals("✓ OK    route          telegram -1001234567890 (message dry run accepted, nothing sent)",
                line(r, "route"));
        // side-effect free: every message is a dry run or lacks an action, every sessions_send lacks a message
        for (JsonNode body : gateway.bodies) {
            JsonNode args = body.path("args");
            switch (body.path("tool").asText()) {
                case "message" -> assertTrue(args.isEmpty() || args.path("dryRun").asBoolean(), body.toString());
                case "sessions_send" -> assertTrue(args.isEmpty(), body.toString());
                case "sessions_list" -> assertEquals(500, args.path("limit").asInt(), body.toString());
                default -> throw new AssertionError("unexpected call " + body);
            }
        }
        assertEquals(Set.of("message", "sessions_send", "sessions_list"), gateway.tools());
    }

    @Test
    void sessionsSendDeniedFailsWithTheToolsAllowFix() throws Exception {
        gateway.allowSessionsSend = false;

        CliRun r = doctor();

        assertEquals(1, r.exitCode(), r.out());
        assertEquals("✗ FAIL  sessions_send  denied over HTTP (Tool not available: sessions_send): the agent cannot"
                + " be woken with the result\n"
                + "      fix: add \"sessions_send\" to gateway.tools.allow: \"gateway\": {\"tools\": {\"allow\":"
                + " [\"sessions_send\"]}} (hot-reloaded), or run tasks with --wake hooks / --wake none",
                line(r, "sessions_send"));
        assertTrue(r.out().contains("\n1 failed, "), r.out());
        assertTrue(line(r, "message").startsWith("✓ OK"), r.out());
    }

    @Test
    void rejectedTokenFailsWithTheTokenMismatchFixAndSkipsTheToolProbes() throws Exception {
        gateway.acceptedToken = "another-token";

        CliRun r = doctor();

        assertEquals(1, r.exitCode(), r.out());
        assertEquals("✗ FAIL  auth           the gateway rejected the token from gateway.auth.token (HTTP 401)\n"
                + "      fix: use the token the running gateway was started with: it must equal gateway.auth.token;"
                + " a gateway started without a persisted token uses a random one, so persist one (openclaw config"
                + " set gateway.auth.token <token>) and restart the gateway", line(r, "auth"));
        assertEquals("- SKIP  message        skipped: token rejected", line(r, "message"));
        assertEquals("- SKIP  sessions_send  skipped: token rejected", line(r, "sessions_send"));
        assertEquals(1, server.getRequestCount());
    }

    @Test
    void gatewayNotRunningFailsWithTheStartGatewayFix() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }

        CliRun r = doctor("--gateway-url", "http://127.0.0.1:" + port);

        assertEquals(1, r.exitCode(), r.out());
        assertEquals("✗ FAIL  gateway        gateway not running on http://127.0.0.1:" + port + ": start it with"
                + " \"openclaw gateway run\"\n"
                + "      fix: start the gateway (openclaw gateway run, or openclaw gateway start for the service); if it"
                + " listens elsewhere, set gateway.port or pass --gateway-url", line(r, "gateway"));
        assertEquals("- SKIP  auth           skipped: gateway not reachable", line(r, "auth"));
    }

    @Test
    void jsonReportHasOneObjectPerCheckAndNoToken() throws Exception {
        gateway.allowSessionsSend = false;

        CliRun r = doctor("--json");

        assertEquals(1, r.exitCode(), r.out());
        JsonNode report = JSON.readTree(r.out());
        assertFalse(report.path("ok").asBoolean(true));
        Map<String, JsonNode> byName = new HashMap<>();
        report.path("checks").forEach(c -> byName.put(c.path("check").asText(), c));
        assertEquals("fail", byName.get("sessions_send").path("status").asText());
        assertTrue(byName.get("sessions_send").path("fix").asText().contains("gateway.tools.allow"));
        assertEquals("ok", byName.get("token").path("status").asText());
        assertTrue(byName.get("token").path("fix").isNull());
        assertEquals(List.of("check", "status", "detail", "fix"), fieldNames(byName.get("java")));
        assertTrue(r.out().startsWith("{\n  \"ok\": false,\n  \"checks\": [\n    {\n      \"check\": \"java\",\n"), r.out());
    }

    @Test
    void missingConfigAndTokenFailWithTheirFixes() throws Exception {
        Files.delete(configFile);

        CliRun r = doctor("--gateway-url", server.url("/").toString());

        assertEquals(1, r.exitCode(), r.out());
        assertTrue(line(r, "config").startsWith("✗ FAIL  config         no OpenClaw config found (tried " + configFile),
                r.out());
        assertTrue(line(r, "token").startsWith("✗ FAIL  token          no gateway token: "), r.out());
        assertEquals("- SKIP  gateway        skipped: no gateway token", line(r, "gateway"));
        assertEquals("- SKIP  skill          no readable OpenClaw config", line(r, "skill"));
        assertEquals(Set.of(), gateway.tools());
    }

    @Test
    void missingClaudeFailsWithTheInstallAndPathHint() throws Exception {
        Files.delete(bin.resolve("claude"));

        CliRun r = doctor();

        assertEquals(1, r.exitCode(), r.out());
        String l = line(r, "claude");
        assertTrue(l.startsWith("✗ FAIL  claude         Claude executable not found: claude\n"
                + "      fix: not installed? npm install -g @anthropic-ai/claude-code, then run claude once to log in."
                + " Installed? Put the directory holding `claude` on PATH"), l);
        assertTrue(l.contains("cron"), l);
    }

    @Test
    void restrictedVisibilityUnsetSkillKeysPendingOutboxAndStalePidFilesWarnButPass() throws Exception {
        config("{gateway: {port: " + server.getPort() + ", auth: {token: '" + TOKEN + "'}},"
                + " tools: {sessions: {visibility: 'tree'}}}");
        Path outbox = Files.createDirectories(state.resolve("claude-code-task/outbox"));
        Files.writeString(outbox.resolve("0000000000001-run-1.json"), "{\"version\":1,\"id\":\"x\",\"runId\":\"run-1\","
                + "\"seq\":1,\"createdAt\":\"2026-01-01T00:00:00Z\",\"event\":\"completed\",\"kind\":\"message\","
                + "\"transport\":\"tools_invoke\",\"body\":{},\"idempotencyKey\":null,\"attempts\":0,"
                + "\"nextAttemptAt\":\"2026-01-01T00:00:00Z\",\"lastError\":null}");
        PidFiles pids = new PidFiles(dir.resolve("pids"));
        pids.write(pids.newPidFile(deadPid(), "old task", LocalDateTime.now(), Map.of()));

        CliRun r = doctor();

        assertEquals(0, r.exitCode(), r.out());
        assertEquals("⚠ WARN  visibility     tools.sessions.visibility is \"tree\": the wake of a group or channel"
                + " session is refused as forbidden\n"
                + "      fix: set tools.sessions.visibility to \"all\" (or \"agent\"): openclaw config set"
                + " tools.sessions.visibility all", line(r, "visibility"));
        assertTrue(line(r, "skill").startsWith("⚠ WARN  skill          OpenClaw hides the claude-code-task skill from"
                + " the agent while gateway.tools.allow is not set in " + configFile), r.out());
        assertTrue(line(r, "outbox").startsWith("⚠ WARN  outbox         1 item(s) waiting for delivery\n"
                + "      fix: run \"run-task deliver\""), r.out());
        assertTrue(line(r, "pids").contains("1 stale PID file(s) of runners that died\n      fix: run \"run-task tasks\""),
                r.out());
        assertTrue(r.out().endsWith("0 failed, 4 warning(s): run-task works; the ⚠ lines say what may still go wrong.\n"), r.out());
    }

    @Test
    void unknownSessionWarnsAndUnroutableKeyWarns() throws Exception {
        CliRun r = doctor("-s", "agent:main:main:thread:42");

        assertTrue(line(r, "session").startsWith("⚠ WARN  session        the gateway lists no session"
                + " agent:main:main:thread:42 yet"), r.out());
        assertTrue(line(r, "route").startsWith("⚠ WARN  route          no chat route in agent:main:main:thread:42:"),
                r.out());
    }

    @Test
    void javaOlderThan17AndRootWithoutSandboxAreReported() {
        Map<String, String> vars = new HashMap<>(env().vars());
        vars.remove("IS_SANDBOX");
        Doctor d = new Doctor(new Env(vars, dir), new Doctor.Options(null, null, null, null, dir.resolve("pids")));
        d.javaVersion = Runtime.Version.parse("11.0.2");
        d.root = true;

        Report report = d.run();

        Check java = report.checks().get(0);
        assertEquals(Check.Status.FAIL, java.status());
        assertEquals("install Java 17 or newer and put its java first on PATH", java.fix());
        Check user = report.checks().get(2);
        assertEquals(new Check("user", Check.Status.FAIL, "running as root: Claude Code refuses"
                        + " --dangerously-skip-permissions as root, so every run fails",
                "run run-task as a normal user, or export IS_SANDBOX=1 if this is a disposable sandbox"), user);
        assertFalse(report.ok());
    }

    @Test
    void rootWithASandboxValueOtherThanOneFailsAndTheSummaryDoesNotSayItWorks() {
        Map<String, String> vars = new HashMap<>(env().vars());
        vars.put("IS_SANDBOX", "yes");
        Doctor d = new Doctor(new Env(vars, dir), new Doctor.Options(null, null, null, null, dir.resolve("pids")));
        d.root = true;

        String text = d.run().text();

        assertTrue(text.contains("\n✗ FAIL  user           running as root with IS_SANDBOX=yes (only 1 counts): Claude"
                + " Code refuses --dangerously-skip-permissions as root, so every run fails\n"), text);
        assertTrue(text.endsWith("1 failed, 0 warning(s): fix the ✗ lines and run \"run-task doctor\" again.\n"), text);
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static long deadPid() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    /** {@code POST /tools/invoke} as the real gateway answers the probes (GATEWAY.md §3.2, §3.3, §4.3, §5.3). */
    private static final class FakeGateway extends Dispatcher {
        volatile String acceptedToken = TOKEN;
        volatile boolean allowSessionsSend = true;
        final List<JsonNode> bodies = Collections.synchronizedList(new ArrayList<>());

        Set<String> tools() {
            Set<String> names = new java.util.TreeSet<>();
            synchronized (bodies) {
                bodies.forEach(b -> names.add(b.path("tool").asText()));
            }
            return names;
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            if (!("Bearer " + acceptedToken).equals(request.getHeaders().get("Authorization"))) {
                return reply(401, "{\"error\":{\"message\":\"Unauthorized\",\"type\":\"unauthorized\"}}");
            }
            JsonNode body;
            try {
                body = JSON.readTree(request.getBody().utf8());
            } catch (IOException e) {
                return reply(400, "{\"error\":{\"message\":\"bad json\",\"type\":\"invalid_request_error\"}}");
            }
            bodies.add(body);
            JsonNode args = body.path("args");
            return switch (body.path("tool").asText()) {
                case "sessions_list" -> {
                    ObjectNode details = JSON.createObjectNode();
                    details.putArray("sessions").addObject().put("key", GROUP_KEY).put("kind", "group");
                    yield ok(details);
                }
                case "message" -> {
                    if (!args.has("action")) {
                        yield toolError("action required");
                    }
                    ObjectNode details = JSON.createObjectNode().put("channel", args.path("channel").asText())
                            .put("via", "direct").put("dryRun", args.path("dryRun").asBoolean());
                    yield ok(details);
                }
                case "sessions_send" -> allowSessionsSend ? toolError("message required")
                        : reply(404, "{\"ok\":false,\"error\":{\"type\":\"not_found\","
                                + "\"message\":\"Tool not available: sessions_send\"}}");
                default -> reply(404, "{\"ok\":false,\"error\":{\"type\":\"not_found\",\"message\":\"Tool not"
                        + " available\"}}");
            };
        }

        private static MockResponse ok(JsonNode details) {
            ObjectNode root = JSON.createObjectNode().put("ok", true);
            root.putObject("result").set("details", details);
            return reply(200, root.toString());
        }

        private static MockResponse toolError(String message) {
            return reply(400, "{\"ok\":false,\"error\":{\"type\":\"tool_error\",\"message\":\"" + message + "\"}}");
        }

        private static MockResponse reply(int code, String body) {
            return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body)
                    .build();
        }
    }
}
