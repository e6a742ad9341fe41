package dev.cctask.delivery;

import static dev.cctask.delivery.FakeTime.START;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cctask.delivery.Deliverer.ItemReport;
import dev.cctask.delivery.Deliverer.Report;
import dev.cctask.delivery.Deliverer.State;
import dev.cctask.delivery.Outbox.Item;
import dev.cctask.gateway.Outcome;
import dev.cctask.gateway.Transport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

class DelivererTest {

    private static final Duration DEADLINE = Duration.ofSeconds(900);

    @TempDir
    Path state;

    private final FakeTime time = new FakeTime();

    private Outbox outbox() {
        return new Outbox(state.resolve("outbox"), time);
    }

    /** Jitter fixed at the middle of its range, so backoff is exactly 1, 2, 4 … s. */
    private Deliverer deliverer(Sender sender) {
        return new Deliverer(outbox(), sender, time, time, () -> 0.5);
    }

    private List<Item> enqueue(String run) throws Exception {
        return outbox().enqueue(run, Event.COMPLETED, Drafts.finalEvent(run));
    }

    /** Accepts everything but the first send of the message {@code text} (503); records each message text sent. */
    private static Sender unavailableOnceFor(String text, List<String> sent) {
        AtomicBoolean failedOnce = new AtomicBoolean();
        return (transport, body, key) -> {
            String message = body.path("args").path("message").asText();
            sent.add(message);
            return message.equals(text) && failedOnce.compareAndSet(false, true)
                    ? ScriptedSender.unavailable(503) : ScriptedSender.OK;
        };
    }

    private static Instant at(double seconds) {
        return START.plusMillis(Math.round(seconds * 1000));
    }

    private static List<Instant> times(ScriptedSender sender) {
        return sender.calls.stream().map(ScriptedSender.Call::at).toList();
    }

    @Test
    void unavailableTwiceThenAcceptedIsDelivered() throws Exception {
        List<Item> mine = outbox().enqueue("r", Event.COMPLETED, List.of(Drafts.message("done r")));
        ScriptedSender gateway = new ScriptedSender(time, ScriptedSender.unavailable(503), ScriptedSender.unavailable(503));

        Report report = deliverer(gateway).flush(DEADLINE);

        assertEquals(List.of(at(0), at(1), at(3)), times(gateway));
        assertEquals(1, report.delivered());
        assertEquals(0, report.pending());
        assertTrue(report.allDelivered(mine));
        assertEquals(List.of(), outbox().pending());
        assertEquals(List.of(), outbox().failed());
    }

    @Test
    void fiveServerErrorsBackOffExponentiallyThenTheItemIsAccepted() throws Exception {
        enqueue("r");
        Outcome e500 = ScriptedSender.unavailable(500);
        ScriptedSender gateway = new ScriptedSender(time, e500, e500, e500, e500, e500);

        Report report = deliverer(gateway).flush(DEADLINE);

        assertEquals(List.of("message done r", "message done r", "message done r", "message done r",
                "message done r", "message done r", "sessions_send wake r"), gateway.sent());
        assertEquals(List.of(1L, 2L, 4L, 8L, 16L), time.sleeps.stream().map(Duration::toSeconds).toList());
        assertEquals(2, report.delivered());
    }

    @Test
    void retryAfterIsTheMinimumWait() throws Exception {
        outbox().enqueue("r", Event.COMPLETED, List.of(Drafts.message("done r")));
        ScriptedSender gateway = new ScriptedSender(time, ScriptedSender.tooMany(Duration.ofSeconds(2)));
        // jitter at its top: the backoff alone would be 1.2 s
        new Deliverer(outbox(), gateway, time, time, () -> 0.999).flush(DEADLINE);

        assertEquals(2, gateway.calls.size());
        Duration waited = Duration.between(gateway.calls.get(0).at(), gateway.calls.get(1).at());
        assertTrue(waited.compareTo(Duration.ofSeconds(2)) >= 0, waited.toString());
    }

    @Test
    void badRequestMovesTheMessageToFailedAtOnceAndTheWakeStillGoes() throws Exception {
        enqueue("r");
        ScriptedSender gateway = new ScriptedSender(time, ScriptedSender.badRequest());

        Report report = deliverer(gateway).flush(DEADLINE);

        assertEquals(List.of("message done r", "sessions_send wake r"), gateway.sent());
        assertEquals(List.of(), time.sleeps);
        assertEquals(1, report.failed());
        assertEquals(1, report.delivered());
        ItemReport failed = report.items().stream().filter(r -> r.state() == State.FAILED).findFirst().orElseThrow();
        assertEquals("HTTP 400: action required", failed.reason());
        assertEquals(Outbox.Kind.MESSAGE, failed.kind());
        assertEquals(1, outbox().failed().size());
        assertEquals("HTTP 400: action required", outbox().failed().get(0).lastError());

        assertEquals(List.of(), deliverer(gateway).flush(DEADLINE).items(), "a failure is reported once");
    }

