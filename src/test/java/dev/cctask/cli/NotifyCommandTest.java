package dev.cctask.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cctask.Env;
import dev.cctask.support.CliRun;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run-task notify} end to end through {@link CliRun}, with a MockWebServer gateway and a fake openclaw. */
class NotifyCommandTest {
    private static final String TOKEN = "notify-token-8d2f41";
    private static final String OK = "{\"ok\":true,\"result\":{\"content\":[],\"details\":{\"ok\":true,\"messageId\":\"1\"}}}";

    @TempDir
    Path home;

    private final MockWebServer server = new MockWebServer();
    private final Map<String, String> vars = new HashMap<>();

    @BeforeEach
    void setUp() throws IOException {
        server.start(InetAddress.getByName("127.0.0.1"), 0);
        Path config = home.resolve("openclaw.json");
        Files.writeString(config, "// test config\n{gateway: {port: " + server.getPort()
                + ", auth: {mode: 'token', token: '" + TOKEN + "'}}}\n");
        vars.put("OPENCLAW_CONFIG_PATH", config.toString());
        vars.put("PATH", home.resolve("bin") + ":/usr/bin:/bin");
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    /** What follows the line of a usage error of notify. */
    static final String USAGE = "Usage: run-task notify [OPTIONS]\nSee 'run-task notify --help'.\n";

    private CliRun notify(String... args) {
        String[] argv = new String[args.length + 1];
        argv[0] = "notify";
        System.arraycopy(args, 0, argv, 1, args.length);
        CliRun run = CliRun.run(new Env(Map.copyOf(vars), home), argv);
        assertFalse(run.out().contains(TOKEN) || run.err().contains(TOKEN), run.toString());
        return run;
    }

    private RecordedRequest taken() throws InterruptedException {
        return server.takeRequest(5, TimeUnit.SECONDS);
    }

    private void fakeOpenclaw(String script) throws IOException {
        Path bin = Files.createDirectories(home.resolve("bin"));
        Path exe = bin.resolve("openclaw");
        Files.writeString(exe, "#!/bin/sh\n" + script, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwx------"));
    }

    @Test
    void backgroundPostToAWhatsAppGroup() throws InterruptedException {
        server.enqueue(new MockResponse.Builder().code(200).body(OK).build());
        CliRun run = notify("-g", "120363000000000000@g.us", "-m", "hi", "--bg");
        assertEquals(new CliRun("{\n  \"status\": \"ok\"\n}\n", "", 0), run);
        RecordedRequest r = taken();
        assertEquals("/tools/invoke", r.getTarget());
        assertEquals("{\"tool\":\"message\",\"args\":{\"action\":\"send\",\"channel\":\"whatsapp\","
                + "\"target\":\"120363000000000000@g.us\",\"message\":\"📡 hi\"}}", r.getBody().utf8());
        assertEquals("Bearer " + TOKEN, r.getHeaders().get("Authorization"));
    }

    @Test
    void backgroundPostFromASessionKeyKeepsItsThreadAndAccount() throws InterruptedException {
        server.enqueue(new MockResponse.Builder().code(200).body(OK).build());
        assertEquals(0, notify("--session", "agent:ops:telegram:biz:direct:123:thread:7", "-m", "é", "--bg").exitCode());
        assertEquals("{\"tool\":\"message\",\"args\":{\"action\":\"send\",\"channel\":\"telegram\",\"target\":\"123\","
                + "\"message\":\"📡 é\",\"threadId\":\"7\",\"accountId\":\"biz\"}}", taken().getBody().utf8());
    }

    @Test
    void dashSIsTheSessionKeyAsEverywhereElse() throws InterruptedException {
        server.enqueue(new MockResponse.Builder().code(200).body(OK).build());
        assertEquals(new CliRun("{\n  \"status\": \"ok\"\n}\n", "", 0),
                notify("--bg", "-s", "agent:main:telegram:group:-100123", "-m", "hi"));
        assertEquals("{\"tool\":\"message\",\"args\":{\"action\":\"send\",\"channel\":\"telegram\",\"target\":\"-100123\","
                + "\"message\":\"📡 hi\"}}", taken().getBody().utf8());
    }

    @Test
    void backgroundPostToAnExplicitChannelAndTarget() throws InterruptedException {
        server.enqueue(new MockResponse.Builder().code(200).body(OK).build());
        assertEquals(0, notify("--channel", "slack", "--target", "channel:C1", "-m", "x", "--bg").exitCode());
        assertEquals("{\"tool\":\"message\",\"args\":{\"action\":\"send\",\"channel\":\"slack\",\"target\":\"channel:C1\","
                + "\"message\":\"📡 x\"}}", taken().getBody().utf8());
    }

    @Test
    void anEmptyMessageIsAUsageErrorAndPostsNothing() {
        for (String empty : new String[] {"", "  \n"}) {
            CliRun run = notify("-g", "120363000000000000@g.us", "-m", empty, "--bg");
            assertEquals(2, run.exitCode(), run.toString());
            assertEquals("The message is empty: give the text to post with -m TEXT\n" + USAGE, run.err());
            assertEquals("", run.out());
        }
        assertEquals(0, server.getRequestCount());
    }

    @Test
    void httpErrorIsAnErrorStatusWithStatusAndBody() {
        server.enqueue(new MockResponse.Builder().code(500)
                .body("{\"ok\":false,\"error\":{\"type\":\"tool_error\",\"message\":\"tool execution failed\"}}").build());
        CliRun run = notify("-g", "120363000000000000@g.us", "-m", "hi", "--bg");
        assertEquals(1, run.exitCode());
        assertEquals("{\n  \"status\": \"error\",\n  \"error\": \"HTTP 500: {\\\"ok\\\":false,\\\"error\\\":{\\\"type\\\":"
                + "\\\"tool_error\\\",\\\"message\\\":\\\"tool execution failed\\\"}} — the real cause is only in the"
                + " gateway log: run \\\"openclaw logs\\\" or see /tmp/openclaw/openclaw-*.log\"\n}\n", run.out());
    }

    @Test
    void wrongTokenSaysSoWithoutPrintingIt() {
        server.enqueue(new MockResponse.Builder().code(401)
                .body("{\"error\":{\"message\":\"Unauthorized\",\"type\":\"unauthorized\"}}").build());
        CliRun run = notify("-g", "120363000000000000@g.us", "-m", "hi", "--bg");
        assertEquals(1, run.exitCode());
        assertTrue(run.out().contains("wrong gateway token (from gateway.auth.token)"), run.out());
    }

    @Test
    void missingMessageToolSaysHowToEnableIt() {
        server.enqueue(new MockResponse.Builder().code(404)
                .body("{\"ok\":false,\"error\":{\"type\":\"not_found\",\"message\":\"Tool not available: message\"}}").build());
        CliRun run = notify("-g", "120363000000000000@g.us", "-m", "hi", "--bg");
        assertEquals(1, run.exitCode());
        assertTrue(run.out().contains("remove \\\"message\\\" from gateway.tools.deny"), run.out());
    }

    @Test
    void gatewayDownSaysHowToStartIt() {
        int port = server.getPort();
        server.close();
        CliRun run = notify("-g", "120363000000000000@g.us", "-m", "hi", "--bg");
        assertEquals(new CliRun("{\n  \"status\": \"error\",\n  \"error\": \"gateway not running on http://127.0.0.1:"
                + port + ": start it with \\\"openclaw gateway run\\\"\"\n}\n", "", 1), run);
    }

    @Test
    void noConfigAndNoTokenIsAnErrorStatusNamingThePathsTried() {
        vars.put("OPENCLAW_CONFIG_PATH", home.resolve("absent.json").toString());
        CliRun run = notify("-g", "120363000000000000@g.us", "-m", "hi", "--bg");
        assertEquals(1, run.exitCode());
        assertTrue(run.out().startsWith("{\n  \"status\": \"error\",\n  \"error\": \"no gateway token: no OpenClaw config"
                + " found (tried " + home.resolve("absent.json") + ", "), run.out());
        assertEquals(0, server.getRequestCount());
    }

    @Test
    void tokenFromAnotherVariableAndAnExplicitUrl() throws InterruptedException {
        vars.put("MY_TOKEN", "other-token-1234");
        server.enqueue(new MockResponse.Builder().code(200).body(OK).build());
        CliRun run = notify("-g", "1@g.us", "-m", "hi", "--bg", "--token-env", "MY_TOKEN",
                "--gateway-url", server.url("/").toString());
        assertEquals(0, run.exitCode());
        assertEquals("Bearer other-token-1234", taken().getHeaders().get("Authorization"));
    }

    @Test
    void unroutableSessionKeyIsAnErrorStatus() {
        CliRun run = notify("--session", "agent:main:main", "-m", "hi", "--bg");
        assertEquals(new CliRun("{\n  \"status\": \"error\",\n  \"error\": \"Session key agent:main:main names no chat"
                + " (no channel and peer in it): pass -g JID or --channel CH --target T instead\"\n}\n", "", 1), run);
    }

    @Test
    void routeSourcesAreExclusiveAndOneIsRequired() {
        CliRun two = notify("-g", "1@g.us", "--session", "agent:main:main", "-m", "hi", "--bg");
        assertEquals(2, two.exitCode());
        assertEquals("Error: --group=JID, --session=KEY are mutually exclusive (specify only one)\n" + USAGE, two.err());
        CliRun none = notify("-m", "hi", "--bg");
        assertEquals(2, none.exitCode());
        assertEquals("Missing route: give one of -g/--group, -s/--session, or --channel with --target (inside a supervised"
                + " run, RUN_TASK_NOTIFY_URL is set and none is needed)\n" + USAGE, none.err());
        assertEquals(2, notify("--channel", "slack", "-m", "hi").exitCode());
        assertEquals(2, notify("-g", "1@g.us", "--bg").exitCode());
        assertEquals(2, notify("-g", "1@g.us", "-m", "hi", "--timeout", "0").exitCode());
        assertEquals("", two.out() + none.out());
        assertEquals(0, server.getRequestCount());
    }

    @Test
    void deliverModeRunsOpenclawAgentAndJoinsThePayloadTexts() throws IOException {
        Path argsFile = home.resolve("args.txt");
        vars.put("ARGS_FILE", argsFile.toString());
        fakeOpenclaw("for a in \"$@\"; do printf '%s\\n' \"$a\"; done > \"$ARGS_FILE\"\n"
                + "printf '%s' '{\"result\":{\"payloads\":[{\"text\":\"first\"},{\"text\":\"\"},{\"mediaUrl\":\"x\"},"
                + "{\"text\":\"second ✅  \"}]}}'\n");
        CliRun run = notify("-g", "120363000000000000@g.us", "-m", "hi there");
        assertEquals(new CliRun("{\n  \"status\": \"ok\",\n  \"reply\": \"first\\nsecond ✅\"\n}\n", "", 0), run);
        assertEquals(List.of("agent", "--channel", "whatsapp", "--to", "120363000000000000@g.us", "-m", "hi there",
                "--deliver", "--json"), Files.readAllLines(argsFile));
    }

    @Test
    void deliverModeFailureReportsStderrOrTheExitCode() throws IOException {
        fakeOpenclaw("echo 'gateway closed (1006)' >&2\nexit 3\n");
        assertEquals(new CliRun("{\n  \"status\": \"error\",\n  \"error\": \"gateway closed (1006)\\n\"\n}\n", "", 1),
                notify("--channel", "telegram", "--target", "-100", "-m", "x"));
        fakeOpenclaw("exit 0\n");
        assertEquals(new CliRun("{\n  \"status\": \"error\",\n  \"error\": \"exit code 0\"\n}\n", "", 1),
                notify("--channel", "telegram", "--target", "-100", "-m", "x"));
        fakeOpenclaw("echo 'not json'\n");
        CliRun bad = notify("--channel", "telegram", "--target", "-100", "-m", "x");
        assertEquals(1, bad.exitCode());
        assertTrue(bad.out().startsWith("{\n  \"status\": \"error\",\n  \"error\": \"Unrecognized token 'not'"), bad.out());
    }

    @Test
    void deliverModeTimesOutAndKillsTheAgent() throws IOException {
        Path pidFile = home.resolve("pid");
        vars.put("PID_FILE", pidFile.toString());
        fakeOpenclaw("echo $$ > \"$PID_FILE\"\nsleep 60\n");
        CliRun run = notify("-g", "1@g.us", "-m", "x", "--timeout", "1");
        assertEquals(new CliRun("{\n  \"status\": \"timeout\",\n  \"error\": \"Agent didn't respond within 1s\"\n}\n",
                "", 1), run);
        CliRun deprecated = notify("-g", "1@g.us", "-m", "x", "-t", "1");
        assertEquals(new CliRun(run.out(), "⚠ notify -t is deprecated and will be removed in the next release:"
                + " use --timeout\n", 1), deprecated);
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        Optional<ProcessHandle> left = ProcessHandle.of(pid);
        assertFalse(left.isPresent() && left.get().isAlive(), "fake openclaw still running");
    }

    @Test
    void deliverModeWithoutOpenclawOnPath() {
        vars.put("PATH", "/nonexistent");
        assertEquals(new CliRun("{\n  \"status\": \"error\",\n  \"error\": \"openclaw not found on PATH: install OpenClaw,"
                + " or post with --bg\"\n}\n", "", 1), notify("-g", "1@g.us", "-m", "x"));
    }
}
