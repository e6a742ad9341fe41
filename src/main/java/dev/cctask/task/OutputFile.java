package dev.cctask.task;

import dev.cctask.PrivateFiles;
import java.io.IOException;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.EnumSet;

/**
 * The run's output file (SPEC §8.2, D9): created at start with mode 0600, assistant text appended while
 * Claude streams (so a killed runner leaves the partial result), replaced by the final text at the end.
 */
public final class OutputFile implements AutoCloseable {
    static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

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
        PrivateFiles.createDirectories(first.getParent());
        if (explicit != null) {
            FileChannel ch = FileChannel.open(first, EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING), PrivateFiles.fileMode());
            Files.setPosixFilePermissions(first, PosixFilePermissions.fromString("rw-------")); // an existing file too
            return new OutputFile(first, Channels.newWriter(ch, StandardCharsets.UTF_8));
        }
        String base = first.getFileName().toString().replaceFirst("\\.txt$", "");
        for (int n = 1; ; n++) {
            Path candidate = n == 1 ? first : first.resolveSibling(base + "-" + n + ".txt");
            try {
                FileChannel ch = FileChannel.open(candidate,
                        EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), PrivateFiles.fileMode());
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
        PrivateFiles.writeAtomically(path, finalText.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public synchronized void close() throws IOException {
        writer.close();
    }

}
