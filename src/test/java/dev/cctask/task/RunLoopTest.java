package dev.cctask.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cctask.claude.Attempt.Stop;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RunLoopTest {
    private static final Duration GRACE = Duration.ofSeconds(5);
    private static final Duration WITHIN = Duration.ofSeconds(10);

    @Test
    void theFirstStopWinsAndACancelAfterItIsKeptForTheEnd() throws Exception {
        try (RunLoop loop = new RunLoop()) {
            assertFalse(loop.stopping());
            assertTrue(loop.post(Stop.EXITED));
            assertFalse(loop.post(Stop.TIMEOUT), "the first stop wins");
            assertTrue(loop.post(Stop.CANCELLED), "a cancel is kept: no pause may begin after it");
            assertTrue(loop.stopping());
            assertEquals(Stop.EXITED, assertTimeoutPreemptively(WITHIN, () -> loop.awaitStop(() -> -1, GRACE)));
            assertTrue(loop.finishing(), "the end learns of the cancel: its delivery stops at once");
            assertFalse(loop.post(Stop.CANCELLED), "a signal while the run reports finds it finishing");
        }
    }

    @Test
    void aCancelBeforeThePauseMeansThereIsNoPause() throws Exception {
        try (RunLoop loop = new RunLoop()) {
            loop.post(Stop.EXITED);
            loop.awaitStop(() -> -1, GRACE);
            loop.post(Stop.CANCELLED);
            assertFalse(assertTimeoutPreemptively(WITHIN, () -> loop.awaitResume(Instant.now().plusSeconds(3600),
                    Clock.systemUTC())));
        }
    }

    @Test
    void aCancelDuringThePauseEndsItAtOnce() throws Exception {
        try (RunLoop loop = new RunLoop()) {
            loop.post(Stop.EXITED);
            loop.awaitStop(() -> -1, GRACE);
            Thread canceller = new Thread(() -> {
                while (loop.stopping()) {
                    Thread.onSpinWait(); // until the pause has begun
                }
                loop.post(Stop.CANCELLED);
            });
            canceller.start();
            assertFalse(assertTimeoutPreemptively(WITHIN, () -> loop.awaitResume(Instant.now().plusSeconds(3600),
                    Clock.systemUTC())));
            canceller.join();
            assertFalse(loop.finishing(), "the cancel was the stop itself");
        }
    }

    @Test
    void thePauseEndsWhenTheWallClockReachesTheResumeTimeAndTheNextAttemptTakesItsOwnStops() throws Exception {
        try (RunLoop loop = new RunLoop()) {
            loop.post(Stop.EXITED);
            loop.awaitStop(() -> -1, GRACE);
            Instant due = Instant.parse("2026-12-03T14:05:30Z");
            assertTrue(assertTimeoutPreemptively(WITHIN, () -> loop.awaitResume(due, Clock.fixed(due, ZoneOffset.UTC))));
            assertFalse(loop.stopping());
            assertTrue(loop.post(Stop.EXITED), "the resumed attempt's exit is its stop");
        }
    }

    @Test
    void theTimeoutCountsWorkingTimeOnly() throws Exception {
        try (RunLoop loop = new RunLoop()) {
            loop.work(Duration.ofMillis(300));
            loop.idle(); // paused before the timeout: it does not fire
            Thread.sleep(600); // longer than the timeout, while idle
            assertFalse(loop.stopping(), "no timeout while nothing works");
            loop.work(Duration.ofMillis(300)); // the rest of the 300 ms
            assertEquals(Stop.TIMEOUT, assertTimeoutPreemptively(WITHIN, () -> loop.awaitStop(() -> -1, GRACE)));
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
            loop.work(Duration.ofSeconds(1));
            assertEquals(Stop.TIMEOUT, assertTimeoutPreemptively(WITHIN, () -> loop.awaitStop(() -> -1, GRACE)));
        }
    }
}
