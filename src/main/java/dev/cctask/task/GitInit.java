package dev.cctask.task;

import dev.cctask.Subprocess;
import dev.cctask.delivery.LogLines;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code git init -q} in the project as the original did, but not inside an existing work tree
 * (no nested repositories), and a missing git is a warning, not a crash (SPEC P1).
 */
final class GitInit {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    private GitInit() {}

    /** Gives {@code log} a warning line when git is missing. */
    static void run(Path project, Consumer<String> log) {
        try {
            if (exec(project, "git", "rev-parse", "--is-inside-work-tree") != 0) {
                exec(project, "git", "init", "-q");
            }
        } catch (IOException e) {
            log.accept(LogLines.gitNotFound());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int exec(Path dir, String... argv) throws IOException, InterruptedException {
        return Subprocess.run(List.of(argv), dir, null, LIMIT).exitCode();
    }
}
