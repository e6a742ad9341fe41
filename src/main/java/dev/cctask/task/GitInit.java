package dev.cctask.task;

import dev.cctask.Subprocess;
import dev.cctask.delivery.LogLines;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.time.Duration;

/**
 * {@code git init -q} in the project as the original did, but not inside an existing work tree
 * (no nested repositories), and a missing git is a warning, not a crash (SPEC P1).
 */
final class GitInit {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    private GitInit() {}

    /** Returns a warning line for the log, or null when all went well. */
    static String run(Path project) {
        try {
            if (exec(project, "git", "rev-parse", "--is-inside-work-tree") == 0) {
                return null;
            }
            exec(project, "git", "init", "-q");
            return null;
        } catch (IOException e) {
            return LogLines.gitNotFound();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static int exec(Path dir, String... argv) throws IOException, InterruptedException {
        return Subprocess.run(List.of(argv), dir, null, LIMIT).exitCode();
    }
}
