package dev.cctask.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Approvals with the real Claude Code CLI against the Java mock of the Messages API and the real OpenClaw gateway
 * (issue 18): {@code --permissions ask}, the mock's {@code WRITE_FILE} Write tool_use, which Claude asks about on
 * stdout; the 🔐 request reaches the Telegram group through the gateway and wakes the agent; {@code approve},
 * {@code deny "not now"} and the approval timeout answer it.
 */
@ExtendWith(SharedGateway.class)
class ApprovalClaudeIT {
    private static final String KEY = RunTaskClaudeIT.KEY;
    private static final Duration RUN_LIMIT = Duration.ofSeconds(150);
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static FakeTelegram telegram;
    private static FakeModelProvider model;
    private static OpenClawGateway gateway;
    private static E2ePeers peers;

    @TempDir
    Path dir;

    private MockAnthropic mock;
    private Path project;
    private Path file;
    private final List<Proc> procs = new ArrayList<>();

    @BeforeAll
    static void gateway(GatewayStack stack) {
        peers = E2ePeers.locate();
        RunTask.jar();
        telegram = stack.telegram;
        model = stack.model;
        gateway = stack.gateway;
        gateway.allowTools(List.of("sessions_send"));
    }

    @BeforeEach
    void setUp() throws IOException {
        project = dir.resolve("project");
        file = project.resolve("hello.txt");
        mock = new MockAnthropic().writePath(file);
        Files.createDirectories(dir.resolve("home"));
        Files.createDirectories(dir.resolve("tmp"));
    }

    @AfterEach
    void tearDown() {
        procs.forEach(Proc::close);
        mock.close();
    }

    private String request(String label) {
        return "🔐 Claude Code asks (#1): Write\n" + file + " (6 bytes)\nhello\nin " + project + "\n"
                + "Approve: run-task approve " + label + " 1   ·   Deny: run-task deny " + label + " 1 \"why\"";
    }

    private Proc ask(String label, String... more) {
        List<String> args = new ArrayList<>(List.of("-t", "WRITE_FILE please (" + label + ")", "-p", project.toString(),
                "-s", KEY, "-o", dir.resolve("out.txt").toString(), "--session-label", label, "--permissions", "ask"));
        args.addAll(Arrays.asList(more));
        args.addAll(List.of("--claude-bin", peers.claudeBin().toString(), "--pid-dir", dir.resolve("pids").toString()));
        return start(label, args);
    }

    /** The request reaches the group through the real gateway, and the agent is woken with it. */
    private void awaitRequest(String label) {
        // the gateway renders the text for Telegram (HTML) and folds some runs of spaces ("1   ·" arrives as "1 ·")
        String text = spaced(request(label));
        FakeTelegram.Call sent = telegram.awaitSent("the request", c -> text.equals(spaced(c.text())), WAIT).stream()
                .filter(c -> text.equals(spaced(c.text()))).findFirst().orElseThrow();
        assertEquals(FakeTelegram.GROUP, sent.chatId());
        model.awaitCompletion("the agent woken with the request", b -> Json.write(b).contains("[CLAUDE_CODE_APPROVAL]")
                && Json.write(b).contains("run-task approve " + label + " 1"), WAIT);
    }

    private static String spaced(String text) {
        return text == null ? null : text.replaceAll(" {2,}", " ");
    }

    /** The tool_result the model got for the Write: the request after the tool call. */
    private JsonNode toolResult() {
        MockAnthropic.Call answer = mock.messages().stream().filter(MockAnthropic.Call::answersToolResult)
                .findFirst().orElseThrow();
        for (JsonNode block : answer.lastUserMessage().path("content")) {
            if ("tool_result".equals(block.path("type").asText())) {
                return block;
            }
        }
        throw new AssertionError("no tool_result in " + Json.write(answer.lastUserMessage()));
    }

    private static String toolResultText(JsonNode block) {
        JsonNode content = block.path("content");
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        content.forEach(c -> text.append(c.path("text").asText()));
        return text.toString();
    }

    @Test
    void anApprovedWriteHappensAndTheRunCompletes() throws IOException {
        Proc run = ask("e2e-approve");
        awaitRequest("e2e-approve");

        Proc approve = start("approve", List.of("approve", "e2e-approve", "1", "--pid-dir", dir.resolve("pids").toString()));
        assertEquals(0, approve.waitFor(RUN_LIMIT), approve.stderr());
        int exit = run.waitFor(RUN_LIMIT);

        assertEquals(0, exit, run.stderr());
        assertEquals("hello\n", Files.readString(file));
        assertTrue(toolResultText(toolResult()).startsWith("File created successfully"), Json.write(toolResult()));
        telegram.awaitSent("the approval", c -> "📡 ✔️ approved #1".equals(c.text()), WAIT);
        telegram.awaitSent("the completion", c -> c.text().startsWith("✅ Claude Code task complete!")
                && c.text().contains("e2e-approve"), WAIT);
    }

    @Test
    void aDeniedWriteDoesNotHappenAndClaudeReadsTheReason() throws IOException {
        Proc run = ask("e2e-deny");
        awaitRequest("e2e-deny");

        Proc deny = start("deny", List.of("deny", "e2e-deny", "1", "not now", "--pid-dir", dir.resolve("pids").toString()));
        assertEquals(0, deny.waitFor(RUN_LIMIT), deny.stderr());
        int exit = run.waitFor(RUN_LIMIT);

        assertEquals(0, exit, run.stderr());
        assertFalse(Files.exists(file));
        JsonNode result = toolResult();
        assertEquals("not now", toolResultText(result), Json.write(result));
        assertTrue(result.path("is_error").asBoolean(), Json.write(result));
        telegram.awaitSent("the denial", c -> "📡 ✖️ denied #1".equals(c.text()), WAIT);
    }

    @Test
    void aRequestNobodyAnswersIsDeniedWithTheTimeoutMessage() throws IOException {
        Proc run = ask("e2e-timeout", "--approval-timeout", "5s");
        awaitRequest("e2e-timeout");
        int exit = run.waitFor(RUN_LIMIT);

        assertEquals(0, exit, run.stderr());
        assertFalse(Files.exists(file));
        assertEquals("No answer within 5s", toolResultText(toolResult()), Json.write(toolResult()));
        telegram.awaitSent("the timeout", c -> "📡 ✖️ denied #1: No answer within 5s".equals(c.text()), WAIT);
    }

    private Proc start(String name, List<String> args) {
        Map<String, String> env = new TreeMap<>(mock.claudeEnv(dir.resolve("home"), dir.resolve("tmp")));
        env.put("OPENCLAW_CONFIG_PATH", gateway.configPath().toString());
        env.put("OPENCLAW_STATE_DIR", dir.resolve("state").toString());
        Proc p = RunTask.start(dir, name, env, args);
        procs.add(p);
        return p;
    }
}
