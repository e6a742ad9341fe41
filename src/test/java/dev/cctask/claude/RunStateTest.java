package dev.cctask.claude;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RunStateTest {

    @Test
    void heartbeatSnapshotCarriesTheFiguresAndResetsTheChunkCounter() {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        RunState state = new RunState(now::get);
        now.addAndGet(2_500_000_000L);
        assertEquals(new Progress(0, 0, "", 0, 2.5), state.heartbeatSnapshot(), "idle counts from creation (spawn)");

        state.touch();
        state.messageTokens("m1", 1200);
        state.toolCall("\uD83D\uDD27 Agent");
        state.chunk();
        state.chunk();
        now.addAndGet(31_250_000_000L);
        assertEquals(new Progress(1200, 1, "\uD83D\uDD27 Agent", 2, 31.25), state.heartbeatSnapshot());
        assertEquals(new Progress(1200, 1, "\uD83D\uDD27 Agent", 0, 31.25), state.heartbeatSnapshot());
    }

    @Test
    void noChunkIsLostOrCountedTwiceBetweenReaderAndHeartbeat() throws InterruptedException {
        RunState state = new RunState();
        int total = 200_000;
        Thread reader = new Thread(() -> {
            for (int i = 0; i < total; i++) {
                state.chunk();
            }
        });
        reader.start();
        long seen = 0;
        while (reader.isAlive()) {
            seen += state.heartbeatSnapshot().chunksSinceHeartbeat();
        }
        reader.join();
        seen += state.heartbeatSnapshot().chunksSinceHeartbeat();
        assertEquals(total, seen);
    }

    @Test
    void lastReportedTokensPerMessageWinAndTheLargerFigureIsShown() {
        RunState state = new RunState();
        state.messageTokens("m1", 1);
        state.messageTokens("m1", 1);
        state.messageTokens("m2", 1);
        assertEquals(2, state.tokens());
        state.messageTokens("m1", 42);
        assertEquals(43, state.liveTokens());
        state.result(new ResultEvent("ok", false, "success", List.of(), null, null, null, null, null, null), 30, 0);
        assertEquals(43, state.tokens());
        state.result(new ResultEvent("ok", false, "success", List.of(), null, null, null, null, null, null), 30, 0);
        assertEquals(60, state.tokens());
    }

    @Test
    void claudeIsDoneOnlyAfterAResultWithNoBackgroundTaskRunningAndNoTurnQueued() {
        AtomicLong now = new AtomicLong(0);
        RunState state = new RunState(now::get);
        StreamParser parser = new StreamParser(state);
        parser.accept("{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"s\"}");
        parser.accept("{\"type\":\"system\",\"subtype\":\"task_started\",\"task_id\":\"t1\",\"is_backgrounded\":true}");
        parser.accept("{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,\"result\":\"a\",\"queued_turn_count\":0}");
        now.addAndGet(60_000_000_000L);
        assertEquals(-1, state.doneForNanos(), "a background task still runs");

        parser.accept("{\"type\":\"system\",\"subtype\":\"task_notification\",\"task_id\":\"t1\",\"status\":\"completed\"}");
        now.addAndGet(1_000_000_000L);
        assertEquals(1_000_000_000L, state.doneForNanos(), "done since its last task ended");

        parser.accept("{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"s\"}");
        assertEquals(-1, state.doneForNanos(), "a new turn began");
        parser.accept("{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,\"result\":\"b\",\"queued_turn_count\":1}");
        assertEquals(-1, state.doneForNanos(), "the result announces another turn");
        parser.accept("{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,\"result\":\"c\"}");
        now.addAndGet(2_000_000_000L);
        assertEquals(2_000_000_000L, state.doneForNanos());
    }
}
