package dev.cctask.task;

import java.io.IOException;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.EnumSet;
import java.util.Set;

/**
 * The run's output file (SPEC §8.2, D9): created at start with mode 0600, assistant text appended while
 * Claude streams (so a killed runner leaves the partial result), replaced by the final text at the end.
 */
public final class OutputFile implements AutoCloseable {
    static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");

    private final Path path;
    private final Writer writer;

    private OutputFile(Path path, Writer writer) {
        this.path = path;
        this.writer = writer;
    }

    /** The name tried first: {@code --output}, else {@code /tmp/cc-YYYYMMDD-HHMMSS.txt}. */
    public static Path firstChoice(String explicit, LocalDateTime start) {
        return explicit != null ? Path.of(explicit) : Path.of("/tmp", "cc-" + STAMP.format(start) + ".txt");
    }

    /**
     * Creates the file. An explicit path is created or truncated (the user chose it); the default name is
     * created exclusively, taking {@code -2}, {@code -3}… when it is already taken.
     */
    public static OutputFile create(String explicit, LocalDateTime start) throws IOException {
        Path first = firstChoice(explicit, start).toAbsolutePath();
        createParents(first.getParent());
        if (explicit != null) {
            FileChannel ch = FileChannel.open(first, EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING), fileMode());
            Files.setPosixFilePermissions(first, FILE_MODE);
            return new OutputFile(first, Channels.newWriter(ch, StandardCharsets.UTF_8));
        }
        String base = first.getFileName().toString().replaceFirst("\\.txt$", "");
        for (int n = 1; ; n++) {
            Path candidate = n == 1 ? first : first.resolveSibling(base + "-" + n + ".txt");
            try {
                FileChannel ch = FileChannel.open(candidate,
                        EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), fileMode());
                return new OutputFile(candidate, Channels.newWriter(ch, StandardCharsets.UTF_8));
            } catch (FileAlreadyExistsException taken) {
                // try the next suffix
            }
        }
    }

    public Path path() {
        return path;
    }

    /** Appends streamed assistant text ({@code text + "\n"}) and flushes it to the file. */
    public synchronized void append(String text) throws IOException {
        writer.write(text);
        writer.write('\n');
        writer.flush();
    }

    /** Replaces the content with the final text: temp file in the same directory, then atomic rename. */
    public synchronized void replaceWith(String finalText) throws IOException {
        close();
        Path tmp = Files.createTempFile(path.getParent(), ".cc-output-", ".tmp", fileMode());
        try {
            Files.writeString(tmp, finalText, StandardCharsets.UTF_8);
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        writer.close();
    }

    private static void createParents(Path dir) throws IOException {
        if (dir != null && !Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
        }
    }

    private static FileAttribute<Set<PosixFilePermission>> fileMode() {
        return PosixFilePermissions.asFileAttribute(FILE_MODE);
    }
}
