package dev.cctask.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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

    @Test
    void aSlowSendSkipsTicksInsteadOfPilingUp() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger maxConcurrent = new AtomicInteger();
        AtomicInteger sends = new AtomicInteger();
        try (Heartbeat hb = new Heartbeat(10, CompletableFuture.completedFuture(null), () -> "x", line -> {
            int now = concurrent.incrementAndGet();
            maxConcurrent.accumulateAndGet(now, Math::max);
            sends.incrementAndGet();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            concurrent.decrementAndGet();
        })) {
            Thread.sleep(200); // ~20 ticks while the first send hangs
            assertEquals(1, sends.get());
            release.countDown();
        }
        assertEquals(1, maxConcurrent.get());
    }

    @Test
    void theFirstHeartbeatWaitsForTheLaunchMessage() throws Exception {
        CompletableFuture<Void> launch = new CompletableFuture<>();
        List<String> events = new CopyOnWriteArrayList<>();
        CountDownLatch sent = new CountDownLatch(1);
        try (Heartbeat hb = new Heartbeat(10, launch, () -> "beat", line -> {
            events.add(line);
            sent.countDown();
        })) {
            Thread.sleep(100);
            assertTrue(events.isEmpty(), "no heartbeat before the launch call finished");
            events.add("launch done");
            launch.complete(null);
            assertTrue(sent.await(5, TimeUnit.SECONDS));
        }
        assertEquals(List.of("launch done", "beat"), events.subList(0, 2));
    }

    @Test
    void nothingIsSentAfterClose() throws Exception {
        AtomicInteger sends = new AtomicInteger();
        Heartbeat hb = new Heartbeat(10, CompletableFuture.completedFuture(null), () -> "x", l -> sends.incrementAndGet());
        hb.close();
        int after = sends.get();
        Thread.sleep(100);
        assertEquals(after, sends.get());
    }
}
