package dev.cctask.task;

import dev.cctask.delivery.LogLines;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code git init -q} in the project as the original did, but not inside an existing work tree
 * (no nested repositories), and a missing git is a warning, not a crash (SPEC P1).
 */
final class GitInit {
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
        Process p = new ProcessBuilder(List.of(argv)).directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}
