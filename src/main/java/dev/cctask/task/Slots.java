package dev.cctask.task;

import dev.cctask.Env;
import dev.cctask.PrivateFiles;
import dev.cctask.Threads;
import dev.cctask.UserException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * At most N Claude processes at once for one state dir, the launches beyond N waiting in launch order (issue 19).
 *
 * <p>A slot is an OS lock on {@code <stateDir>/claude-code-task/slots/slot-<i>.lock}: the kernel frees it when its
 * runner exits or is killed, so a slot never leaks. A waiting run holds a ticket, {@code queue/<n>.ticket}, numbered
 * under {@code queue/.lock} and locked by its runner. Only the first live ticket tries the slots; each other one waits
 * for the lock of the ticket just before it. Every wait is a blocked lock, so waiting costs no CPU, and a freed slot
 * goes to the next run as soon as the kernel wakes it.
 */
public final class Slots {
    /** The variable that sets the limit when {@code --max-parallel} is not given. */
    public static final String VARIABLE = "CCTASK_MAX_PARALLEL";
    static final int DEFAULT_LIMIT = 4;
    /** Each slot is a thread blocked on its lock while a run waits at the head of the queue. */
    static final int MAX_LIMIT = 64;
    private static final String TICKET = ".ticket";

    private final Path dir;
    private final int limit;

    /** Told once, when the run has to wait: its ticket and how many waiting runs are ahead of it. */
    interface Waiting {
        void queued(long ticket, int ahead);
    }

    /** A slot held by this runner (or none, without a limit). Closing it frees it; closing twice does nothing. */
    static final class Slot implements AutoCloseable {
        static final Slot NONE = new Slot(null);
        private final FileChannel channel;

        private Slot(FileChannel channel) {
            this.channel = channel;
        }

        @Override
        public void close() {
            if (channel != null) {
                try {
                    channel.close(); // releases the lock
                } catch (IOException ignored) {
                    // the lock goes with the channel whatever close reports
                }
            }
        }
    }

    Slots(Path dir, int limit) {
        this.dir = dir;
        this.limit = limit;
    }

    static Slots of(Env env, int limit) {
        return new Slots(dir(env), limit);
    }

    static Path dir(Env env) {
        return env.stateDir().resolve("claude-code-task").resolve("slots");
    }

    /** {@code --max-parallel} if given, else {@value #VARIABLE}, else {@value #DEFAULT_LIMIT}; 0 = no limit. */
    public static int limit(Integer option, Env env) {
        if (option != null) {
            if (option < 0 || option > MAX_LIMIT) {
                throw UserException.usage("--max-parallel must be from 0 (no limit) to " + MAX_LIMIT + " (was "
                        + option + ")");
            }
            return option;
        }
        String value = env.get(VARIABLE);
        if (value == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= 0 && n <= MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException notANumber) {
            // said below
        }
        throw UserException.config(VARIABLE + "=" + value + " is not a number from 0 (no limit) to " + MAX_LIMIT
                + ": set it to how many Claude processes may run at once, or unset it for " + DEFAULT_LIMIT);
    }

    /**
     * Takes a slot: at once when one is free and nobody waits, else after the runs ahead. {@code waiting} is told
     * when the run has to wait. Returns null when {@code cancelled} completed before a slot was taken.
     */
    Slot take(Waiting waiting, CompletableFuture<?> cancelled) throws IOException, InterruptedException {
        if (limit == 0) {
            return Slot.NONE;
        }
        Path queue = dir.resolve("queue");
        PrivateFiles.createDirectories(queue);
        try (Ticket mine = Ticket.take(queue)) {
            List<Path> ahead = liveBefore(queue, mine.number);
            Slot free = ahead.isEmpty() ? tryAny() : null;
            if (free != null) {
                return free;
            }
            waiting.queued(mine.number, ahead.size());
            while (!ahead.isEmpty()) {
                if (!awaitUnlocked(ahead.get(ahead.size() - 1), cancelled)) {
                    return null;
                }
                ahead = liveBefore(queue, mine.number);
            }
            return awaitAny(cancelled);
        }
    }

    /** How many waiting runs are ahead of {@code ticket} in the queue of {@code env}'s state dir. */
    public static int ahead(Env env, long ticket) {
        try {
            return liveBefore(dir(env).resolve("queue"), ticket).size();
        } catch (IOException e) {
            return 0;
        }
    }

    private Slot tryAny() throws IOException {
        for (int i = 1; i <= limit; i++) {
            FileChannel ch = openSlot(i);
            if (tryLock(ch) != null) {
                return new Slot(ch);
            }
            ch.close();
        }
        return null;
    }

    /** One thread per slot blocks on its lock; the first to get one wins, the others give up. */
    private Slot awaitAny(CompletableFuture<?> cancelled) throws IOException, InterruptedException {
        List<FileChannel> channels = new ArrayList<>();
        CompletableFuture<FileChannel> won = new CompletableFuture<>();
        AtomicInteger failed = new AtomicInteger();
        try {
            for (int i = 1; i <= limit; i++) {
                FileChannel ch = openSlot(i);
                channels.add(ch);
                Threads.daemon(() -> {
                    try {
                        ch.lock();
                        if (!won.complete(ch)) {
                            ch.close();
                        }
                    } catch (IOException | RuntimeException closedOrFailed) {
                        if (failed.incrementAndGet() == limit) {
                            won.completeExceptionally(closedOrFailed);
                        }
                    }
                }, "run-task-slot-" + i).start();
            }
            if (!awaitOrCancel(won, cancelled)) {
                won.cancel(false);
            }
        } finally {
            FileChannel winner = won.isDone() && !won.isCompletedExceptionally() ? won.join() : null;
            for (FileChannel ch : channels) {
                if (ch != winner) {
                    ch.close();
                }
            }
        }
        return won.isCancelled() ? null : new Slot(won.join());
    }