    static Stream<Outcome> refusals() {
        return Stream.of(new Outcome.Permanent(413, "HTTP 413: Payload too large"),
                new Outcome.NeedsFix(404, "HTTP 404: Tool not available: message"),
                new Outcome.Retryable(200, "message failed: no documents on this channel", Duration.ZERO),
                new Outcome.Retryable(-1, "no answer from the gateway on http://127.0.0.1:18789 within 30s", Duration.ZERO));
    }

    @ParameterizedTest
    @MethodSource("refusals")
    void aDocumentNotAcceptedAtItsFirstAttemptIsGivenUpAndTheWakeFollows(Outcome refusal) throws Exception {
        outbox().enqueue("r", Event.COMPLETED, List.of(Drafts.message("done r"), Drafts.document("📎 r"),
                Drafts.wake("wake r")));
        ScriptedSender gateway = new ScriptedSender(time, ScriptedSender.OK, refusal);

        Report report = deliverer(gateway).flush(DEADLINE);

        assertEquals(List.of("message done r", "message 📎 r", "sessions_send wake r"), gateway.sent());
        assertEquals(List.of(), time.sleeps, "no retry, no wait");
        ItemReport failed = report.items().stream().filter(r -> r.state() == State.FAILED).findFirst().orElseThrow();
        assertEquals(Outbox.Kind.DOCUMENT, failed.kind());
        assertEquals(refusal.describe(), failed.reason());
        assertEquals(List.of(), outbox().pending());
        assertEquals(Outbox.Kind.DOCUMENT, outbox().failed().get(0).kind(), "kept in failed/ for deliver --retry-failed");
    }

    @Test
    void aDocumentTheGatewayAnswered5xxIsSentAgainAfterOneSecondAndTheWakeFollowsItsAcceptance() throws Exception {
        outbox().enqueue("r", Event.COMPLETED, List.of(Drafts.message("done r"), Drafts.document("📎 r"),
                Drafts.wake("wake r")));
        ScriptedSender gateway = new ScriptedSender(time, ScriptedSender.OK, ScriptedSender.unavailable(500));

        Report report = deliverer(gateway).flush(DEADLINE);

        assertEquals(List.of("message done r", "message 📎 r", "message 📎 r", "sessions_send wake r"), gateway.sent());
        assertEquals(1, time.sleeps.size(), "one backoff, about 1 s: " + time.sleeps);
        assertTrue(time.sleeps.get(0).toMillis() >= 800 && time.sleeps.get(0).toMillis() <= 1200, time.sleeps.toString());
        assertEquals(3, report.delivered());
        assertEquals(List.of(), outbox().failed());
    }

    @Test
    void aDocumentStillAnswered5xxAtItsThirdAttemptIsGivenUpAndTheWakeFollows() throws Exception {
        outbox().enqueue("r", Event.COMPLETED, List.of(Drafts.message("done r"), Drafts.document("📎 r"),
                Drafts.wake("wake r")));
        Outcome locked = ScriptedSender.unavailable(500);
        ScriptedSender gateway = new ScriptedSender(time, ScriptedSender.OK, locked, locked, locked);

        deliverer(gateway).flush(DEADLINE);

        assertEquals(List.of("message done r", "message 📎 r", "message 📎 r", "message 📎 r", "sessions_send wake r"),
                gateway.sent());
        assertEquals(2, time.sleeps.size(), "1 and 2 s apart: " + time.sleeps);
        assertEquals(Outbox.Kind.DOCUMENT, outbox().failed().get(0).kind());
        assertEquals(List.of(), outbox().pending());
    }

