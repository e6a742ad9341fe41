package dev.cctask;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/** Finding a program as the shell does. */
public final class Executables {
    private Executables() {}

    /**
     * The first executable regular file {@code name} in the directories of {@code pathVariable} (an empty entry is
     * the current directory, as in the shell), absolute; null when there is none.
     */
    public static Path onPath(String pathVariable, String name) {
        for (String dir : pathVariable == null ? new String[0] : pathVariable.split(File.pathSeparator, -1)) {
            Path path = executable(dir.isEmpty() ? "." : dir, name);
            if (path != null) {
                return path;
            }
        }
        return null;
    }

    /** {@code first/more} made absolute when it is an executable regular file, else null. */
    public static Path executable(String first, String more) {
        try {
            Path path = Path.of(first, more).toAbsolutePath();
            return Files.isRegularFile(path) && Files.isExecutable(path) ? path : null;
        } catch (InvalidPathException e) {
            return null;
        }
    }
}
