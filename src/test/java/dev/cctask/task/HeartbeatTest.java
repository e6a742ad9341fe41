package dev.cctask.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class HeartbeatTest {

    @Test
    void theLineIsBuiltAtSendTimeOnEachTick() throws Exception {
        AtomicInteger n = new AtomicInteger();
        List<String> sent = new CopyOnWriteArrayList<>();
        CountDownLatch three = new CountDownLatch(3);
        try (Heartbeat hb = new Heartbeat(20, CompletableFuture.completedFuture(null),
                () -> "beat " + n.incrementAndGet(), line -> {
                    sent.add(line);
                    three.countDown();
                })) {
            assertTrue(three.await(5, TimeUnit.SECONDS));
        }
        assertEquals(List.of("beat 1", "beat 2", "beat 3"), sent.subList(0, 3));
    }

    /** A heartbeat whose clock never ticks during a test: the test calls {@link Heartbeat#tick()} itself. */
    private static Heartbeat ticked(CompletableFuture<?> launch, Supplier<String> line, Consumer<String> sender,
            Executor sends) {
        long never = TimeUnit.HOURS.toMillis(1);
        return new Heartbeat(never, never, launch, line, sender, sends);
    }

    @Test
    void aSlowSendSkipsTicksInsteadOfPilingUp() throws Exception {
        AtomicInteger n = new AtomicInteger();
        List<String> sent = new CopyOnWriteArrayList<>();
        CountDownLatch firstSending = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Semaphore sendsReturned = new Semaphore(0);
        Executor ownThread = send -> new Thread(() -> {
            send.run();
            sendsReturned.release();
        }).start();
        try (Heartbeat hb = ticked(CompletableFuture.completedFuture(null), () -> "beat " + n.incrementAndGet(), line -> {
            sent.add(line);
            firstSending.countDown();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, ownThread)) {
            hb.tick();
            assertTrue(firstSending.await(5, TimeUnit.SECONDS));
            for (int i = 0; i < 20; i++) {
                hb.tick();
            }
            assertEquals(List.of("beat 1"), sent, "twenty ticks while the first send hangs send nothing");
            release.countDown();
            assertTrue(sendsReturned.tryAcquire(5, TimeUnit.SECONDS));
            hb.tick();
            assertTrue(sendsReturned.tryAcquire(5, TimeUnit.SECONDS));
        }
        assertEquals(List.of("beat 1", "beat 2"), sent, "the next tick after the slow send sends again");
    }

    @Test
    void theFirstHeartbeatWaitsForTheLaunchMessage() {
        CompletableFuture<Void> launch = new CompletableFuture<>();
        List<String> events = new ArrayList<>();
        try (Heartbeat hb = ticked(launch, () -> "beat", events::add, Runnable::run)) {
            hb.tick();
            assertEquals(List.of(), events, "no heartbeat before the launch call finished");
            events.add("launch done");
            launch.complete(null);
        }
        assertEquals(List.of("launch done", "beat"), events);
    }

    @Test
    void nothingIsSentAfterClose() {
        CompletableFuture<Void> launch = new CompletableFuture<>();
        List<String> sent = new ArrayList<>();
        Heartbeat hb = ticked(launch, () -> "beat", sent::add, Runnable::run);
        hb.tick(); // due, waiting for the launch message
        hb.close();
        launch.complete(null);
        hb.tick();
        assertEquals(List.of(), sent);
    }
}