    @Test
    void theWakeAfterARefusedDocumentNoLongerSaysItIsAttached() throws Exception {
        String attached = Messages.documentAttached("done r", "cc-r-result.md", null);
        outbox().enqueue("r", Event.COMPLETED, List.of(Drafts.message("done r"), Drafts.document("📎 r"),
                Drafts.wake("[CLAUDE_CODE_RESULT]\n" + attached + "\n\n---\n⚠️ INSTRUCTION: …")));
        Outcome refusal = new Outcome.Permanent(413, "HTTP 413: Payload too large", null);
        ScriptedSender gateway = new ScriptedSender(time, ScriptedSender.OK, refusal, ScriptedSender.unavailable(502));

        deliverer(gateway).flush(Duration.ofMillis(1));

        String told = "sessions_send [CLAUDE_CODE_RESULT]\ndone r\n\n📎 The chat did not take the full output as a file"
                + " (HTTP 413: Payload too large): the user has only the message above; the whole output is in its Full"
                + " output file.\n\n---\n⚠️ INSTRUCTION: …";
        assertEquals(List.of("message done r", "message 📎 r", told), gateway.sent());
        assertEquals(told.substring("sessions_send ".length()),
                outbox().pending().get(0).body().path("args").path("message").asText(),
                "kept so for the retry, also by run-task deliver");
    }

    @Test
    void aWrongTokenIsNotRetriedButKeptForDeliverAfterTheFix() throws Exception {
        enqueue("r");
        Outcome wrongToken = new Outcome.NeedsFix(401, "HTTP 401: Unauthorized — wrong gateway token");
        ScriptedSender refusing = new ScriptedSender(time, wrongToken, wrongToken, wrongToken);

        Report first = deliverer(refusing).flush(DEADLINE);

        assertEquals(List.of("message done r"), refusing.sent(), "one attempt, no retry loop against a 401");
        assertEquals(List.of(), time.sleeps);
        assertEquals(2, first.pending());
        assertEquals("HTTP 401: Unauthorized — wrong gateway token", first.items().get(0).reason());
        assertEquals("HTTP 401: Unauthorized — wrong gateway token", outbox().pending().get(0).lastError());
        assertEquals(List.of(), outbox().failed());

        ScriptedSender fixed = new ScriptedSender(time);
        Report later = deliverer(fixed).flush(DEADLINE);
        assertEquals(List.of("message done r", "sessions_send wake r"), fixed.sent());
        assertEquals(2, later.delivered());
    }

    @Test
    void withoutADurableOutboxTheItemsAreRetriedInMemoryInOrderTheWakeAfterItsMessage() throws Exception {
        MemoryOutbox memory = new MemoryOutbox("r", Event.COMPLETED, Drafts.finalEvent("r"), time);
        ScriptedSender gateway = new ScriptedSender(time, ScriptedSender.unavailable(500));

        Report report = new Deliverer(memory, gateway, time, time, () -> 0.5).flush(DEADLINE);

        assertEquals(List.of("message done r", "message done r", "sessions_send wake r"), gateway.sent());
        assertEquals(List.of(at(0), at(1), at(1)), times(gateway));
        assertEquals(2, report.delivered());
        assertEquals(List.of(), memory.pending());
        assertEquals(List.of(), outbox().pending(), "nothing was written");
    }

    @Test
    void inMemoryItemsNotAcceptedByTheDeadlineAreReportedPending() throws Exception {
        MemoryOutbox memory = new MemoryOutbox("r", Event.COMPLETED, Drafts.finalEvent("r"), time);
        Outcome e500 = ScriptedSender.unavailable(500);
        ScriptedSender gateway = new ScriptedSender(time, e500, e500, e500);

        Report report = new Deliverer(memory, gateway, time, time, () -> 0.5).flush(Duration.ofSeconds(2));

        assertEquals(List.of("message done r", "message done r"), gateway.sent(), "at 0 s and 1 s; 3 s is too late");
        assertEquals(2, report.pending());
        assertEquals(List.of(2, 0), memory.pending().stream().map(Item::attempts).toList());
    }

    @Test
    void flushNowAttemptsEveryItemAtOnceWhateverItsBackoff() throws Exception {
        enqueue("r");
        deliverer(new ScriptedSender(time, ScriptedSender.tooMany(Duration.ofHours(1)))).flush(Duration.ZERO);
        assertEquals(START.plus(Duration.ofHours(1)), outbox().pending().get(0).nextAttemptAt());
        ScriptedSender fixed = new ScriptedSender(time);

        assertEquals(List.of(), deliverer(fixed).flush(Duration.ZERO).items().stream()
                .filter(r -> r.state() != State.PENDING).toList(), "an ordinary flush waits for the backoff");
        Report now = deliverer(fixed).flushNow(Duration.ZERO);

        assertEquals(List.of("message done r", "sessions_send wake r"), fixed.sent());
        assertEquals(2, now.delivered());
        assertEquals(List.of(), time.sleeps);
    }

