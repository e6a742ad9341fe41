package dev.cctask.delivery;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cctask.PrivateFiles;
import dev.cctask.PythonJson;
import dev.cctask.gateway.Transport;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Durable queue of final chat messages and wakes (SPEC §8.5, D13): one JSON file per item in
 * {@code <stateDir>/claude-code-task/outbox/}, written before any send and removed only when the gateway accepted it,
 * so a crash, a dead gateway or a lost token never loses a result. Files hold no token and no URL.
 *
 * <p>Senders in several processes may work on the same outbox: an item is only touched through a {@link Claim},
 * which holds an exclusive OS lock on the item's sidecar {@code <id>.lock} file. A sidecar (not the item file) is
 * locked because items are rewritten by atomic rename, which would leave a lock on the old inode behind.
 */
public final class Outbox implements ItemStore {

    /** Items older than this are given up on by {@code deliver} (moved to {@code failed/}). */
    public static final Duration MAX_AGE = Duration.ofDays(7);

    private static final int VERSION = 1;

    /** What an item asks the gateway for. */
    public enum Kind {
        MESSAGE,
        /** The full output as a chat document (issue 20), after the message: a refusal never holds back the wake. */
        DOCUMENT,
        WAKE;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One gateway request to queue.
     *
     * @param body           the exact JSON body of SPEC §7.3/§7.4
     * @param idempotencyKey the hooks {@code Idempotency-Key}, or null
     */
    public record Draft(Kind kind, Transport transport, JsonNode body, String idempotencyKey) {}

    /**
     * A queued request as stored on disk.
     *
     * @param id            {@code <epochMillis 13 digits>-<runId>-<seq>}, also the file name without {@code .json}
     * @param nextAttemptAt not to be sent before this instant
     * @param lastError     why the last attempt did not succeed, or null
     */
    public record Item(
            String id,
            String runId,
            int seq,
            Instant createdAt,
            Event event,
            Kind kind,
            Transport transport,
            JsonNode body,
            String idempotencyKey,
            int attempts,
            Instant nextAttemptAt,
            String lastError) {

        /** A copy recording one more unsuccessful attempt. */
        public Item afterAttempt(Instant next, String error) {
            return new Item(id, runId, seq, createdAt, event, kind, transport, body, idempotencyKey, attempts + 1,
                    next, error);
        }

        /** A copy with another body. */
        public Item withBody(JsonNode newBody) {
            return new Item(id, runId, seq, createdAt, event, kind, transport, newBody, idempotencyKey, attempts,
                    nextAttemptAt, lastError);
        }

        /** A copy with a new {@code lastError}, the attempts unchanged. */
        public Item withError(String error) {
            return new Item(id, runId, seq, createdAt, event, kind, transport, body, idempotencyKey, attempts,
                    nextAttemptAt, error);
        }
    }

    /** Lock files claimed by any thread of this process. */
    private static final Set<Path> HELD_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

    private final Path dir;
    private final Clock clock;

    public Outbox(Path dir) {
        this(dir, Clock.systemUTC());
    }

    public Outbox(Path dir, Clock clock) {
        this.dir = dir;
        this.clock = clock;
    }

    /** The outbox of a state dir: {@code <stateDir>/claude-code-task/outbox}. */
    public static Outbox in(Path stateDir) {
        return new Outbox(stateDir.resolve("claude-code-task").resolve("outbox"));
    }

    public Path dir() {
        return dir;
    }

    public Path failedDir() {
        return dir.resolve("failed");
    }

    /**
     * Writes the items of one final event (in order: message, document, wake), each via temp file + atomic rename.
     * All or nothing: when one item cannot be written, those already written are removed again.
     *
     * @throws OutboxException when the outbox is not writable; the caller should then send directly
     */
    public List<Item> enqueue(String runId, Event event, List<Draft> drafts) throws OutboxException {
        List<Item> written = new ArrayList<>();
        try {
            PrivateFiles.createDirectories(dir);
            for (Item item : newItems(runId, event, drafts, clock.instant())) {
                writeAtomically(itemFile(item.id()), item);
                written.add(item);
            }
            return List.copyOf(written);
        } catch (IOException e) {
            for (Item item : written) {
                try {
                    Files.deleteIfExists(itemFile(item.id()));
                } catch (IOException ignored) {
                    // the outbox is broken anyway; the exception below tells the caller
                }
            }
            throw new OutboxException(dir, e);
        }
    }

