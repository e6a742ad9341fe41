package dev.cctask.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cctask.Env;
import dev.cctask.delivery.Deliverer;
import dev.cctask.delivery.Event;
import dev.cctask.delivery.Outbox.Draft;
import dev.cctask.delivery.Outbox.Item;
import dev.cctask.delivery.Outbox.Kind;
import dev.cctask.delivery.Outbox;
import dev.cctask.delivery.Sender;
import dev.cctask.gateway.Outcome;
import dev.cctask.gateway.Transport;
import dev.cctask.support.CliRun;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DeliverCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Outcome ACCEPTED = new Outcome.Accepted(200, "accepted");
    private static final Outcome DOWN = new Outcome.Retryable(503, "HTTP 503: Gateway context is unavailable", null);

    @TempDir
    Path state;

    /** A time safely in the past, so stored next-attempt times are already due. */
    private final Instant earlier = Instant.now().minus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MILLIS);

    private final List<String> sent = Collections.synchronizedList(new ArrayList<>());
    private final List<String> factoryArgs = new ArrayList<>();

    record Result(int code, String out, String err) {}

    /** {@code run-task deliver …} through the app's one CommandLine, with this test's state dir and gateway. */
    private Result deliver(Sender gateway, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = App.commandLine(new PrintWriter(out), new PrintWriter(err));
        DeliverCommand command = cl.getSubcommands().get("deliver").getCommand();
        command.env = () -> new Env(Map.of("OPENCLAW_STATE_DIR", state.toString()), state.resolve("home"));
        command.senders = (env, gatewayUrl, tokenEnv, errWriter) -> {
            factoryArgs.addAll(List.of(String.valueOf(env.stateDir()), String.valueOf(gatewayUrl), String.valueOf(tokenEnv)));
            return gateway;
        };
        List<String> argv = new ArrayList<>(List.of("deliver"));
        argv.addAll(List.of(args));
        int code = cl.execute(argv.toArray(String[]::new));
        return new Result(code, out.toString(), err.toString());
    }

    private Sender answering(Outcome... script) {
        List<Outcome> left = new ArrayList<>(List.of(script));
        return (transport, body, key) -> {
            sent.add(body.path("tool").asText() + " " + body.path("args").path("message").asText());
            return left.isEmpty() ? ACCEPTED : left.remove(0);
        };
    }

    private Outbox outbox(Instant createdAt) {
        return new Outbox(state.resolve("claude-code-task/outbox"), Clock.fixed(createdAt, ZoneOffset.UTC));
    }

    private List<Item> enqueueFinalEvent(Instant createdAt) throws Exception {
        return outbox(createdAt).enqueue("run-1", Event.COMPLETED, List.of(draft("message", "✅ done"),
                draft("sessions_send", "[CLAUDE_CODE_RESULT] done")));
    }

    private static Draft draft(String tool, String text) {
        ObjectNode body = JSON.createObjectNode().put("tool", tool);
        body.putObject("args").put("message", text);
        return new Draft(tool.equals("message") ? Kind.MESSAGE : Kind.WAKE, Transport.TOOLS_INVOKE, body, null);
    }

    @Test
    void deliverSendsWhatAFailedRunLeftBehindInOrder() throws Exception {
        enqueueFinalEvent(earlier);
        // the runner's own flush: the gateway was down until its deadline
        Deliverer runner = new Deliverer(outbox(earlier), answering(DOWN, DOWN), Clock.fixed(earlier, ZoneOffset.UTC),
                d -> {}, () -> 0.5);
        assertEquals(2, runner.flush(Duration.ZERO).pending());
        sent.clear();

        Result r = deliver(answering());

        assertEquals(new Result(0, "Delivered 2, pending 0, failed 0\n", ""), r);
        assertEquals(List.of("message ✅ done", "sessions_send [CLAUDE_CODE_RESULT] done"), sent);
        assertEquals(List.of(), outbox(earlier).pending());
    }

    @Test
    void deliverTriesEveryItemNowWhateverItsBackoffAndPrintsFreshReasons() throws Exception {
        List<Item> items = enqueueFinalEvent(earlier);
        Outcome notRunning = new Outcome.Retryable(-1, "gateway not running on http://127.0.0.1:18789: start it with"
                + " \"openclaw gateway run\"", Duration.ofHours(1));
        // the runner's last attempt: next one due in about 50 minutes
        new Deliverer(outbox(earlier), answering(notRunning), Clock.fixed(earlier, ZoneOffset.UTC), d -> {}, () -> 0.5)
                .flush(Duration.ZERO);
        sent.clear();

        Result stillDown = deliver(answering(DOWN), "--deadline", "0");

        Item message = outbox(earlier).pending().get(0);
        assertEquals(new Result(1, "Delivered 0, pending 2, failed 0\n"
                + "  pending: " + items.get(0).id() + " (completed message): HTTP 503: Gateway context is unavailable; "
                + "next attempt " + local(message.nextAttemptAt(), "yyyy-MM-dd HH:mm:ss") + "\n"
                + "  pending: " + items.get(1).id() + " (completed wake): waiting for the earlier item of its run; "
                + "next attempt " + local(earlier, "yyyy-MM-dd HH:mm:ss") + "\n", ""), stillDown);

        Result fixed = deliver(answering());

        assertEquals(new Result(0, "Delivered 2, pending 0, failed 0\n", ""), fixed);
        assertEquals(List.of("message ✅ done", "message ✅ done", "sessions_send [CLAUDE_CODE_RESULT] done"), sent);
    }

    @Test
    void retryFailedBringsGivenUpItemsBackAndSendsThemInOrder() throws Exception {
        enqueueFinalEvent(earlier);
        Outcome badUrl = new Outcome.Permanent(-1, "invalid gateway URL ftp://127.0.0.1:1");
        new Deliverer(outbox(earlier), answering(badUrl, badUrl), Clock.fixed(earlier, ZoneOffset.UTC), d -> {},
                () -> 0.5).flush(Duration.ZERO);
        assertEquals(2, outbox(earlier).failed().size());
        sent.clear();

        Result r = deliver(answering(), "--retry-failed");

        assertEquals(new Result(0, "Delivered 2, pending 0, failed 0\n", ""), r);
        assertEquals(List.of("message ✅ done", "sessions_send [CLAUDE_CODE_RESULT] done"), sent);
        assertEquals(List.of(), outbox(earlier).failed());
        assertEquals(List.of(), outbox(earlier).pending());
    }

    @Test
    void unreadableOutboxFilesAreMovedToFailedAndNamedOneLineEach() throws Exception {
        Path dir = state.resolve("claude-code-task/outbox");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("1796000000000-a-1.json"), "");
        Files.writeString(dir.resolve("1796000000000-b-1.json"), "{\"version\":2}");

        Result r = deliver(answering());

        assertEquals(new Result(0, "Delivered 0, pending 0, failed 2\n"
                + "  failed: 1796000000000-a-1.json (unreadable: not an outbox item (no \"version\": 1)); moved to "
                + dir.resolve("failed") + "\n"
                + "  failed: 1796000000000-b-1.json (unreadable: not an outbox item (no \"version\": 1)); moved to "
                + dir.resolve("failed") + "\n", ""), r);
        assertTrue(Files.exists(dir.resolve("failed/1796000000000-a-1.json")));
        assertEquals(new Result(0, "Delivered 0, pending 0, failed 0\n", ""), deliver(answering()));
    }

    @Test
    void pendingItemsAreExplainedAndTheExitCodeIsOne() throws Exception {
        List<Item> items = enqueueFinalEvent(earlier);

        Result r = deliver(answering(DOWN, DOWN, DOWN), "--deadline", "0");

        Item message = outbox(earlier).pending().get(0);
        assertEquals(1, message.attempts());
        assertEquals(new Result(1, "Delivered 0, pending 2, failed 0\n"
                + "  pending: " + items.get(0).id() + " (completed message): HTTP 503: Gateway context is unavailable; "
                + "next attempt " + local(message.nextAttemptAt(), "yyyy-MM-dd HH:mm:ss") + "\n"
                + "  pending: " + items.get(1).id() + " (completed wake): waiting for the earlier item of its run; "
                + "next attempt " + local(earlier, "yyyy-MM-dd HH:mm:ss") + "\n", ""), r);
        Result json = deliver(answering(DOWN, DOWN, DOWN), "--deadline", "0", "--json");
        assertTrue(json.out().contains("\n      \"nextAttemptAt\": \"" + local(earlier, "yyyy-MM-dd'T'HH:mm:ss") + "\"\n"),
                json.out());
        assertEquals(List.of("message ✅ done", "message ✅ done"), sent,
                "each deliver tries the message at once; the wake waits for it");
    }

    @Test
    void aPermanentFailureIsReportedOnceAndDoesNotCountAsPending() throws Exception {
        List<Item> items = enqueueFinalEvent(earlier);

        Result r = deliver(answering(new Outcome.Permanent(400, "HTTP 400: action required")));

        assertEquals(new Result(0, "Delivered 1, pending 0, failed 1\n"
                + "  failed: " + items.get(0).id() + " (completed message): HTTP 400: action required\n", ""), r);
        assertEquals(new Result(0, "Delivered 0, pending 0, failed 0\n", ""), deliver(answering()));
    }

    @Test
    void jsonOutputListsEveryItem() throws Exception {
        List<Item> items = enqueueFinalEvent(earlier);

        Result r = deliver(answering(), "--json");

        assertEquals(0, r.code());
        String item = "    {\n      \"id\": \"%s\",\n      \"event\": \"completed\",\n      \"kind\": \"%s\",\n"
                + "      \"state\": \"delivered\",\n      \"attempts\": 0,\n      \"reason\": null,\n"
                + "      \"nextAttemptAt\": null\n    }";
        assertEquals("{\n  \"delivered\": 2,\n  \"pending\": 0,\n  \"failed\": 0,\n  \"items\": [\n"
                + item.formatted(items.get(0).id(), "message") + ",\n" + item.formatted(items.get(1).id(), "wake")
                + "\n  ],\n  \"unreadable\": []\n}\n", r.out(), "pretty-printed like every other --json output");
    }

    @Test
    void withoutATokenNothingIsSentAndItemsStay() throws Exception {
        enqueueFinalEvent(earlier);

        Result r = deliver(null);

        assertEquals(1, r.code());
        assertTrue(r.out().startsWith("Delivered 0, pending 2, failed 0\n"), r.out());
        assertTrue(r.out().contains("(completed message): not attempted: no gateway token; next attempt "), r.out());
        assertEquals(2, outbox(earlier).pending().size());
    }

    @Test
    void itemsOlderThanSevenDaysAreMovedToFailed() throws Exception {
        List<Item> items = enqueueFinalEvent(Instant.now().minus(Duration.ofDays(8)));

        Result r = deliver(answering());

        assertEquals(0, r.code());
        assertEquals("Delivered 0, pending 0, failed 2\n"
                + "  failed: " + items.get(0).id() + " (completed message): expired: not delivered within 7 days\n"
                + "  failed: " + items.get(1).id() + " (completed wake): expired: not delivered within 7 days\n", r.out());
        assertEquals(List.of(), sent);
        assertEquals(2, outbox(earlier).failed().size());
    }

    @Test
    void gatewayOptionsAndTheStateDirReachTheSenderFactory() {
        Result r = deliver(answering(), "--gateway-url", "http://127.0.0.1:1", "--token-env", "MY_TOKEN");
        assertEquals(new Result(0, "Delivered 0, pending 0, failed 0\n", ""), r);
        assertEquals(List.of(state.toString(), "http://127.0.0.1:1", "MY_TOKEN"), factoryArgs);
    }

    @Test
    void aNegativeDeadlineIsAUsageError() {
        Result r = deliver(answering(), "--deadline", "-1");
        assertEquals(2, r.code());
        assertEquals("--deadline must be >= 0, not -1\nUsage: run-task deliver [OPTIONS]\n"
                + "See 'run-task deliver --help'.\n", r.err());
        assertEquals(List.of(), factoryArgs);
    }

    @Test
    void deliverIsASubcommandOfRunTask() {
        CliRun r = CliRun.runAndEnsureExitCodeOk(state, "deliver", "--help");
        assertTrue(r.out().contains("--deadline=SECONDS"), r.out());
    }

    /** An instant in this machine's time zone, as the outputs show it. */
    private static String local(Instant t, String pattern) {
        return java.time.format.DateTimeFormatter.ofPattern(pattern).format(t.atZone(java.time.ZoneId.systemDefault()));
    }
}
