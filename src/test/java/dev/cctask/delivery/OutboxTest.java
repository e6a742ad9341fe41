package dev.cctask.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cctask.delivery.Outbox.Claim;
import dev.cctask.delivery.Outbox.Draft;
import dev.cctask.delivery.Outbox.Item;
import dev.cctask.delivery.Outbox.Kind;
import dev.cctask.gateway.Transport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxTest {

    private static final String RUN = "3f0c5a4e-1111-4222-8333-444455556666";

    @TempDir
    Path state;

    private final FakeTime time = new FakeTime();

    private Outbox outbox() {
        return new Outbox(state.resolve("claude-code-task/outbox"), time);
    }

    @Test
    void enqueueWritesOneExactJsonFilePerItemInOrder() throws Exception {
        Outbox outbox = outbox();
        ObjectNode hooksBody = Drafts.JSON.createObjectNode().put("message", "wake r1");
        List<Item> items = outbox.enqueue(RUN, Event.COMPLETED,
                List.of(Drafts.message("done r1"), new Draft(Kind.WAKE, Transport.HOOKS_AGENT, hooksBody, RUN)));

        assertEquals(List.of("1795486500123-" + RUN + "-1", "1795486500123-" + RUN + "-2"),
                items.stream().map(Item::id).toList());
        Path first = outbox.dir().resolve("1795486500123-" + RUN + "-1.json");
        assertEquals("{\"version\":1,\"id\":\"1795486500123-" + RUN + "-1\",\"runId\":\"" + RUN + "\",\"seq\":1,"
                + "\"createdAt\":\"2026-11-24T02:15:00.123Z\",\"event\":\"completed\",\"kind\":\"message\","
                + "\"transport\":\"tools_invoke\",\"body\":{\"tool\":\"message\",\"args\":{\"action\":\"send\","
                + "\"channel\":\"whatsapp\",\"target\":\"120363424282127706@g.us\",\"message\":\"done r1\"}},"
                + "\"idempotencyKey\":null,\"attempts\":0,\"nextAttemptAt\":\"2026-11-24T02:15:00.123Z\","
                + "\"lastError\":null}", Files.readString(first, StandardCharsets.UTF_8));
        assertEquals("{\"version\":1,\"id\":\"1795486500123-" + RUN + "-2\",\"runId\":\"" + RUN + "\",\"seq\":2,"
                + "\"createdAt\":\"2026-11-24T02:15:00.123Z\",\"event\":\"completed\",\"kind\":\"wake\","
                + "\"transport\":\"hooks_agent\",\"body\":{\"message\":\"wake r1\"},\"idempotencyKey\":\"" + RUN + "\","
                + "\"attempts\":0,\"nextAttemptAt\":\"2026-11-24T02:15:00.123Z\",\"lastError\":null}",
                Files.readString(outbox.dir().resolve("1795486500123-" + RUN + "-2.json"), StandardCharsets.UTF_8));
        assertEquals(items, outbox.pending());
    }

    @Test
    void itemFilesAre0600AndCreatedDirs0700() throws Exception {
        Outbox outbox = outbox();
        List<Item> items = outbox.enqueue(RUN, Event.CRASH, List.of(Drafts.message("m")));
        assertEquals("rwx------", mode(state.resolve("claude-code-task")));
        assertEquals("rwx------", mode(outbox.dir()));
        assertEquals("rw-------", mode(outbox.dir().resolve(items.get(0).id() + ".json")));

        try (Claim claim = outbox.claim(items.get(0)).orElseThrow()) {
            assertEquals("rw-------", mode(outbox.dir().resolve(items.get(0).id() + ".lock")));
            claim.save(claim.item().afterAttempt(time.instant(), "HTTP 503"));
            assertEquals("rw-------", mode(outbox.dir().resolve(items.get(0).id() + ".json")));
            claim.moveToFailed(claim.item().withError("HTTP 400"));
        }
        assertEquals("rwx------", mode(outbox.failedDir()));
        assertEquals("rw-------", mode(outbox.failedDir().resolve(items.get(0).id() + ".json")));
    }

    @Test
    void pendingIsOldestFirstAcrossRuns() throws Exception {
        Outbox outbox = outbox();
        outbox.enqueue("run-b", Event.FAILED, Drafts.finalEvent("b"));
        time.advance(Duration.ofMillis(1));
        outbox.enqueue("run-a", Event.LOST, Drafts.finalEvent("a"));
        assertEquals(List.of("run-b/1", "run-b/2", "run-a/1", "run-a/2"),
                outbox.pending().stream().map(i -> i.runId() + "/" + i.seq()).toList());
        assertEquals(Event.LOST, outbox.pending().get(2).event());
    }

    @Test
    void unwritableOutboxThrowsACatchableExceptionAndLeavesNothing() throws Exception {
        Files.writeString(state.resolve("claude-code-task"), "a file where the directory should be");
        OutboxException e = assertThrows(OutboxException.class,
                () -> outbox().enqueue(RUN, Event.COMPLETED, Drafts.finalEvent("r")));
        assertTrue(e.getMessage().startsWith("Cannot write to the outbox " + state.resolve("claude-code-task/outbox")),
                e.getMessage());
        assertEquals(List.of(), outbox().pending());
    }

    @Test
    void aFailingSecondItemRemovesTheFirstSoTheCallerCanSendDirectlyWithoutDuplicates() throws Exception {
        Outbox outbox = outbox();
        ObjectNode unserialisable = Drafts.JSON.createObjectNode();
        unserialisable.putPOJO("tool", new Object()); // Jackson cannot write a bare Object
        Draft broken = new Draft(Kind.WAKE, Transport.TOOLS_INVOKE, unserialisable, null);

        assertThrows(OutboxException.class, () -> outbox.enqueue(RUN, Event.COMPLETED,
                List.of(Drafts.message("m"), broken)));
        try (Stream<Path> left = Files.list(outbox.dir())) {
            assertEquals(List.of(), left.toList());
        }
    }

    @Test
    void aClaimIsExclusiveUntilClosed() throws Exception {
        Outbox outbox = outbox();
        Item item = outbox.enqueue(RUN, Event.COMPLETED, List.of(Drafts.message("m"))).get(0);
        Optional<Claim> first = outbox.claim(item);
        assertTrue(first.isPresent());
        assertTrue(outbox.claim(item).isEmpty(), "a second claim while the first is held");
        first.get().close();
        try (Claim again = outbox.claim(item).orElseThrow()) {
            assertEquals(item, again.item());
        }
    }

    @Test
    void aClaimRereadsTheItemAndFindsNothingOnceItIsRemoved() throws Exception {
        Outbox outbox = outbox();
        Item stale = outbox.enqueue(RUN, Event.COMPLETED, List.of(Drafts.message("m"))).get(0);
        try (Claim claim = outbox.claim(stale).orElseThrow()) {
            claim.save(claim.item().afterAttempt(time.instant().plusSeconds(2), "HTTP 503: down"));
        }
        try (Claim claim = outbox.claim(stale).orElseThrow()) {
            assertEquals(1, claim.item().attempts());
            assertEquals("HTTP 503: down", claim.item().lastError());
            claim.remove();
        }
        assertTrue(outbox.claim(stale).isEmpty());
        try (Stream<Path> left = Files.list(outbox.dir())) {
            assertEquals(List.of(), left.toList(), "no item, lock or temp file left");
        }
    }

    @Test
    void movedToFailedKeepsTheLastError() throws Exception {
        Outbox outbox = outbox();
        Item item = outbox.enqueue(RUN, Event.TIMEOUT, List.of(Drafts.message("m"))).get(0);
        try (Claim claim = outbox.claim(item).orElseThrow()) {
            claim.moveToFailed(claim.item().afterAttempt(time.instant(), "HTTP 400: action required"));
        }
        assertEquals(List.of(), outbox.pending());
        List<Item> failed = outbox.failed();
        assertEquals(1, failed.size());
        assertEquals("HTTP 400: action required", failed.get(0).lastError());
        assertEquals(1, failed.get(0).attempts());
        assertFalse(Files.exists(outbox.dir().resolve(item.id() + ".lock")));
    }

    @Test
    void unreadableItemFilesAreSkippedUntilQuarantinedEachNamedWithWhy() throws Exception {
        Outbox outbox = outbox();
        outbox.enqueue(RUN, Event.COMPLETED, List.of(Drafts.message("m")));
        Files.writeString(outbox.dir().resolve("1795486500000-x-1.json"), "{not json");
        Files.writeString(outbox.dir().resolve("1795486500001-y-1.json"), "{\"version\":1,\"id\":\"y\"}");
        Files.writeString(outbox.dir().resolve("1795486500002-z-1.json"), "[]");
        Files.writeString(outbox.dir().resolve(".1795486500000-y-1.json-123.tmp"), "half written");
        assertEquals(List.of(RUN), outbox.pending().stream().map(Item::runId).toList());
        assertTrue(Files.exists(outbox.dir().resolve("1795486500000-x-1.json")), "left for deliver to name");

        assertEquals(List.of(
                new Outbox.Unreadable("1795486500000-x-1.json", "not JSON (Unexpected character ('n' (code 110)):"
                        + " was expecting double-quote to start field name)"),
                new Outbox.Unreadable("1795486500001-y-1.json", "no \"body\" object"),
                new Outbox.Unreadable("1795486500002-z-1.json", "not an outbox item (no \"version\": 1)")),
                outbox.quarantineUnreadable());
        assertTrue(Files.exists(outbox.failedDir().resolve("1795486500000-x-1.json")));
        assertEquals(List.of(RUN), outbox.pending().stream().map(Item::runId).toList());
        assertEquals(List.of(), outbox.quarantineUnreadable());
    }

    @Test
    void requeueFailedBringsGivenUpItemsBackIntoTheQueue() throws Exception {
        Outbox outbox = outbox();
        Item item = outbox.enqueue(RUN, Event.COMPLETED, List.of(Drafts.message("m"))).get(0);
        try (Claim claim = outbox.claim(item).orElseThrow()) {
            claim.moveToFailed(claim.item().afterAttempt(time.instant(), "invalid gateway URL ftp://x"));
        }
        assertEquals(List.of(), outbox.pending());

        outbox.requeueFailed();

        assertEquals(List.of(), outbox.failed());
        Item back = outbox.pending().get(0);
        assertEquals(List.of(item.id(), "invalid gateway URL ftp://x", 1),
                List.of(back.id(), back.lastError(), back.attempts()));
    }

    @Test
    void aMissingOutboxHasNothingPending() throws Exception {
        assertEquals(List.of(), outbox().pending());
        assertEquals(List.of(), outbox().failed());
        assertEquals(state.resolve("claude-code-task/outbox"), Outbox.in(state).dir());
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
