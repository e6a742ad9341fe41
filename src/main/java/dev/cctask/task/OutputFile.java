package dev.cctask.task;

import com.sun.security.auth.module.UnixSystem;
import dev.cctask.PrivateFiles;
import dev.cctask.delivery.LogLines;
import dev.cctask.delivery.Messages;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.EnumSet;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The run's output file (SPEC §8.2, D9): opened at start, assistant text appended while Claude streams (so a killed
 * runner leaves the partial result), the final text written at the end.
 *
 * <p>It never damages what was there: the path is a new file (created 0600) or an existing regular file of this user
 * ({@link #refusal}); a symlink, device, FIFO, socket or directory is refused. Everything goes through the one
 * descriptor opened at start, so a path swapped meanwhile cannot redirect a write, and nothing is ever renamed over
 * the path or chmodded: an existing file keeps its inode, links and mode. The final text replaces the streamed text in
 * place (truncate, write, fsync). A run that resumed after a usage limit keeps what the earlier attempts wrote, each
 * followed by a separator line ({@link #separate}): the final text replaces only the last attempt's text.
 *
 * <p>A failing write never costs the result: it is recorded ({@link #problem()}) instead of thrown, and the run
 * reports the file as incomplete.
 */
public final class OutputFile implements AutoCloseable {
    static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    /** The file-type bits of {@code unix:mode} (S_IFMT) and the types that are not regular files or directories. */
    private static final int S_IFMT = 0170000;

    private final Path path;
    private final FileChannel channel;
    private final Consumer<String> log;
    private long size;
    /** Bytes that the final text does not replace: the earlier attempts' text and separators. */
    private long kept;
    private String problem;

    private OutputFile(Path path, FileChannel channel, Consumer<String> log) {
        this.path = path;
        this.channel = channel;
        this.log = log;
    }

    /** The name tried first: {@code --output}, else {@code /tmp/cc-YYYYMMDD-HHMMSS.txt}. */
    public static Path firstChoice(String explicit, LocalDateTime start) {
        return explicit != null ? Path.of(explicit) : Path.of("/tmp", "cc-" + STAMP.format(start) + ".txt");
    }

    /**
     * Why {@code path} cannot be the output file ({@code "is a symlink"}, …), or null when it does not exist yet or is
     * a regular file owned by this user. The final component is not followed. A path that cannot be examined (a parent
     * that is a file, no search permission) is left to {@link #create}, whose error then ends the run.
     */
    public static String refusal(Path path) {
        Object mode;
        Object uid;
        try {
            mode = Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            uid = Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | RuntimeException absentOrUnreachable) {
            return null; // nothing there (or a parent is not a folder): opening it will say what is wrong
        }
        String type = switch ((Integer) mode & S_IFMT) {
            case 0100000 -> null;
            case 0120000 -> "a symlink";
            case 0040000 -> "a directory";
            case 0020000 -> "a character device";
            case 0060000 -> "a block device";
            case 0010000 -> "a FIFO";
            case 0140000 -> "a socket";
            default -> "not a regular file";
        };
        if (type != null) {
            return "is " + type;
        }
        return ((Integer) uid).longValue() == new UnixSystem().getUid() ? null : "belongs to another user";
    }

    /**
     * Opens the file. An explicit path is created, or an existing regular file of this user is truncated (the user
     * chose it); the default name is created exclusively, taking {@code -2}, {@code -3}… when it is already taken.
     */
    public static OutputFile create(String explicit, LocalDateTime start, Consumer<String> log) throws IOException {
        Path first = firstChoice(explicit, start).toAbsolutePath();
        PrivateFiles.createDirectories(first.getParent());
        if (explicit != null) {
            try {
                return new OutputFile(first, createNew(first), log);
            } catch (FileAlreadyExistsException exists) {
                return new OutputFile(first, openExisting(first), log);
            }
        }
        String base = first.getFileName().toString().replaceFirst("\\.txt$", "");
        for (int n = 1; ; n++) {
            Path candidate = n == 1 ? first : first.resolveSibling(base + "-" + n + ".txt");
            try {
                return new OutputFile(candidate, createNew(candidate), log);
            } catch (FileAlreadyExistsException taken) {
                // try the next suffix
            }
        }
    }

    /** O_CREAT|O_EXCL: fails on anything already there, a dangling symlink included. */
    private static FileChannel createNew(Path p) throws IOException {
        return FileChannel.open(p, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PrivateFiles.fileMode());
    }

    /**
     * Opens an existing file without following a symlink (O_NOFOLLOW) and read-write (which does not block on a FIFO),
     * then checks that the path still names the regular file that was checked before opening.
     */
    private static FileChannel openExisting(Path p) throws IOException {
        Object before = checkedKey(p);
        FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        try {
            if (!Objects.equals(before, checkedKey(p))) {
                throw new IOException("Output file " + p + " was replaced while it was opened");
            }
            ch.truncate(0);
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static Object checkedKey(Path p) throws IOException {
        String refusal = refusal(p);
        if (refusal != null) {
            throw new IOException("Output file " + p + " " + refusal);
        }
        return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }

    public Path path() {
        return path;
    }

    /**
     * Appends streamed assistant text ({@code text + "\n"}). After a failed write it stops appending; the failure is
     * logged once and kept as the {@link #problem()}.
     */
    public synchronized void append(String text) {
        if (problem == null) {
            write(text + "\n");
        }
    }

    /** An attempt ended and another begins: what is there stays, followed by {@code separator}. */
    public synchronized void separate(String separator) {
        if (problem == null) {
            write(separator);
            kept = size;
        }
    }

    /**
     * The streamed text is the result (a run stopped at the usage limit): all of it stays, synced to disk; after a
     * failed write the file stays reported incomplete.
     */
    public synchronized void keepAll() {
        if (problem == null) {
            kept = size;
            writeFinal("");
        }
    }

    /**
     * Replaces the content after the earlier attempts with the final text, in place, and syncs it to disk. When this succeeds the file is
     * complete, whatever failed before; a failure is logged and kept as the {@link #problem()}.
     */
    public synchronized void writeFinal(String finalText) {
        problem = null;
        try {
            channel.truncate(kept);
            size = kept;
            write(finalText);
            if (problem == null) {
                channel.force(true);
            }
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
    }

    /** {@link #writeFinal}; when that fails the log gets the whole text instead (the result still goes out). */
    public void writeResult(String finalText) {
        writeFinal(finalText);
        if (problem() != null) {
            log.accept(LogLines.resultInLog(finalText));
        }
    }

    /** {@code message} with the line that says the file is incomplete, when it is ({@link #problem()}). */
    public synchronized String withWarning(String message) {
        return problem == null ? message : Messages.outputIncomplete(message, problem);
    }

    /** Why the file does not hold the whole text, or null. */
    public synchronized String problem() {
        return problem;
    }

    /** Writes at the end of what this run wrote (positional, so the channel's position does not matter). */
    private void write(String text) {
        try {
            ByteBuffer buf = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                size += channel.write(buf, size);
            }
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
    }

    private void fail(Exception e) {
        problem = Messages.errorText(e);
        log.accept(LogLines.outputFileFailed(path, problem));
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // every write went straight to the file (and the final one was synced): nothing left to flush
        }
    }
}
