package dev.cctask.delivery;

import dev.cctask.gateway.Outcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * A second process for {@link ConcurrentDeliverProcessesTest}: flushes the outbox with a gateway that appends each
 * send to a shared log. Its first send waits until the other process has also reached its first send.
 *
 * <p>Arguments: outbox dir, log file, rendezvous dir.
 */
public final class FlushProcess {
    public static void main(String[] args) throws Exception {
        Path outbox = Path.of(args[0]);
        Path log = Path.of(args[1]);
        Path rendezvous = Path.of(args[2]);
        long pid = ProcessHandle.current().pid();
        boolean[] first = {true};
        Sender gateway = (transport, body, key) -> {
            try {
                if (first[0]) {
                    first[0] = false;
                    Files.createFile(rendezvous.resolve(Long.toString(pid)));
                    waitForBoth(rendezvous);
                }
                // O_APPEND: each short line lands whole, whichever process writes it
                Files.writeString(log, pid + " " + body.path("args").path("message").asText() + "\n",
                        StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return new Outcome.Accepted(200, "accepted");
        };
        Deliverer.Report report = new Deliverer(new Outbox(outbox), gateway).flush(Duration.ofSeconds(30));
        System.out.println(report.delivered());
    }

    private static void waitForBoth(Path rendezvous) throws IOException, InterruptedException {
        long giveUp = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < giveUp) {
            try (Stream<Path> arrived = Files.list(rendezvous)) {
                if (arrived.count() >= 2) {
                    return;
                }
            }
            Thread.sleep(20);
        }
    }
}
