package dev.cctask.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cctask.claude.Attempt.Stop;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RunLoopTest {
    private static final Duration GRACE = Duration.ofSeconds(5);
    private static final Duration WITHIN = Duration.ofSeconds(10);

    @Test
    void theFirstStopWinsAndALaterCancelLearnsTheRunWasAlreadyStopping() throws Exception {
        try (RunLoop loop = new RunLoop()) {
            assertFalse(loop.stopping());
            assertTrue(loop.post(Stop.EXITED));
            assertFalse(loop.post(Stop.CANCELLED), "a signal after Claude's exit finds the run stopping");
            assertTrue(loop.stopping());
            assertEquals(Stop.EXITED, assertTimeoutPreemptively(WITHIN, () -> loop.awaitStop(() -> -1, GRACE)));
        }
    }

    @Test
    void aStopPostedFromAnotherThreadWakesTheLoop() throws Exception {
        try (RunLoop loop = new RunLoop()) {
            Thread poster = new Thread(() -> loop.post(Stop.CANCELLED));
            poster.start();
            assertEquals(Stop.CANCELLED, assertTimeoutPreemptively(WITHIN, () -> loop.awaitStop(() -> -1, GRACE)));
            poster.join();
        }
    }

    @Test
    void claudeDoneForTheResultGraceStopsTheRunAsDone() throws Exception {
        AtomicLong doneFor = new AtomicLong(-1);
        try (RunLoop loop = new RunLoop()) {
            Thread clock = new Thread(() -> doneFor.set(GRACE.toNanos()));
            clock.start();
            assertEquals(Stop.DONE, assertTimeoutPreemptively(WITHIN, () -> loop.awaitStop(doneFor::get, GRACE)));
            assertFalse(loop.post(Stop.EXITED), "the run is stopping as done");
            clock.join();
        }
    }

    @Test
    void theTimeoutStopsTheRun() throws Exception {
        try (RunLoop loop = new RunLoop()) {
            loop.timeoutAfter(1);
            assertEquals(Stop.TIMEOUT, assertTimeoutPreemptively(WITHIN, () -> loop.awaitStop(() -> -1, GRACE)));
        }
    }
}
