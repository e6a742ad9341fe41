package dev.cctask;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one way this program runs a short helper command (git, {@code claude --version}, {@code openclaw agent}):
 * stdin from /dev/null, stdout and stderr drained as UTF-8 on their own threads, and, past the limit, the command and
 * what it started are killed. Claude itself is not run this way ({@code claude.ClaudeProcess} streams it).
 */
public final class Subprocess {
    private static final Duration DRAIN = Duration.ofSeconds(10);

    private Subprocess() {}

    /**
     * What the command did.
     *
     * @param exitCode its exit status, or −1 when it was killed at the limit
     * @param timedOut whether it was still running at the limit (and was killed)
     */
    public record Result(int exitCode, boolean timedOut, String stdout, String stderr) {}

    /**
     * Runs {@code argv} in {@code dir} (null: this process's) with exactly {@code env} (null: this process's).
     *
     * @throws IOException when it cannot be started (not found, not executable), or its output cannot be read
     */
    public static Result run(List<String> argv, Path dir, Map<String, String> env, Duration limit)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        if (env != null) {
            pb.environment().clear();
            pb.environment().putAll(env);
        }
        Process process = pb.start();
        CompletableFuture<String> stdout = drain(process.getInputStream(), "subprocess-stdout");
        CompletableFuture<String> stderr = drain(process.getErrorStream(), "subprocess-stderr");
        try {
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                return new Result(-1, true, "", "");
            }
            return new Result(process.exitValue(), false, stdout.get(DRAIN.toSeconds(), TimeUnit.SECONDS),
                    stderr.get(DRAIN.toSeconds(), TimeUnit.SECONDS));
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("cannot read its output: " + (e.getCause() != null ? e.getCause() : e), e);
        } finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static CompletableFuture<String> drain(InputStream in, String name) {
        CompletableFuture<String> result = new CompletableFuture<>();
        Threads.daemon(() -> {
            try (in) {
                result.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                result.completeExceptionally(e);
            }
        }, name).start();
        return result;
    }
}