    /** The items of one final event, in order (seq 1, 2 …), due at once: what {@link #enqueue} writes. */
    static List<Item> newItems(String runId, Event event, List<Draft> drafts, Instant at) {
        Instant now = at.truncatedTo(ChronoUnit.MILLIS);
        List<Item> items = new ArrayList<>();
        for (Draft d : drafts) {
            int seq = items.size() + 1;
            String id = String.format(Locale.ROOT, "%013d-%s-%d", now.toEpochMilli(), runId, seq);
            items.add(new Item(id, runId, seq, now, event, d.kind(), d.transport(), d.body(), d.idempotencyKey(), 0,
                    now, null));
        }
        return List.copyOf(items);
    }

    /**
     * Items waiting for delivery, oldest first. An unreadable item file is skipped: only {@code deliver} moves it to
     * {@code failed/} ({@link #quarantineUnreadable}), so that a person sees which file it was and why.
     */
    @Override
    public List<Item> pending() throws IOException {
        return list(dir);
    }

    /** An outbox file that is no item, moved to {@code failed/}. */
    public record Unreadable(String fileName, String reason) {}

    /** Moves every unreadable item file to {@code failed/} and says which and why, oldest name first. */
    public List<Unreadable> quarantineUnreadable() throws IOException {
        List<Unreadable> moved = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return moved;
        }
        for (Path file : itemFiles(dir)) {
            try {
                read(file);
            } catch (NoSuchFileException gone) {
                // delivered or moved by another sender since the listing
            } catch (IOException unreadable) {
                PrivateFiles.createDirectories(failedDir());
                try {
                    Files.move(file, failedDir().resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE);
                    moved.add(new Unreadable(file.getFileName().toString(), unreadable.getMessage()));
                } catch (NoSuchFileException gone) {
                    // someone else moved it
                }
            }
        }
        moved.sort(Comparator.comparing(Unreadable::fileName));
        return moved;
    }

    /**
     * Moves every readable item of {@code failed/} back into the queue ({@code deliver --retry-failed}, after the
     * cause was fixed). They are due: an item is given up on at its last attempt, or after it.
     */
    public void requeueFailed() throws IOException {
        for (Item item : failed()) {
            try {
                Files.move(failedDir().resolve(item.id() + ".json"), itemFile(item.id()), StandardCopyOption.ATOMIC_MOVE);
            } catch (NoSuchFileException gone) {
                // another deliver --retry-failed took it
            }
        }
    }

    /** Items given up on, oldest first. */
    public List<Item> failed() throws IOException {
        return list(failedDir());
    }

