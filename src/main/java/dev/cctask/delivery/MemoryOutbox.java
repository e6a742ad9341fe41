package dev.cctask.delivery;

import dev.cctask.delivery.Outbox.Draft;
import dev.cctask.delivery.Outbox.Item;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The items of one final event kept in memory, for when the outbox cannot be written (full or read-only disk): a
 * {@link Deliverer} retries them in order like outbox items, but whatever is not delivered when the process ends is
 * lost, and the runner says so. One sender at a time.
 */
public final class MemoryOutbox implements ItemStore {
    private final List<Item> items;

    public MemoryOutbox(String runId, Event event, List<Draft> drafts, Clock clock) {
        this.items = new ArrayList<>(Outbox.newItems(runId, event, drafts, clock.instant()));
    }

    @Override
    public synchronized List<Item> pending() {
        return List.copyOf(items);
    }

    @Override
    public synchronized Optional<Taken> claim(Item item) {
        return find(item.id()).map(Held::new);
    }

    private synchronized Optional<Item> find(String id) {
        return items.stream().filter(i -> i.id().equals(id)).findFirst();
    }

    private synchronized void replace(Item updated) {
        items.replaceAll(i -> i.id().equals(updated.id()) ? updated : i);
    }

    private synchronized void drop(String id) {
        items.removeIf(i -> i.id().equals(id));
    }

    private final class Held implements Taken {
        private Item item;

        Held(Item item) {
            this.item = item;
        }

        @Override
        public Item item() {
            return item;
        }

        @Override
        public void save(Item updated) {
            replace(updated);
            item = updated;
        }

        @Override
        public void remove() {
            drop(item.id());
        }

        /** There is no {@code failed/} to keep it in: the flush's report is the only record. */
        @Override
        public void moveToFailed(Item updated) {
            drop(item.id());
        }

        @Override
        public void close() {
        }
    }
}
