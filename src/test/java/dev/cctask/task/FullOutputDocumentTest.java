package dev.cctask.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cctask.support.FakeGateway;
import dev.cctask.support.RunTaskProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 20: the full output goes to the chat as a document ({@code --attach}), after the final message and before
 * the wake, cut below the gateway's body limit; a refusal costs neither the message nor the wake. The real
 * {@code run-task} as a process, {@code examples/fake-claude} replaying a transcript whose result is long, and the
 * MockWebServer gateway.
 */
class FullOutputDocumentTest {
    static final String GROUP = "120363000000000000@g.us";
    static final String KEY = "agent:main:whatsapp:group:" + GROUP;
    static final ObjectMapper JSON = new ObjectMapper();
    /** A Markdown report of 5,213 characters: longer than the 2,000 of the message's preview. */
    static final String REPORT = "# Q3 report\n\n" + "- finding é… with details\n".repeat(200);

    @TempDir
    Path sandbox;

    RunTaskProcess runTask;
    FakeGateway gateway;
    Path output;

    @BeforeEach
    void setUp() throws Exception {
        runTask = new RunTaskProcess(sandbox);
        gateway = runTask.gateway();
        output = runTask.output();
    }

    @AfterEach
    void tearDown() throws Exception {
        runTask.close();
    }

    /** fake-claude replays basic.jsonl with {@code result} as the final result's text. */
    private void result(String result) throws IOException {
        transcript("basic.jsonl", event -> {
            if ("result".equals(event.path("type").asText())) {
                event.put("result", result);
            }
        });
    }