    @Test
    void stopEndsAFlushWaitingForItsNextAttemptAndKeepsTheItems() throws Exception {
        Outbox real = new Outbox(state.resolve("outbox"));
        real.enqueue("r", Event.COMPLETED, Drafts.finalEvent("r"));
        CountDownLatch attempted = new CountDownLatch(1);
        Deliverer deliverer = new Deliverer(real, (transport, body, key) -> {
            attempted.countDown();
            return ScriptedSender.unavailable(503);
        });
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            Future<Report> flush = thread.submit(() -> deliverer.flush(DEADLINE));
            assertTrue(attempted.await(10, TimeUnit.SECONDS));

            deliverer.stop();

            Report report = flush.get(2, TimeUnit.SECONDS);
            assertEquals(2, report.pending());
            assertEquals(2, real.pending().size());
        } finally {
            thread.shutdownNow();
        }
    }

    @Test
    void afterTheDeadlineItemsRemainAndALaterFlushDeliversThemInOrder() throws Exception {
        enqueue("r");
        Outcome down = ScriptedSender.unavailable(503);
        ScriptedSender broken = new ScriptedSender(time, down, down, down, down, down, down, down, down);

        Report first = deliverer(broken).flush(Duration.ofSeconds(5));

        assertEquals(List.of(at(0), at(1), at(3)), times(broken), "the next attempt (at 7 s) is past the deadline");
        assertEquals(List.of("message done r", "message done r", "message done r"), broken.sent(),
                "the wake waits for its message");
        assertEquals(0, first.delivered());
        assertEquals(2, first.pending());
        ItemReport message = first.items().get(0);
        assertEquals("HTTP 503: gateway unavailable", message.reason());
        assertEquals(at(7), message.nextAttemptAt());
        assertEquals(3, message.attempts());
        assertEquals(Deliverer.WAITING, first.items().get(1).reason());

        ScriptedSender healthy = new ScriptedSender(time);
        Report later = deliverer(healthy).flush(Duration.ofSeconds(60));

        assertEquals(List.of("message done r", "sessions_send wake r"), healthy.sent());
        assertEquals(List.of(at(7), at(7)), times(healthy), "the stored next attempt time is honoured");
        assertEquals("Delivered 2, pending 0, failed 0",
                LogLines.deliverSummary(later.delivered(), later.pending(), later.failed()));
    }

    @Test
    void theItemIsOnDiskBeforeTheFirstSend() throws Exception {
        Item item = enqueue("r").get(0);
        Path file = outbox().dir().resolve(item.id() + ".json");
        List<Boolean> onDisk = new ArrayList<>();
        ScriptedSender gateway = new ScriptedSender(time);
        gateway.onCall = () -> onDisk.add(Files.exists(file));

        deliverer(gateway).flush(DEADLINE);

        assertEquals(true, onDisk.get(0));
        assertTrue(Files.notExists(file), "removed once accepted");
    }

    @Test
    void theWakeIsSentOnlyAfterItsMessageIsAccepted() throws Exception {
        enqueue("r");
        ScriptedSender gateway = new ScriptedSender(time, ScriptedSender.unavailable(502));

        deliverer(gateway).flush(DEADLINE);

        assertEquals(List.of("message done r", "message done r", "sessions_send wake r"), gateway.sent());
        assertEquals(List.of(at(0), at(1), at(1)), times(gateway));
    }

    @Test
    void aRunWhoseMessageIsRetriedDoesNotHoldBackAnotherRun() throws Exception {
        enqueue("a");
        time.advance(Duration.ofMillis(1));
        enqueue("b");
        List<String> sent = Collections.synchronizedList(new ArrayList<>());
        Sender gateway = unavailableOnceFor("done a", sent);

        Report report = deliverer(gateway).flush(DEADLINE);

        assertEquals(List.of("done a", "done b", "wake b", "done a", "wake a"), sent);
        assertEquals(4, report.delivered());
    }

    @Test
    void aRunsOwnItemsGoBeforeOlderRunsLeftoversAndAreRetriedInTheSameFlush() throws Exception {
        enqueue("older");
        time.advance(Duration.ofMillis(1));
        List<Item> mine = enqueue("mine");
        List<String> sent = Collections.synchronizedList(new ArrayList<>());
        Sender gateway = unavailableOnceFor("done mine", sent);

        Report report = deliverer(gateway).flush(mine, DEADLINE);

        assertEquals(List.of("done mine", "done older", "wake older", "done mine", "wake mine"), sent);
        assertEquals(4, report.delivered());
        assertTrue(report.allDelivered(mine));
        assertEquals(List.of(), outbox().pending());
    }

    @Test
    void withoutASenderItemsStayPendingUnattempted() throws Exception {
        enqueue("r");
        Report report = new Deliverer(outbox(), null, time, time, () -> 0.5).flush(DEADLINE);
        assertEquals(2, report.pending());
        assertEquals(List.of(Deliverer.NO_TOKEN, Deliverer.NO_TOKEN),
                report.items().stream().map(ItemReport::reason).toList());
        assertEquals(0, outbox().pending().get(0).attempts());
    }

    @Test
    void aSenderThatThrowsLosesNothing() throws Exception {
        outbox().enqueue("r", Event.CRASH, List.of(Drafts.message("crash r")));
        AtomicBoolean thrown = new AtomicBoolean();
        Sender flaky = (transport, body, key) -> {
            if (thrown.compareAndSet(false, true)) {
                throw new IllegalStateException("bug");
            }
            return ScriptedSender.OK;
        };
        Report report = deliverer(flaky).flush(DEADLINE);
        assertEquals(1, report.delivered());
        assertEquals(List.of(Duration.ofSeconds(1)), time.sleeps);
    }

    @Test
    void theSenderGetsTheStoredTransportBodyAndIdempotencyKey() throws Exception {
        JsonNode body = Drafts.JSON.readTree("{\"message\":\"p\",\"name\":\"claude-code-task\",\"deliver\":true}");
        outbox().enqueue("r", Event.LOST, List.of(new Outbox.Draft(Outbox.Kind.WAKE, Transport.HOOKS_AGENT, body, "r:lost")));
        ScriptedSender gateway = new ScriptedSender(time);
        deliverer(gateway).flush(DEADLINE);
        assertEquals(List.of(new ScriptedSender.Call(Transport.HOOKS_AGENT, body, "r:lost", START)), gateway.calls);
    }

    @Test
    void itemsOlderThanSevenDaysAreGivenUp() throws Exception {
        enqueue("old");
        time.advance(Outbox.MAX_AGE.plusMillis(1));
        enqueue("new");

        Report expired = deliverer(new ScriptedSender(time)).expire(Outbox.MAX_AGE);

        assertEquals(2, expired.failed());
        assertTrue(expired.items().get(0).reason().startsWith("expired: not delivered within 7 days"),
                expired.items().get(0).reason());
        assertEquals(List.of("new", "new"), outbox().pending().stream().map(Item::runId).toList());
        assertEquals(2, outbox().failed().size());
    }

    @Test
    void backoffDoublesIsCappedAt60sAndJittersBy20Percent() throws Exception {
        assertEquals(Duration.ofMillis(800), new Deliverer(outbox(), null, time, time, () -> 0.0).backoff(1, null));
        assertEquals(Duration.ofMillis(1200), new Deliverer(outbox(), null, time, time, () -> 1.0).backoff(1, null));
        Deliverer middle = deliverer(null);
        assertEquals(Duration.ofSeconds(32), middle.backoff(6, null));
        assertEquals(Duration.ofSeconds(60), middle.backoff(7, null));
        assertEquals(Duration.ofSeconds(60), middle.backoff(40, null));
        assertEquals(Duration.ofSeconds(90), middle.backoff(1, Duration.ofSeconds(90)));
        assertEquals(Duration.ofSeconds(4), middle.backoff(3, Duration.ofSeconds(1)));
    }

    @Test
    void twoConcurrentFlushesNeverSendTheSameItemTwice() throws Exception {
        int runs = 10;
        Outbox setup = new Outbox(state.resolve("outbox"));
        for (int i = 0; i < runs; i++) {
            setup.enqueue("run-" + i, Event.COMPLETED, Drafts.finalEvent("run-" + i));
        }
        List<String> sent = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch bothSending = new CountDownLatch(2);
        Sender gateway = (transport, body, key) -> {
            bothSending.countDown();
            try {
                bothSending.await(5, TimeUnit.SECONDS); // make the two flushes overlap
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sent.add(body.path("args").path("message").asText());
            return ScriptedSender.OK;
        };
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Report>> reports = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                reports.add(pool.submit(() -> new Deliverer(new Outbox(state.resolve("outbox")), gateway)
                        .flush(Duration.ofSeconds(30))));
            }
            int delivered = 0;
            for (Future<Report> r : reports) {
                delivered += r.get(60, TimeUnit.SECONDS).delivered();
            }
            assertEquals(2 * runs, delivered);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(2 * runs, sent.size());
        assertEquals(2 * runs, new HashSet<>(sent).size(), "no item sent twice: " + sent);
        for (int i = 0; i < runs; i++) {
            assertTrue(sent.indexOf("done run-" + i) < sent.indexOf("wake run-" + i), sent.toString());
        }
        assertEquals(List.of(), setup.pending());
    }
}
