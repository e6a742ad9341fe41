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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Approvals end to end (issue 18): run-task with fake-claude replaying a Write that asks for permission
 * ({@code control_request can_use_tool}, as Claude Code 2.1.332 prints it: stdin-permission-prompts.txt) and waits for
 * the answer on its stdin; {@code approve} and {@code deny} from other processes; the chat on a fake gateway.
 */
class ApprovalProcessTest {
    static final String KEY = "agent:main:telegram:group:-1001234567890";
    static final String REQUEST_ID = "19fae8a4-c645-4325-90b5-3ad3e66efe71";
    static final Duration MAX = Duration.ofSeconds(60);
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path sandbox;

    RunTaskProcess runTask;
    FakeGateway gateway;
    Path stdin;
    Path argv;
    Path target;

    @BeforeEach
    void setUp() throws Exception {
        runTask = new RunTaskProcess(sandbox);
        gateway = runTask.gateway();
        stdin = sandbox.resolve("stdin.jsonl");
        argv = sandbox.resolve("argv.txt");
        target = runTask.project().resolve("hello.txt");
        runTask.env("FAKE_CLAUDE_STDIN_FILE", stdin.toString()).env("FAKE_CLAUDE_ARGV_FILE", argv.toString())
                .env("FAKE_CLAUDE_TRANSCRIPT", askingTranscript().toString());
    }

    @AfterEach
    void tearDown() throws Exception {
        runTask.close();
    }

