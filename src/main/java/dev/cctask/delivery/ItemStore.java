package dev.cctask.delivery;

import dev.cctask.delivery.Outbox.Item;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Where a {@link Deliverer} finds the items it sends: the durable {@link Outbox}, or a {@link MemoryOutbox} when
 * the outbox cannot be written (the items are then retried all the same, but lost at exit).
 */
public interface ItemStore {

    /** Items waiting for delivery, oldest first. */
    List<Item> pending() throws IOException;

    /** Takes an item for sending; empty when another sender has it, or it is gone (delivered or failed meanwhile). */
    Optional<? extends Taken> claim(Item item) throws IOException;

    /** An item taken by one sender; closing gives it back. */
    interface Taken extends AutoCloseable {
        /** The item as stored now (another sender may have tried it since it was listed). */
        Item item();

        /** Stores the item's new state (attempts, next attempt, last error). */
        void save(Item updated) throws IOException;

        /** The gateway accepted it: gone for good. */
        void remove() throws IOException;

        /** Given up: out of the queue, with its last error. */
        void moveToFailed(Item updated) throws IOException;

        @Override
        void close() throws IOException;
    }
}
