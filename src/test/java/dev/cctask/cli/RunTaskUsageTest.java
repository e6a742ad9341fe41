package dev.cctask.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cctask.Env;
import dev.cctask.registry.IsoLocal;
import dev.cctask.registry.SessionRegistry;
import dev.cctask.support.CliRun;
import dev.cctask.support.FakeGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input to the root command (issue 12, items 7 and 9): one clear line, exit 2, nothing started; and when the
 * session key was read, one {@code ❌ Claude Code not started} message on the route plus the wake.
 */
class RunTaskUsageTest {
    static final String GROUP = "120363000000000000@g.us";
    static final String KEY = "agent:main:whatsapp:group:" + GROUP;

    @TempDir
    Path tmp;

    FakeGateway gateway;
    Path state;
    Path project;
    Path output;
    final Map<String, String> vars = new HashMap<>();

    @BeforeEach
    void setUp() throws Exception {
        gateway = new FakeGateway();
        state = tmp.resolve("state");
        gateway.writeConfig(state);
        project = tmp.resolve("project");
        output = tmp.resolve("out.txt");
        vars.put("OPENCLAW_STATE_DIR", state.toString());
        vars.put("PATH", "/usr/bin:/bin");
    }

    @AfterEach
    void tearDown() throws Exception {
        gateway.close();
    }

    private CliRun run(String... extra) {
        List<String> a = new ArrayList<>(List.of("-p", project.toString(), "-o", output.toString(), "--pid-dir",
                tmp.resolve("pids").toString()));
        a.addAll(List.of(extra));
        CliRun r = CliRun.run(new Env(Map.copyOf(vars), tmp.resolve("home")), a.toArray(String[]::new));
        assertFalse(r.err().contains(FakeGateway.TOKEN) || r.out().contains(FakeGateway.TOKEN), r.toString());
        return r;
    }

    /** What follows the line of a usage error that picocli reports (an option's value, a parameter's). */
    static final String ROOT_USAGE = "Usage: run-task [OPTIONS] [COMMAND]\nSee 'run-task --help'.\n";

    /** {@code stderr} is all that is printed: one line, or {@link #withSynopsis} of it. */
    private void assertUsageErrorAndNothingStarted(CliRun r, String stderr) {
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals(stderr, r.err());
        assertFalse(Files.exists(project), "project created");
        assertFalse(Files.exists(output), "output file created");
        assertFalse(Files.exists(tmp.resolve("pids")), "PID dir created");
    }

    private static String withSynopsis(String line) {
        return line + "\n" + ROOT_USAGE;
    }

    @Test
    void malformedSessionKeysAreUsageErrorsAndRouteNowhere() {
        String shape = "expected agent:<agentId>:<channel>:<kind>:<peer>[:thread:<id>|:topic:<id>]"
                + " (e.g. agent:main:telegram:group:-1001234567890), or agent:<agentId>:main";
        assertUsageErrorAndNothingStarted(run("-t", "x", "-s", "agent:"), withSynopsis(
                "-s/--session 'agent:' is not a session key (an agent: key needs an agent id and a session): " + shape));
        assertUsageErrorAndNothingStarted(run("-t", "x", "-s", "garbage"), withSynopsis(
                "-s/--session 'garbage' is not a session key (it is not <namespace>:<session>): " + shape));
        assertUsageErrorAndNothingStarted(run("-t", "x", "-s", "agent:main:telegram:group:"), withSynopsis(
                "-s/--session 'agent:main:telegram:group:' is not a session key (it names a chat kind (group) but no"
                        + " peer after it): " + shape));
        assertEquals(List.of(), gateway.calls());
    }

