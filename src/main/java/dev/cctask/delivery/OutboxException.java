package dev.cctask.delivery;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The outbox could not take an item (read-only or full disk, a file where the directory should be, …). Nothing of
 * the failed enqueue is left behind, so the caller can fall back to sending directly without duplicates.
 */
public final class OutboxException extends IOException {
    public OutboxException(Path dir, IOException cause) {
        super("Cannot write to the outbox " + dir + ": " + Messages.errorText(cause), cause);
    }
}