    private static List<Item> list(Path directory) throws IOException {
        List<Item> items = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return items;
        }
        for (Path file : itemFiles(directory)) {
            try {
                items.add(read(file));
            } catch (IOException goneOrUnreadable) {
                // removed by another sender since the listing, or for deliver to quarantine
            }
        }
        items.sort(Comparator.comparing(Item::createdAt).thenComparing(Item::runId).thenComparingInt(Item::seq));
        return items;
    }

    private static List<Path> itemFiles(Path directory) throws IOException {
        List<Path> paths = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "[!.]*.json")) {
            files.forEach(paths::add);
        }
        return paths;
    }

    /**
     * Locks an item for sending. Empty when another sender holds it, or it is gone (delivered or failed meanwhile).
     * The claimed item is re-read from disk, so it reflects the other senders' attempts.
     */
    @Override
    public Optional<Claim> claim(Item item) throws IOException {
        Path lockFile = lockFile(item.id()).toAbsolutePath();
        // Checked before opening the file: on Linux, closing any descriptor of a file drops every OS lock this
        // process holds on it, so a second thread must not even open a lock file that is held here.
        if (!HELD_IN_THIS_JVM.add(lockFile)) {
            return Optional.empty();
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), PrivateFiles.fileMode());
            if (channel.tryLock() == null) {
                return release(channel, lockFile); // another process is sending it
            }
            try {
                return Optional.of(new Claim(read(itemFile(item.id())), channel, lockFile));
            } catch (NoSuchFileException gone) {
                Files.deleteIfExists(lockFile);
                return release(channel, lockFile);
            }
        } catch (IOException | RuntimeException e) {
            release(channel, lockFile);
            throw e;
        }
    }

    private static Optional<Claim> release(FileChannel channel, Path lockFile) throws IOException {
        try {
            if (channel != null) {
                channel.close();
            }
        } finally {
            HELD_IN_THIS_JVM.remove(lockFile);
        }
        return Optional.empty();
    }

    /** An item locked by this sender; closing releases the lock. */
    public final class Claim implements ItemStore.Taken {
        private Item item;
        private final FileChannel lockChannel;
        private final Path lockFile;

        private Claim(Item item, FileChannel lockChannel, Path lockFile) {
            this.item = item;
            this.lockChannel = lockChannel;
            this.lockFile = lockFile;
        }

        @Override
        public Item item() {
            return item;
        }

        @Override
        public void save(Item updated) throws IOException {
            writeAtomically(itemFile(updated.id()), updated);
            item = updated;
        }

        @Override
        public void remove() throws IOException {
            Files.deleteIfExists(itemFile(item.id()));
            Files.deleteIfExists(lockFile);
        }

        /** Given up: stored with its last error in {@code failed/}, out of the queue. */
        @Override
        public void moveToFailed(Item updated) throws IOException {
            save(updated);
            PrivateFiles.createDirectories(failedDir());
            Files.move(itemFile(item.id()), failedDir().resolve(item.id() + ".json"), StandardCopyOption.ATOMIC_MOVE);
            Files.deleteIfExists(lockFile);
        }

        @Override
        public void close() throws IOException {
            release(lockChannel, lockFile); // closing the channel releases the OS lock
        }
    }

    // ---------------------------------------------------------------- files

    private Path itemFile(String id) {
        return dir.resolve(id + ".json");
    }

    private Path lockFile(String id) {
        return dir.resolve(id + ".lock");
    }

    private void writeAtomically(Path target, Item item) throws IOException {
        PrivateFiles.writeAtomically(target, mapper().writeValueAsBytes(toJson(item)));
    }

    private static ObjectNode toJson(Item item) {
        ObjectNode n = mapper().createObjectNode();
        n.put("version", VERSION);
        n.put("id", item.id());
        n.put("runId", item.runId());
        n.put("seq", item.seq());
        n.put("createdAt", item.createdAt().toString());
        n.put("event", item.event().wireName());
        n.put("kind", item.kind().wireName());
        n.put("transport", item.transport().name().toLowerCase(Locale.ROOT));
        n.set("body", item.body());
        n.put("idempotencyKey", item.idempotencyKey());
        n.put("attempts", item.attempts());
        n.put("nextAttemptAt", item.nextAttemptAt().toString());
        n.put("lastError", item.lastError());
        return n;
    }

    /**
     * The item in {@code file}. {@link NoSuchFileException} when it is gone; any other {@link IOException} says in
     * one line, without the path, why the file is no item.
     */
    private static Item read(Path file) throws IOException {
        JsonNode n;
        try {
            n = mapper().readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException gone) {
            throw gone;
        } catch (JacksonException notJson) {
            throw new IOException("not JSON (" + notJson.getOriginalMessage().lines().findFirst().orElse("") + ")",
                    notJson);
        } catch (AccessDeniedException denied) {
            throw new IOException("cannot read it: permission denied", denied);
        } catch (IOException e) {
            throw new IOException("cannot read it: " + Messages.errorText(e), e);
        }
        if (n == null || !n.isObject() || n.path("version").asInt() != VERSION) {
            throw new IOException("not an outbox item (no \"version\": " + VERSION + ")");
        }
        if (!n.path("body").isObject()) {
            throw new IOException("no \"body\" object");
        }
        return new Item(
                field(n, "id", s -> s),
                field(n, "runId", s -> s),
                field(n, "seq", Integer::parseInt),
                field(n, "createdAt", Instant::parse),
                field(n, "event", Event::fromWireName),
                field(n, "kind", s -> Kind.valueOf(s.toUpperCase(Locale.ROOT))),
                field(n, "transport", s -> Transport.valueOf(s.toUpperCase(Locale.ROOT))),
                n.get("body"),
                textOrNull(n.get("idempotencyKey")),
                field(n, "attempts", Integer::parseInt),
                field(n, "nextAttemptAt", Instant::parse),
                textOrNull(n.get("lastError")));
    }

    private static <T> T field(JsonNode n, String name, Function<String, T> parse) throws IOException {
        JsonNode v = n.get(name);
        if (v == null || v.isNull() || v.isContainerNode()) {
            throw new IOException("no \"" + name + "\" field");
        }
        try {
            return parse.apply(v.asText());
        } catch (RuntimeException bad) {
            throw new IOException("bad \"" + name + "\": " + v, bad);
        }
    }

    private static String textOrNull(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }

    private static ObjectMapper mapper() {
        return PythonJson.mapper();
    }
}
