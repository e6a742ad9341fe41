package dev.cctask.cli;

import dev.cctask.UserException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Text given as a file ({@code --task-file}, {@code steer --file}): UTF-8, from a regular file or stdin ({@code -})
 * only (a device or FIFO could hang or never end), at most a limit. Every failure is a usage error naming the file.
 */
final class TextFile {
    private TextFile() {}

    /**
     * @param what     how the messages name it, e.g. {@code task file}
     * @param fix      what to do about a file that is not a regular file, e.g. {@code write the prompt into a file}
     * @param maxBytes the most UTF-8 bytes it may hold
     * @param tooLarge the line for a larger one
     */
    static String read(String file, String what, String fix, int maxBytes, String tooLarge) {
        byte[] bytes;
        try {
            if (file.equals("-")) {
                bytes = CliEnv.stdin().readNBytes(maxBytes + 1);
            } else {
                Path path = Path.of(file);
                if (!Files.isRegularFile(path) && Files.exists(path)) {
                    throw UserException.usage("The " + what + " " + file + " is not a regular file: " + fix);
                }
                try (InputStream in = Files.newInputStream(path)) {
                    bytes = in.readNBytes(maxBytes + 1);
                }
            }
            if (bytes.length > maxBytes) {
                throw UserException.usage(tooLarge);
            }
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (IOException | RuntimeException e) {
            if (e instanceof UserException ue) {
                throw ue;
            }
            throw UserException.usage("Cannot read the " + what + " " + file + ": " + describe(e));
        }
    }

    private static String describe(Exception e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.charset.MalformedInputException) {
            return "not valid UTF-8";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