    /** Waits until the ticket at {@code path} is released (its run took a slot, left or died); false if cancelled. */
    private static boolean awaitUnlocked(Path path, CompletableFuture<?> cancelled) throws IOException, InterruptedException {
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.WRITE);
        } catch (NoSuchFileException gone) {
            return true;
        }
        try (ch) {
            CompletableFuture<FileLock> got = new CompletableFuture<>();
            Threads.daemon(() -> {
                try {
                    got.complete(ch.lock());
                } catch (IOException | RuntimeException e) {
                    got.completeExceptionally(e);
                }
            }, "run-task-queue").start();
            if (!awaitOrCancel(got, cancelled)) {
                return false;
            }
            Files.deleteIfExists(path); // a runner that died left it; one that took a slot removed it already
            return true;
        }
    }

    /** True once {@code f} completed, false as soon as {@code cancelled} completed: no polling, no CPU. */
    private static boolean awaitOrCancel(CompletableFuture<?> f, CompletableFuture<?> cancelled)
            throws IOException, InterruptedException {
        try {
            CompletableFuture.anyOf(f, cancelled).get();
        } catch (ExecutionException failedOrCancelled) {
            // told apart below
        }
        if (cancelled.isDone()) {
            return false;
        }
        try {
            f.get();
            return true;
        } catch (ExecutionException e) {
            throw new IOException("cannot wait for a run slot in the queue: " + e.getCause().getMessage(),
                    e.getCause());
        }
    }

    private FileChannel openSlot(int i) throws IOException {
        PrivateFiles.createDirectories(dir);
        return FileChannel.open(dir.resolve("slot-" + i + ".lock"),
                Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), PrivateFiles.fileMode());
    }

    /** The lock, or null when another process (or this one) holds it. */
    private static FileLock tryLock(FileChannel ch) throws IOException {
        try {
            return ch.tryLock();
        } catch (OverlappingFileLockException heldHere) {
            return null;
        }
    }

    /** The tickets numbered below {@code number} whose runner still holds them, in order; stale ones are removed. */
    private static List<Path> liveBefore(Path queue, long number) throws IOException {
        List<Path> before = new ArrayList<>();
        if (!Files.isDirectory(queue)) {
            return before;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(queue, "*" + TICKET)) {
            for (Path p : files) {
                long n = Ticket.number(p);
                if (n >= 0 && n < number && isHeld(p)) {
                    before.add(p);
                }
            }
        }
        before.sort((a, b) -> Long.compare(Ticket.number(a), Ticket.number(b)));
        return before;
    }

    private static boolean isHeld(Path ticket) throws IOException {
        try (FileChannel ch = FileChannel.open(ticket, StandardOpenOption.WRITE)) {
            FileLock lock = tryLock(ch);
            if (lock == null) {
                return true;
            }
            Files.deleteIfExists(ticket); // its runner died while it waited
            return false;
        } catch (NoSuchFileException gone) {
            return false;
        }
    }

    /** This run's place in the queue: a numbered file it holds locked until it takes a slot or gives up. */
    private static final class Ticket implements AutoCloseable {
        final long number;
        private final Path path;
        private final FileChannel channel;

        private Ticket(long number, Path path, FileChannel channel) {
            this.number = number;
            this.path = path;
            this.channel = channel;
        }

        /**
         * The next number (one above the highest ticket), under the queue's lock. A number comes back only after
         * every ticket above it left, so no run waits on a file that might be another's. The ticket is locked under
         * a temporary name and then renamed, so nobody sees it unlocked and takes it for a dead runner's. Only empty
         * files: a full disk does not stop the queue.
         */
        static Ticket take(Path queue) throws IOException {
            try (FileChannel guard = FileChannel.open(queue.resolve(".lock"),
                            Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), PrivateFiles.fileMode());
                    FileLock ignored = guard.lock()) {
                long number = highest(queue) + 1;
                Path tmp = queue.resolve("." + number + ".tmp");
                FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                        PrivateFiles.fileMode());
                try {
                    ch.lock();
                    Path path = queue.resolve(String.format("%019d", number) + TICKET);
                    Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE);
                    return new Ticket(number, path, ch);
                } catch (IOException | RuntimeException e) {
                    ch.close();
                    Files.deleteIfExists(tmp);
                    throw e;
                }
            }
        }

        private static long highest(Path queue) throws IOException {
            long max = 0;
            try (DirectoryStream<Path> files = Files.newDirectoryStream(queue, "*" + TICKET)) {
                for (Path p : files) {
                    max = Math.max(max, number(p));
                }
            }
            return max;
        }

        /** The ticket's number, or −1 for a file that is no ticket of ours. */
        static long number(Path ticket) {
            String name = ticket.getFileName().toString();
            try {
                return Long.parseLong(name.substring(0, name.length() - TICKET.length()));
            } catch (NumberFormatException e) {
                return -1;
            }
        }

        /** Leaves the queue: the file goes first, then the lock, which wakes the run behind. */
        @Override
        public void close() throws IOException {
            try {
                Files.deleteIfExists(path);
            } finally {
                channel.close();
            }
        }
    }
}