    @Test
    void aWellFormedKeyWithoutAChatRouteIsStillAccepted() {
        CliRun r = run("-t", "x", "-s", "agent:main:main", "--dry-run");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("  wake:     sessions_send sessionKey=agent:main:main\n"), r.out());
    }

    @Test
    void theDryRunShowsWhatTheRunDoesAtThePlansUsageLimit() {
        CliRun wait = run("-t", "x", "--dry-run", "--max-pause", "1h30m");
        assertEquals(0, wait.exitCode(), wait.toString());
        assertTrue(wait.out().endsWith("  on limit: wait for the reset (at most 1h30m), then resume the session\n"),
                wait.out());
        CliRun stop = run("-t", "x", "--dry-run", "--on-limit", "stop", "--max-pause", "2d");
        assertTrue(stop.out().endsWith("  on limit: stop\n"), stop.out());
    }

    @Test
    void anOutOfRangeGatewayPortIsAUsageErrorNotTheDefaultPort() throws Exception {
        Path config = state.resolve("openclaw.json");
        Files.writeString(config, "{gateway: {port: 70000, auth: {token: '" + FakeGateway.TOKEN + "'}}}");
        assertUsageErrorAndNothingStarted(run("-t", "x", "-s", KEY), "gateway.port in " + config
                + " is 70000, not a port: set it to a number from 1 to 65535, or remove it for 18789\n");

        gateway.writeConfig(state);
        vars.put("OPENCLAW_GATEWAY_PORT", "0");
        assertUsageErrorAndNothingStarted(run("-t", "x", "-s", KEY, "--dry-run"),
                "OPENCLAW_GATEWAY_PORT is \"0\", not a port: set it to a number from 1 to 65535, or unset it\n");
        assertEquals(List.of(), gateway.calls());
    }

    @Test
    void aStateDirThatIsAFileIsAUsageErrorForEveryCommandThatKeepsState() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        vars.put("OPENCLAW_STATE_DIR", file.toString());
        String line = "OPENCLAW_STATE_DIR=" + file + " is not a directory; point OPENCLAW_STATE_DIR at a directory"
                + " (created when missing), or unset it to use ~/.openclaw";
        assertUsageErrorAndNothingStarted(run("-t", "x"), line + "\n");
        for (String[] command : List.of(new String[] {"sessions", "list"}, new String[] {"tasks"},
                new String[] {"deliver"}, new String[] {"cancel", "x"}, new String[] {"steer", "x", "-m", "y"})) {
            CliRun r = CliRun.run(new Env(Map.copyOf(vars), tmp.resolve("home")), command);
            assertEquals(2, r.exitCode(), r.toString());
            assertEquals(line + "\n", r.err(), r.toString());
        }
        vars.put("OPENCLAW_STATE_DIR", file.resolve("sub").toString());
        assertUsageErrorAndNothingStarted(run("-t", "x"), "OPENCLAW_STATE_DIR=" + file.resolve("sub")
                + " cannot be created: " + file + " is not a directory; point OPENCLAW_STATE_DIR at a directory"
                + " (created when missing), or unset it to use ~/.openclaw\n");
    }

    @Test
    void aClaudeBinThatIsNotExecutableSaysSoAndHowToFixIt() throws Exception {
        Path claude = Files.writeString(tmp.resolve("claude"), "#!/bin/sh\n");
        assertUsageErrorAndNothingStarted(run("-t", "x", "--claude-bin", claude.toString()), "--claude-bin " + claude
                + " is not executable: make it executable (chmod +x " + claude + ") or pass the path of the claude"
                + " program\n");
        assertUsageErrorAndNothingStarted(run("-t", "x", "--claude-bin", tmp.toString()), "--claude-bin " + tmp
                + " is a directory: pass the path of the claude program\n");
        vars.put("CLAUDE_BIN", claude.toString());
        assertUsageErrorAndNothingStarted(run("-t", "x", "--dry-run"), "CLAUDE_BIN=" + claude
                + " is not executable: make it executable (chmod +x " + claude + ") or pass the path of the claude"
                + " program\n");
    }

    @Test
    void aLaunchFailingAfterTheKeyWasReadTellsTheChatAndWakesTheAgent() throws Exception {
        CliRun r = run("--task-file", tmp.resolve("missing.txt").toString(), "-s", KEY);
        assertEquals(2, r.exitCode(), r.toString());
        assertFalse(Files.exists(project));
        String reason = r.err().lines().findFirst().orElseThrow();
        String text = "❌ Claude Code not started: " + reason;
        gateway.await(c -> "sessions_send".equals(c.tool()), Duration.ofSeconds(10));
        List<FakeGateway.Call> calls = gateway.calls();
        assertEquals(2, calls.size(), calls.toString());
        assertEquals("{\"tool\":\"message\",\"args\":{\"action\":\"send\",\"channel\":\"whatsapp\",\"target\":\""
                + GROUP + "\",\"message\":" + json(text) + "}}", calls.get(0).body().toString());
        assertEquals("{\"tool\":\"sessions_send\",\"sessionKey\":\"" + KEY + "\",\"args\":{\"sessionKey\":\"" + KEY
                + "\",\"message\":" + json("[CLAUDE_CODE_RESULT]\n" + text + "\n\n---\n⚠️ INSTRUCTION: You received a"
                        + " Claude Code result. Process it, then send your response to the WhatsApp group using"
                        + " message(action=send, channel=whatsapp, target=" + GROUP + ", message=YOUR_SUMMARY). Then"
                        + " reply NO_REPLY to avoid duplicate. Do NOT rely on announce step.")
                + ",\"timeoutSeconds\":0}}", calls.get(1).body().toString());
        assertEquals("Bearer " + FakeGateway.TOKEN, calls.get(1).authorization());
    }

    @Test
    void anAmbiguousResumeLabelTellsTheChatOnTheNotifyRouteWithoutAWakeWhenThereIsNoKey() throws Exception {
        String now = IsoLocal.format(LocalDateTime.now());
        Files.writeString(state.resolve(SessionRegistry.FILE_NAME), "{\"sessions\": {"
                + "\"sid-1\": {\"session_id\": \"sid-1\", \"label\": \"Research A\", \"status\": \"completed\","
                + " \"project_dir\": \"/p/1\", \"last_accessed\": \"" + now + "\"},"
                + "\"sid-2\": {\"session_id\": \"sid-2\", \"label\": \"Research B\", \"status\": \"completed\","
                + " \"project_dir\": \"/p/2\", \"last_accessed\": \"" + now + "\"}}}");
        CliRun r = run("-t", "x", "--resume-label", "research", "--notify-channel", "telegram", "--notify-target",
                "-100777", "--notify-thread-id", "42");
        assertEquals(2, r.exitCode(), r.toString());
        assertFalse(Files.exists(project));
        String why = "--resume-label 'research' matches 2 sessions (newest first); use --resume <id> or a more exact"
                + " label:\n  sid-1  " + now.substring(0, 16).replace('T', ' ') + "  completed  Research A  /p/1\n  sid-2  "
                + now.substring(0, 16).replace('T', ' ') + "  completed  Research B  /p/2";
        assertEquals(why + "\nUsage: run-task [OPTIONS] [COMMAND]\nSee 'run-task --help'.\n", r.err());
        gateway.await(c -> "message".equals(c.tool()), Duration.ofSeconds(10));
        assertEquals(1, gateway.calls().size(), gateway.calls().toString());
        assertEquals("{\"tool\":\"message\",\"args\":{\"action\":\"send\",\"channel\":\"telegram\",\"target\":"
                + "\"-100777\",\"message\":" + json("❌ Claude Code not started: " + why)
                + ",\"threadId\":\"42\"}}", gateway.calls().get(0).body().toString());
    }

    @Test
    void dryRunHelpAndVersionNeverTellTheChat() {
        Path missing = tmp.resolve("missing.txt");
        assertEquals(2, run("--task-file", missing.toString(), "-s", KEY, "--dry-run").exitCode());
        assertEquals(0, run("-s", KEY, "--help").exitCode());
        assertEquals(0, run("-s", KEY, "--version").exitCode());
        assertEquals(List.of(), gateway.calls());
    }

    private static String json(String s) {
        return new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(s).toString();
    }
}
