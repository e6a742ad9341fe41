package dev.cctask.delivery;

import java.nio.file.Path;

/** Child process for {@link ConcurrentDeliverProcessesTest}: prints whether it could claim the oldest item. */
public final class ClaimProbe {
    public static void main(String[] args) throws Exception {
        Outbox outbox = new Outbox(Path.of(args[0]));
        try (Outbox.Claim claim = outbox.claim(outbox.pending().get(0)).orElse(null)) {
            System.out.println(claim == null ? "locked" : "claimed");
        }
    }
}