    private Path transcript(String fixture, Consumer<ObjectNode> edit) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(RunTaskProcess.FIXTURES.resolve(fixture), StandardCharsets.UTF_8)) {
            ObjectNode event = (ObjectNode) JSON.readTree(line);
            edit.accept(event);
            lines.add(JSON.writeValueAsString(event));
        }
        Path file = sandbox.resolve("transcript.jsonl");
        Files.write(file, lines, StandardCharsets.UTF_8);
        runTask.env("FAKE_CLAUDE_TRANSCRIPT", file.toString());
        return file;
    }

    private RunTaskProcess.Result run(String... extra) throws Exception {
        List<String> a = new ArrayList<>(List.of("-t", "Write the Q3 report", "-s", KEY));
        a.addAll(List.of(extra));
        return runTask.run(Duration.ofSeconds(60), runTask.args(a.toArray(String[]::new)));
    }

    /** Everything after the launch message and heartbeats ({@code 📡 …}): the final items in the order sent. */
    private List<FakeGateway.Call> finals() {
        return gateway.calls().stream().filter(c -> c.text() == null || !c.text().startsWith("📡 ")).toList();
    }

    private static String wakeText(FakeGateway.Call wake) {
        return wake.body().path("args").path("message").asText();
    }

    @Test
    void aResultLongerThanThePreviewGoesToTheChatAsAMarkdownDocumentBetweenItsMessageAndTheWake() throws Exception {
        result(REPORT);

        RunTaskProcess.Result r = run("--session-label", "Q3 report");

        assertEquals(0, r.exitCode(), r.toString());
        byte[] file = Files.readAllBytes(output);
        assertArrayEquals(REPORT.getBytes(StandardCharsets.UTF_8), file);
        List<FakeGateway.Call> finals = finals();
        assertEquals(List.of("message", "message", "sessions_send"), finals.stream().map(FakeGateway.Call::tool).toList());
        String message = finals.get(0).text();
        assertTrue(message.startsWith("✅ Claude Code task complete!\n"), message);
        assertEquals("{\"tool\":\"message\",\"args\":{\"action\":\"send\",\"channel\":\"whatsapp\",\"target\":\"" + GROUP
                + "\",\"message\":\"📎 Full output\",\"buffer\":\"" + Base64.getEncoder().encodeToString(file)
                + "\",\"filename\":\"cc-q3-report-result.md\",\"contentType\":\"text/markdown\",\"forceDocument\":true}}",
                JSON.writeValueAsString(finals.get(1).body()));
        assertTrue(wakeText(finals.get(2)).startsWith("[CLAUDE_CODE_RESULT]\n" + message + "\n\n📎 The full output is"
                + " attached to the chat as cc-q3-report-result.md: the user has it, do not paste it.\n\n---\n"),
                wakeText(finals.get(2)));
        assertTrue(r.stderr().contains("\n📨 Session notified\n"), r.stderr());
    }

    @Test
    void aResultOverTheLimitIsSentCutWithANoteAndTheBodyStaysUnderTheGatewaysTwoMebibytes() throws Exception {
        String huge = "Line of a very long result, ünïcödé included.\n".repeat(34_000); // 1.7 MB (50 bytes a line)
        result(huge);

        RunTaskProcess.Result r = run();

        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(huge, Files.readString(output, StandardCharsets.UTF_8), "the output file holds it all");
        FakeGateway.Call document = finals().get(1);
        assertTrue(JSON.writeValueAsBytes(document.body()).length < 2_097_152 - 64 * 1024,
                "a margin below the gateway's limit of 2 MiB");
        byte[] sent = Base64.getDecoder().decode(document.body().path("args").path("buffer").asText());
        String text = new String(sent, StandardCharsets.UTF_8);
        int cut = text.indexOf("\n\n---\n✂️ Cut at 1.5 MB of ");
        String kept = text.substring(0, cut);
        assertTrue(huge.startsWith(kept), "the start of the output, then the note");
        assertTrue(kept.getBytes(StandardCharsets.UTF_8).length > 1_499_000, "up to the limit, less the note");
        assertEquals("\n\n---\n✂️ Cut at 1.5 MB of 1.7 MB, the most the gateway takes in one document. The whole"
                + " output is in " + output + " on the machine that ran the task.\n", text.substring(cut));
        assertEquals("📎 Full output, cut at 1.5 MB of 1.7 MB; the whole file: " + output,
                document.body().path("args").path("message").asText());
        assertTrue(wakeText(finals().get(2)).contains(", cut at 1.5 MB of 1.7 MB (the whole file: " + output + "): the"
                + " user has it, do not paste it.\n\n---\n"), wakeText(finals().get(2)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "400 | {\"ok\":false,\"error\":{\"type\":\"tool_error\",\"message\":\"buffer too large\"}}",
        "413 | {\"error\":{\"message\":\"Payload too large\",\"type\":\"invalid_request_error\"}}",
        "500 | {\"ok\":false,\"error\":{\"type\":\"tool_error\",\"message\":\"tool execution failed\"}}",
    })
    void aRefusedDocumentIsLoggedOnceAndTheMessageAndTheWakeStillGo(int status, String body) throws Exception {
        result(REPORT);
        gateway.script(c -> c.body().path("args").has("buffer") ? FakeGateway.json(status, body) : FakeGateway.accept(c));

        RunTaskProcess.Result r = run();

        assertEquals(0, r.exitCode(), r.toString());
        List<String> sent = status >= 500 ? List.of("✅", "📎", "📎", "📎", "[CLAUDE_CODE_RESULT]") // a moment's fault
                : List.of("✅", "📎", "[CLAUDE_CODE_RESULT]");
        assertEquals(sent, finals().stream().map(c -> c.tool().equals("sessions_send") ? wakeText(c).lines().findFirst().get()
                : c.text().substring(0, c.text().offsetByCodePoints(0, 1))).toList(), "a 5xx: three tries, else one");
        assertEquals(List.of("⚠ document send returned " + status + ": " + body
                + " (the chat has the result without its document)"),
                r.stderr().lines().filter(l -> l.contains("document")).toList());
        assertTrue(r.stderr().contains("\n📨 Session notified\n"), r.stderr());
        Path outbox = runTask.stateDir().resolve("claude-code-task/outbox");
        try (Stream<Path> pending = Files.list(outbox); Stream<Path> failed = Files.list(outbox.resolve("failed"))) {
            assertEquals(List.of(), pending.filter(p -> p.toString().endsWith(".json")).toList());
            assertEquals(1, failed.filter(p -> p.toString().endsWith("-2.json")).count(), "kept for --retry-failed");
        }
    }

    @Test
    void attachNeverSendsNoDocumentAndAlwaysSendsEvenAShortResult() throws Exception {
        result(REPORT);
        assertEquals(0, run("--attach", "never").exitCode());
        List<FakeGateway.Call> never = finals();
        assertEquals(List.of("message", "sessions_send"), never.stream().map(FakeGateway.Call::tool).toList());
        assertFalse(wakeText(never.get(1)).contains("📎"), wakeText(never.get(1)));

        gateway.clearCalls();
        result("Done: the command printed hi.");
        assertEquals(0, run("--attach", "always", "--session-label", "hi").exitCode());
        FakeGateway.Call document = finals().get(1);
        assertEquals("cc-hi-result.md", document.body().path("args").path("filename").asText());
        assertEquals("Done: the command printed hi.", new String(Base64.getDecoder().decode(
                document.body().path("args").path("buffer").asText()), StandardCharsets.UTF_8));
    }

    @Test
    void aLostRunsPartialOutputFollowsTheLostNoticeAsADocument() throws Exception {
        String partial = "Research notes so far. ".repeat(120); // 2,760 characters, streamed before the runner died
        Path transcript = transcript("partial-messages.jsonl", event -> {
            if (event.path("message").path("content").path(0).path("text").asText().equals("I'll run the command.")) {
                ((ObjectNode) event.path("message").path("content").path(0)).put("text", partial);
            }
        });
        List<String> lines = Files.readAllLines(transcript, StandardCharsets.UTF_8);
        Files.write(transcript, lines.subList(0, lines.size() - 1), StandardCharsets.UTF_8); // no result: works on
        runTask.env("FAKE_CLAUDE_SLEEP_AFTER", "300");
        Process runner = runTask.start(runTask.args("-t", "Long research task", "-s", KEY, "--session-label", "notes"));
        long claude = Long.parseLong(runTask.awaitPidFileField("claude_pid"));
        RunTaskProcess.await("the streamed text in " + output,
                () -> Files.exists(output) && Files.readString(output).contains(partial));
        runner.toHandle().destroyForcibly();
        runner.waitFor(10, TimeUnit.SECONDS);
        int before = gateway.calls().size();

        RunTaskProcess.Result tasks = runTask.run(Duration.ofSeconds(60), "tasks", "--pid-dir",
                runTask.pidDir().toString());

        assertEquals(0, tasks.exitCode(), tasks.toString());
        List<FakeGateway.Call> after = gateway.calls().subList(before, gateway.calls().size());
        assertEquals(List.of("message", "message", "sessions_send"), after.stream().map(FakeGateway.Call::tool).toList());
        assertTrue(after.get(0).text().startsWith("⚠️ Claude Code task lost\n"), after.get(0).text());
        assertEquals("cc-notes-result.md", after.get(1).body().path("args").path("filename").asText());
        assertArrayEquals(Files.readAllBytes(output),
                Base64.getDecoder().decode(after.get(1).body().path("args").path("buffer").asText()));
        assertTrue(wakeText(after.get(2)).contains("\n\n📎 The full output is attached to the chat as cc-notes-result.md"));
        RunTaskProcess.awaitGone(claude);
        runTask.assertNoPidFiles();
    }
}