    /** write-tool.jsonl with the permission request after its Write tool_use, waiting there for the answer. */
    private Path askingTranscript() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(RunTaskProcess.FIXTURES.resolve("write-tool.jsonl")));
        String request = "{\"type\":\"control_request\",\"request_id\":\"" + REQUEST_ID + "\",\"request\":{\"subtype\":"
                + "\"can_use_tool\",\"tool_name\":\"Write\",\"display_name\":\"Write\",\"input\":{\"file_path\":\""
                + target + "\",\"content\":\"hello\\n\"},\"description\":\"hello.txt\",\"permission_suggestions\":"
                + "[{\"type\":\"setMode\",\"mode\":\"acceptEdits\",\"destination\":\"session\"}],"
                + "\"tool_use_id\":\"toolu_mock_0915966ac6544963\"}}";
        lines.add(2, request);
        lines.add(3, ">> (the answer)");
        return Files.write(sandbox.resolve("asking.jsonl"), lines, StandardCharsets.UTF_8);
    }

    private String[] askArgs(String... more) {
        List<String> a = new ArrayList<>(List.of("-t", "WRITE_FILE please", "-s", KEY, "--session-label", "approvals",
                "--permissions", "ask"));
        a.addAll(List.of(more));
        return runTask.args(a.toArray(String[]::new));
    }

    private RunTaskProcess.Result command(String... args) throws Exception {
        List<String> a = new ArrayList<>(List.of(args));
        a.addAll(List.of("--pid-dir", runTask.pidDir().toString()));
        return runTask.run(MAX, a.toArray(String[]::new));
    }

    private List<JsonNode> controlResponses() throws Exception {
        List<JsonNode> responses = new ArrayList<>();
        for (String line : Files.readAllLines(stdin, StandardCharsets.UTF_8)) {
            JsonNode o = JSON.readTree(line);
            if ("control_response".equals(o.path("type").asText())) {
                responses.add(o);
            }
        }
        return responses;
    }

    private String expectedRequest() {
        return "🔐 Claude Code asks (#1): Write\n" + target + " (6 bytes)\nhello\nin " + runTask.project() + "\n"
                + "Approve: run-task approve approvals 1   ·   Deny: run-task deny approvals 1 \"why\"";
    }

    @Test
    void aRequestReachesTheChatAndTheAgentAndApproveAnswersItOnceOnClaudesStdin() throws Exception {
        Process run = runTask.start(askArgs());
        FakeGateway.Call asked = gateway.await(c -> c.text() != null && c.text().startsWith("🔐"), MAX);
        assertEquals(expectedRequest(), asked.text());
        FakeGateway.Call wake = gateway.await(c -> "sessions_send".equals(c.tool()), MAX);
        String payload = wake.body().path("args").path("message").asText();
        assertTrue(payload.startsWith("[CLAUDE_CODE_APPROVAL]\n" + expectedRequest() + "\n\n---\n"), payload);
        assertTrue(payload.contains("Do NOT approve on your own."), payload);
        JsonNode open = JSON.readTree(command("tasks", "--json").stdout()).get(0).path("approvals");
        assertEquals(1, open.size(), open.toString());
        assertEquals("Write", open.get(0).path("tool").asText());
        assertEquals(target.toString(), open.get(0).path("detail").asText());
        assertTrue(command("tasks").stdout().contains("waiting for approval #1"));

        assertEquals(new RunTaskProcess.Result(1, "", "No request #2 of task 'approvals': `run-task tasks` lists the"
                + " open requests\n"), command("approve", "approvals", "2"));
        RunTaskProcess.Result approved = command("approve", "approvals", "1");
        assertEquals(new RunTaskProcess.Result(0, "Approved request #1: runner " + run.pid() + "\n", ""), approved);
        RunTaskProcess.Result r = runTask.finish(run, MAX);

        assertEquals(0, r.exitCode(), r.toString());
        List<JsonNode> responses = controlResponses();
        assertEquals(1, responses.size());
        assertEquals("{\"type\":\"control_response\",\"response\":{\"subtype\":\"success\",\"request_id\":\""
                + REQUEST_ID + "\",\"response\":{\"behavior\":\"allow\",\"updatedInput\":{\"file_path\":\"" + target
                + "\",\"content\":\"hello\\n\"}}}}", responses.get(0).toString());
        List<String> texts = gateway.messageTexts();
        assertTrue(texts.contains("📡 ✔️ approved #1"), texts.toString());
        assertTrue(texts.indexOf(expectedRequest()) < texts.indexOf("📡 ✔️ approved #1"));
        assertEquals(List.of("🔐 Permission request #1: Write (waiting for approve or deny)", "🔐 #1 approved"),
                r.stderr().lines().filter(l -> l.startsWith("🔐")).toList());
        List<String> args = Files.readAllLines(argv);
        assertFalse(args.contains("--dangerously-skip-permissions"), args.toString());
        assertEquals(List.of("-p", "--permission-mode", "default", "--permission-prompt-tool", "stdio",
                "--disallowedTools"), args.subList(0, 6));
        assertTrue(args.contains("Read(/" + runTask.pidDir().toAbsolutePath() + "/**)"), args.toString());
        assertTrue(args.contains("Bash(run-task approve:*)"), args.toString());
    }

    @Test
    void denyWithAReasonReachesClaudeAndASecondAnswerToTheSameRequestIsRefused() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(askingTranscript()));
        lines.add(4, ">> (a message steered in: the run goes on until then)");
        runTask.env("FAKE_CLAUDE_TRANSCRIPT", Files.write(sandbox.resolve("asking-then-waiting.jsonl"), lines).toString());
        Process run = runTask.start(askArgs());
        gateway.await(c -> c.text() != null && c.text().startsWith("🔐"), MAX);

        RunTaskProcess.Result denied = command("deny", "approvals", "1", "not now");
        assertEquals(0, denied.exitCode(), denied.toString());
        assertEquals(new RunTaskProcess.Result(1, "", "The request #1 of task 'approvals' was already answered\n"),
                command("approve", "approvals", "1"));
        assertEquals(0, command("steer", "approvals", "-m", "go on").exitCode());
        RunTaskProcess.Result r = runTask.finish(run, MAX);

        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("{\"behavior\":\"deny\",\"message\":\"not now\"}",
                controlResponses().get(0).path("response").path("response").toString());
        assertTrue(gateway.messageTexts().contains("📡 ✖️ denied #1"), gateway.messageTexts().toString());
        assertEquals(List.of("🔐 Permission request #1: Write (waiting for approve or deny)", "🔐 #1 denied: not now"),
                r.stderr().lines().filter(l -> l.startsWith("🔐")).toList());
    }

    @Test
    void aRequestNobodyAnswersIsDeniedAfterTheApprovalTimeoutAndTheChatIsTold() throws Exception {
        RunTaskProcess.Result r = runTask.run(MAX, askArgs("--approval-timeout", "2s"));

        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("{\"behavior\":\"deny\",\"message\":\"No answer within 2s\"}",
                controlResponses().get(0).path("response").path("response").toString());
        List<String> texts = gateway.messageTexts();
        assertTrue(texts.contains("📡 ✖️ denied #1: No answer within 2s"), texts.toString());
        assertTrue(texts.indexOf(expectedRequest()) < texts.indexOf("📡 ✖️ denied #1: No answer within 2s"));
    }

    @Test
    void aClaudeHoldingTheNotifySecretCannotApproveItsOwnRequest() throws Exception {
        Path code = sandbox.resolve("approve-attempt.code");
        Path claude = sandbox.resolve("claude-that-approves-itself");
        Files.writeString(claude, "#!/bin/bash\n"
                + "( sleep 0.5; curl --silent --noproxy '*' --output /dev/null --write-out '%{http_code}'"
                + " --header \"Authorization: Bearer $RUN_TASK_NOTIFY_SECRET\" --data-raw $'n=1\\nallow=true'"
                + " \"${RUN_TASK_NOTIFY_URL%/notify}/approve\" >" + code + ".tmp && mv " + code + ".tmp " + code + " ) &\n"
                + "exec " + RunTaskProcess.FAKE_CLAUDE + " \"$@\"\n");
        Files.setPosixFilePermissions(claude, PosixFilePermissions.fromString("rwx------"));
        Process run = runTask.start(askArgs("--claude-bin", claude.toString()));

        assertEquals("403", RunTaskProcess.awaitText(code));
        assertFalse(Files.readString(stdin).contains("control_response"), "nothing answered the request");
        assertEquals(0, command("deny", "approvals", "1").exitCode());
        RunTaskProcess.Result r = runTask.finish(run, MAX);
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("{\"behavior\":\"deny\",\"message\":\"The user denied this request.\"}",
                controlResponses().get(0).path("response").path("response").toString());
    }

    @Test
    void aRequestTheGatewayRefusedIsRetriedAndHeartbeatsShowTheWait() throws Exception {
        java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
        gateway.script(c -> c.text() != null && c.text().startsWith("🔐") && refused.getAndIncrement() == 0
                ? FakeGateway.json(503, "{\"ok\":false,\"error\":\"busy\"}") : FakeGateway.accept(c));
        RunTaskProcess.Result r = runTask.run(MAX, askArgs("--approval-timeout", "7s", "--heartbeat-interval", "5"));

        assertEquals(0, r.exitCode(), r.toString());
        List<String> texts = gateway.messageTexts();
        assertEquals(2, texts.stream().filter(expectedRequest()::equals).count(), "refused once, then delivered: " + texts);
        assertTrue(texts.stream().anyMatch(t -> t.startsWith("📡 🟢 CC (0min) | ") && t.contains(" | 🔐 waiting for"
                + " approval #1 (")), texts.toString());
        assertTrue(texts.indexOf(expectedRequest()) < texts.indexOf("📡 ✖️ denied #1: No answer within 7s"));
    }

    @Test
    void aRequestStillUndeliveredWhenTheRunEndsIsWithdrawnAndTheResultGoesOut() throws Exception {
        gateway.script(c -> c.text() != null && c.text().startsWith("🔐")
                ? FakeGateway.json(503, "{\"ok\":false,\"error\":\"busy\"}") : FakeGateway.accept(c));
        RunTaskProcess.Result r = runTask.run(MAX, askArgs("--approval-timeout", "3s"));

        assertEquals(0, r.exitCode(), r.toString());
        List<String> texts = gateway.messageTexts();
        assertTrue(texts.get(texts.size() - 1).startsWith("✅ Claude Code task complete!"), texts.toString());
        Path outbox = runTask.stateDir().resolve("claude-code-task/outbox");
        try (var files = Files.list(outbox)) {
            assertEquals(List.of(), files.filter(f -> f.toString().endsWith(".json")).toList(),
                    "nothing left to arrive after the result");
        }
    }

    @Test
    void approveAlwaysAnswersWithClaudesSuggestionsForThisSessionOnly() throws Exception {
        Process run = runTask.start(askArgs());
        gateway.await(c -> c.text() != null && c.text().startsWith("🔐"), MAX);

        assertEquals(0, command("approve", "approvals", "1", "--always").exitCode());
        RunTaskProcess.Result r = runTask.finish(run, MAX);

        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("[{\"type\":\"setMode\",\"mode\":\"acceptEdits\",\"destination\":\"session\"}]",
                controlResponses().get(0).path("response").path("response").path("updatedPermissions").toString());
        assertEquals(List.of("🔐 Permission request #1: Write (waiting for approve or deny)", "🔐 #1 approved (always)"),
                r.stderr().lines().filter(l -> l.startsWith("🔐")).toList());
    }
}
