package dev.cctask.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cctask.support.FakeGateway;
import dev.cctask.support.RunTaskProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault injection for the final delivery (SPEC §8.5, D13, issue 6): nothing is lost.
 *
 * <table>
 * <tr><th>Fault</th><th>Outcome</th><th>Test</th></tr>
 * <tr><td>gateway down for the whole run and the result's first three attempts</td><td>result and wake arrive once
 *     it is up, the runner still inside its deadline; exit code of the task</td><td>{@link #gatewayDownDuringTheRunStartedLater}</td></tr>
 * <tr><td>gateway answers 500 for the first 5 attempts</td><td>delivered on the 6th, in order</td>
 *     <td>{@link #fiveServerErrorsThenAccepted}</td></tr>
 * <tr><td>429 with Retry-After: 2</td><td>retried no sooner than 2 s later</td><td>{@link #tooManyRequestsHonoursRetryAfter}</td></tr>
 * <tr><td>401 wrong token</td><td>not retried; reported once with the fix; kept for {@code deliver}</td>
 *     <td>{@link #wrongTokenIsReportedOnceAndKeptForDeliver}</td></tr>
 * <tr><td>deadline passes with the gateway still down</td><td>items stay; a later {@code deliver} sends them once,
 *     in order; a second {@code deliver} sends nothing</td><td>{@link #wrongTokenIsReportedOnceAndKeptForDeliver},
 *     {@link RunTaskProcessTest#gatewayAnswering500ThroughoutStillCompletesTheRunAndKeepsTheOutput}</td></tr>
 * <tr><td>runner SIGKILLed between writing the outbox and the send</td><td>the outbox survives; the next
 *     {@code deliver} sends it</td><td>{@link #outboxSurvivesASigkillBetweenWriteAndSend}</td></tr>
 * <tr><td>runner SIGKILLed mid-run</td><td>next {@code tasks}/start marks it lost and delivers the lost notice once</td>
 *     <td>{@link RunTaskSignalsTest#aRunnerKilledWithSigkillIsReportedLostByTheNextTasksCall}</td></tr>
 * <tr><td>outbox not writable (a file where its directory should be)</td><td>sent from memory; stderr says
 *     durability is off</td><td>{@link #unwritableOutboxSendsFromMemoryAndSaysSo}</td></tr>
 * <tr><td>state dir full (tmpfs), one gateway 500</td><td>retried in memory, in order, until accepted</td>
 *     <td>{@link #aFullStateDirStillRetriesTheResultInOrderUntilAccepted}</td></tr>
 * <tr><td>state dir full, gateway 500 until the deadline</td><td>logged as lost; exit status 3</td>
 *     <td>{@link #aResultNeitherDeliveredNorQueuedIsReportedLostWithExitStatus3}</td></tr>
 * <tr><td>SIGTERM during the delivery retries</td><td>stops at once; items stay in the outbox; exit 1</td>
 *     <td>{@link #aSignalDuringTheDeliveryRetriesStopsThemAtOnceAndKeepsTheItems}</td></tr>
 * <tr><td>two concurrent {@code deliver} processes</td><td>no item sent twice</td>
 *     <td>{@code ConcurrentDeliverProcessesTest}</td></tr>
 * </table>
 */
class DeliveryFaultsTest {
    static final String KEY = "agent:main:whatsapp:group:120363000000000000@g.us";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path sandbox;

    RunTaskProcess runTask;
    Path output;

    @BeforeEach
    void setUp() throws Exception {
        runTask = new RunTaskProcess(sandbox).transcript("basic.jsonl");
        output = runTask.output();
    }

    @AfterEach
    void tearDown() throws Exception {
        runTask.close();
    }

    private String[] run(String... extra) {
        List<String> a = new java.util.ArrayList<>(List.of("-t", "Run echo hi with Bash", "-s", KEY));
        a.addAll(List.of(extra));
        return runTask.args(a.toArray(String[]::new));
    }

    /** The final message and wake attempts, in order (launch and heartbeats, "📡 …", are best effort). */
    private List<String> finalTexts(FakeGateway gateway) {
        return finalCalls(gateway).stream().map(c -> c.tool() + ": " + c.text().lines().findFirst().orElse("")).toList();
    }

    private static List<FakeGateway.Call> finalCalls(FakeGateway gateway) {
        return gateway.calls().stream().filter(c -> !c.text().startsWith("📡 ")).toList();
    }

    @Test
    void gatewayDownDuringTheRunStartedLater() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = probe.getLocalPort();
        }
        Files.createDirectories(runTask.stateDir());
        Files.writeString(runTask.stateDir().resolve("openclaw.json"),
                "{gateway: {port: " + port + ", auth: {token: '" + FakeGateway.TOKEN + "'}}}");
        Process runner = runTask.start(run());
        awaitAnItemTried(3);
        try (FakeGateway gateway = FakeGateway.onPort(port)) {
            RunTaskProcess.Result r = runTask.finish(runner, Duration.ofSeconds(120));
            assertEquals(0, r.exitCode(), r.toString());
            assertEquals(List.of("message: ✅ Claude Code task complete!", "sessions_send: [CLAUDE_CODE_RESULT]"),
                    finalTexts(gateway));
            assertTrue(r.stderr().contains("📨 Session notified"), r.stderr());
        }
        assertOutboxEmpty();
    }

    @Test
    void fiveServerErrorsThenAccepted() throws Exception {
        try (FakeGateway gateway = new FakeGateway()) {
            gateway.writeConfig(runTask.stateDir());
            int[] failures = {5};
            gateway.script(c -> "message".equals(c.tool()) && c.text().startsWith("✅") && failures[0]-- > 0
                    ? FakeGateway.json(500, "{\"ok\":false,\"error\":{\"type\":\"tool_error\",\"message\":\"tool execution failed\"}}")
                    : FakeGateway.accept(c));
            RunTaskProcess.Result r = runTask.run(Duration.ofSeconds(120), run());
            assertEquals(0, r.exitCode(), r.toString());
            List<String> texts = finalTexts(gateway);
            assertEquals(6, texts.stream().filter(t -> t.startsWith("message: ✅")).count(), texts.toString());
            assertEquals("sessions_send: [CLAUDE_CODE_RESULT]", texts.get(texts.size() - 1));
            assertTrue(r.stderr().contains("📨 Session notified"), r.stderr());
        }
        assertOutboxEmpty();
    }

    @Test
    void tooManyRequestsHonoursRetryAfter() throws Exception {
        try (FakeGateway gateway = new FakeGateway()) {
            gateway.writeConfig(runTask.stateDir());
            boolean[] limited = {false};
            gateway.script(c -> {
                if ("message".equals(c.tool()) && c.text().startsWith("✅") && !limited[0]) {
                    limited[0] = true;
                    return new MockResponse.Builder().code(429).setHeader("Retry-After", "2").body(
                            "{\"error\":{\"message\":\"Too many failed authentication attempts.\",\"type\":\"rate_limited\"}}").build();
                }
                return FakeGateway.accept(c);
            });
            RunTaskProcess.Result r = runTask.run(Duration.ofSeconds(60), run());
            assertEquals(0, r.exitCode(), r.toString());
            List<FakeGateway.Call> messages = finalCalls(gateway).stream().filter(c -> "message".equals(c.tool())).toList();
            assertEquals(2, messages.size());
            assertTrue(messages.get(1).atMillis() - messages.get(0).atMillis() >= 2000,
                    "waited " + (messages.get(1).atMillis() - messages.get(0).atMillis()) + " ms");
        }
    }

    @Test
    void wrongTokenIsReportedOnceAndKeptForDeliver() throws Exception {
        try (FakeGateway gateway = new FakeGateway()) {
            gateway.writeConfig(runTask.stateDir());
            gateway.script(c -> FakeGateway.json(401, "{\"error\":{\"message\":\"Unauthorized\",\"type\":\"unauthorized\"}}"));
            RunTaskProcess.Result r = runTask.run(Duration.ofSeconds(60), run());
            assertEquals(0, r.exitCode(), "delivery problems never change the exit code: " + r);
            assertEquals(1, finalCalls(gateway).size(), "one attempt, no retry loop: " + gateway.calls());
            assertTrue(r.stderr().contains("wrong gateway token"), "the fix is said: " + r.stderr());
            assertTrue(r.stderr().contains("📮 Delivery pending: 2 item(s) left in "), r.stderr());

            gateway.script(FakeGateway::accept); // the user fixed the token
            RunTaskProcess.Result d = runTask.run(Duration.ofSeconds(60), "deliver");
            assertEquals(0, d.exitCode(), d.toString());
            assertEquals("Delivered 2, pending 0, failed 0", d.stdout().strip());
            RunTaskProcess.Result again = runTask.run(Duration.ofSeconds(60), "deliver");
            assertEquals("Delivered 0, pending 0, failed 0", again.stdout().strip());
            assertEquals(List.of("message: ✅ Claude Code task complete!", "message: ✅ Claude Code task complete!",
                    "sessions_send: [CLAUDE_CODE_RESULT]"), finalTexts(gateway));
        }
        assertOutboxEmpty();
    }

    @Test
    void outboxSurvivesASigkillBetweenWriteAndSend() throws Exception {
        CountDownLatch finalArrived = new CountDownLatch(1);
        try (FakeGateway gateway = new FakeGateway()) {
            gateway.writeConfig(runTask.stateDir());
            gateway.script(c -> {
                if ("message".equals(c.tool()) && c.text().startsWith("✅")) {
                    finalArrived.countDown();
                    return new MockResponse.Builder().code(200).headersDelay(30, TimeUnit.SECONDS).body("{}").build();
                }
                return FakeGateway.accept(c);
            });
            Process runner = runTask.start(run());
            assertTrue(finalArrived.await(30, TimeUnit.SECONDS), "the final message was never attempted");
            runner.toHandle().destroyForcibly();
            runner.waitFor(10, TimeUnit.SECONDS);
            assertEquals(2, outboxItems().size(), "message and wake are on disk before the send");

            gateway.script(FakeGateway::accept);
            RunTaskProcess.Result d = runTask.run(Duration.ofSeconds(60), "deliver");
            assertEquals("Delivered 2, pending 0, failed 0", d.stdout().strip(), d.toString());
        }
        assertOutboxEmpty();
    }

    @Test
    void unwritableOutboxSendsFromMemoryAndSaysSo() throws Exception {
        try (FakeGateway gateway = new FakeGateway()) {
            gateway.writeConfig(runTask.stateDir());
            Files.createDirectories(runTask.stateDir().resolve("claude-code-task"));
            Files.writeString(runTask.stateDir().resolve("claude-code-task/outbox"), "a file where the dir should be");
            RunTaskProcess.Result r = runTask.run(Duration.ofSeconds(60), run());
            assertEquals(0, r.exitCode(), r.toString());
            assertTrue(r.stderr().contains("durability is off"), r.stderr());
            assertEquals(List.of("message: ✅ Claude Code task complete!", "sessions_send: [CLAUDE_CODE_RESULT]"),
                    finalTexts(gateway));
        }
    }

    @Test
    void aFullStateDirStillRetriesTheResultInOrderUntilAccepted() throws Exception {
        try (FakeGateway gateway = new FakeGateway(); FullDisk full = FullDisk.at(runTask.stateDir(), gateway)) {
            boolean[] failedOnce = {false};
            gateway.script(c -> "message".equals(c.tool()) && c.text().startsWith("✅") && !failedOnce[0]
                    && (failedOnce[0] = true)
                    ? FakeGateway.json(500, "{\"ok\":false,\"error\":{\"type\":\"tool_error\",\"message\":\"tool execution failed\"}}")
                    : FakeGateway.accept(c));

            RunTaskProcess.Result r = runTask.run(Duration.ofSeconds(60), run());

            assertEquals(0, r.exitCode(), r.toString());
            assertEquals(List.of("message: ✅ Claude Code task complete!", "message: ✅ Claude Code task complete!",
                    "sessions_send: [CLAUDE_CODE_RESULT]"), finalTexts(gateway));
            assertTrue(r.stderr().contains("durability is off, retrying the result in memory until the delivery"
                    + " deadline"), r.stderr());
            assertTrue(r.stderr().contains("\n📨 Session notified\n"), r.stderr());
        }
    }

    @Test
    void aResultNeitherDeliveredNorQueuedIsReportedLostWithExitStatus3() throws Exception {
        try (FakeGateway gateway = new FakeGateway(); FullDisk full = FullDisk.at(runTask.stateDir(), gateway)) {
            gateway.script(c -> "message".equals(c.tool()) && c.text().startsWith("✅")
                    ? FakeGateway.json(500, "{\"ok\":false}") : FakeGateway.accept(c));

            RunTaskProcess.Result r = runTask.run(Duration.ofSeconds(60), run("--delivery-deadline", "2"));

            assertEquals(3, r.exitCode(), r.toString());
            assertEquals(List.of("message: ✅ Claude Code task complete!", "message: ✅ Claude Code task complete!"),
                    finalTexts(gateway), "retried within the deadline; the wake never went before its message");
            assertEquals("📮 Delivery lost: 2 item(s) neither delivered nor queued (the outbox was not writable);"
                    + " the result is only in the output file; exit status 3", lastLine(r.stderr()));
        }
    }

    @Test
    void aSignalDuringTheDeliveryRetriesStopsThemAtOnceAndKeepsTheItems() throws Exception {
        CountDownLatch retrying = new CountDownLatch(2);
        try (FakeGateway gateway = new FakeGateway()) {
            gateway.writeConfig(runTask.stateDir());
            gateway.script(c -> {
                if ("message".equals(c.tool()) && c.text().startsWith("✅")) {
                    retrying.countDown();
                    return FakeGateway.json(500, "{\"ok\":false}");
                }
                return FakeGateway.accept(c);
            });
            Process runner = runTask.start(run());
            assertTrue(retrying.await(60, TimeUnit.SECONDS), "the final message was never retried");

            long signalled = System.nanoTime();
            runner.destroy(); // SIGTERM
            RunTaskProcess.Result r = runTask.finish(runner, Duration.ofSeconds(60));
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);

            assertTrue(tookMillis < 3000, "stopped " + tookMillis + " ms after SIGTERM");
            assertEquals(1, r.exitCode(), r.toString());
            Path outbox = runTask.stateDir().resolve("claude-code-task/outbox");
            assertEquals("📮 Delivery pending: 2 item(s) left in " + outbox + " (stopped by a signal; send them with"
                    + " \"run-task deliver\")", lastLine(r.stderr()));
            assertTrue(r.stderr().contains("\n📮 Wake held back until the chat message is delivered\n"), r.stderr());
            assertFalse(r.stderr().contains("returned -1"), r.stderr());
            assertEquals(2, outboxItems().size());
            assertFalse(finalTexts(gateway).contains("sessions_send: [CLAUDE_CODE_RESULT]"));
        }
    }

    private static String lastLine(String text) {
        List<String> lines = text.lines().toList();
        return lines.get(lines.size() - 1);
    }

    /** A 64 KiB tmpfs mounted on the state dir, holding the gateway's config and then filled up; unmounted at close. */
    private record FullDisk(Path dir) implements AutoCloseable {
        static FullDisk at(Path dir, FakeGateway gateway) throws Exception {
            assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root");
            Files.createDirectories(dir);
            exec("mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", dir.toString());
            FullDisk disk = new FullDisk(dir);
            gateway.writeConfig(dir);
            try (var out = Files.newOutputStream(dir.resolve("filler"))) {
                byte[] block = new byte[4096];
                while (true) {
                    out.write(block);
                    out.flush();
                }
            } catch (IOException full) {
                // no space left on device: as wanted
            }
            return disk;
        }

        @Override
        public void close() throws Exception {
            exec("umount", dir.toString());
        }

        private static void exec(String... cmd) throws Exception {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
        }
    }

    private List<Path> outboxItems() throws Exception {
        Path dir = runTask.stateDir().resolve("claude-code-task/outbox");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".json")).toList();
        }
    }

    /** Waits until an outbox item has been tried {@code attempts} times: the runner is in its retry schedule. */
    private void awaitAnItemTried(int attempts) throws Exception {
        RunTaskProcess.await("an outbox item tried " + attempts + " times", () -> {
            for (Path item : outboxItems()) {
                try {
                    if (JSON.readTree(item.toFile()).path("attempts").asInt() >= attempts) {
                        return true;
                    }
                } catch (IOException goneMeanwhile) {
                    // delivered or rewritten between the listing and the read
                }
            }
            return false;
        });
    }

    private void assertOutboxEmpty() throws Exception {
        assertEquals(List.of(), outboxItems());
    }
}
