package dev.cctask.claude;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running Claude child (SPEC §2.3–2.6, §9.1; D4, D5, D8): no shell, the prompt on stdin, stdout and stderr
 * drained from start to end on their own daemon threads, exit noticed at once, and the whole process tree killed on
 * request.
 */
public final class ClaudeProcess {
    private static final Logger LOG = LoggerFactory.getLogger(ClaudeProcess.class);

    /** Stdout lines longer than this are discarded (SPEC §2.4). */
    static final int MAX_LINE_BYTES = 16 * 1024 * 1024;
    /** Stderr kept in memory (SPEC §2.5); the rest is counted. */
    static final int MAX_STDERR_BYTES = 1024 * 1024;
    /** How long SIGKILLed processes get to disappear (SPEC §9.1 step 4). */

    private final Process process;
    private final CompletableFuture<Integer> exit;
    private final Thread stdoutThread;
    private final Thread stderrThread;
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private long stderrDiscarded;
    private volatile long discardedLines;
    /** Set when the drains were given up: late output of orphaned grandchildren is ignored. */
    private volatile boolean abandoned;

    private ClaudeProcess(Process process, String prompt, LineSink lines) {
        this.process = process;
        this.exit = process.onExit().thenApply(Process::exitValue);
        long pid = process.pid();
        startDaemon("claude-stdin-" + pid, () -> writePrompt(prompt));
        this.stdoutThread = startDaemon("claude-stdout-" + pid, () -> readStdout(lines));
        this.stderrThread = startDaemon("claude-stderr-" + pid, this::drainStderr);
    }

    /**
     * Starts the child.
     *
     * @param argv the full command line ({@link ClaudeCommand#argv}); run directly, no shell
     * @param cwd the project directory
     * @param extraEnv variables added to the inherited environment
     * @param prompt written to stdin as UTF-8 right away, then stdin is closed
     * @param lines receives each stdout line's bytes on the stdout thread, undecoded (blank lines too)
     */
    public static ClaudeProcess start(
            List<String> argv, Path cwd, Map<String, String> extraEnv, String prompt, LineSink lines)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(argv).directory(cwd.toFile());
        builder.environment().putAll(extraEnv);
        return new ClaudeProcess(builder.start(), prompt, lines);
    }

    public long pid() {
        return process.pid();
    }

    /** Completes with the exit code as the JVM reports it (128 + signal when killed: 143 SIGTERM, 137 SIGKILL). */
    public CompletableFuture<Integer> onExit() {
        return exit;
    }

    /**
     * Stops the child and everything it started ({@link ProcessTree#kill}).
     *
     * @return the child's exit code, or −1 if it did not end
     */
    public int killTree(Duration grace) {
        ProcessTree.kill(process.toHandle(), grace);
        ProcessTree.waitFor(exit, ProcessTree.KILL_WAIT);
        return exit.isDone() ? exit.join() : -1;
    }

    /**
     * Gives the stdout and stderr drains at most {@code max} to reach EOF after the child ended (a grandchild may hold
     * the pipes open); then closes the pipes and stops forwarding lines, so the caller can go on with what was read.
     */
    public void awaitDrains(Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        for (Thread drain : List.of(stdoutThread, stderrThread)) {
            try {
                drain.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (stdoutThread.isAlive() || stderrThread.isAlive()) {
            abandoned = true;
            LOG.warn("Claude's output pipes are still open after {} s (a leftover child process?); continuing without them",
                    max.toSeconds());
            closeQuietly(process.getInputStream());
            closeQuietly(process.getErrorStream());
        }
    }

    /** What the child wrote to stderr: the first 1 MiB, decoded as UTF-8. */
    public String stderr() {
        synchronized (stderr) {
            return stderr.toString(StandardCharsets.UTF_8);
        }
    }

    /** Stderr bytes beyond the first 1 MiB (counted, not kept). */
    public long stderrDiscardedBytes() {
        synchronized (stderr) {
            return stderrDiscarded;
        }
    }

    /** Stdout lines dropped for being longer than 16 MiB. */
    public long discardedLines() {
        return discardedLines;
    }

    private void writePrompt(String prompt) {
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write(prompt.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // the child ended or closed stdin early; its exit status and stderr tell why
            LOG.debug("writing the prompt to Claude failed: {}", e.toString());
        }
    }

    private void readStdout(LineSink lines) {
        try (InputStream in = process.getInputStream()) {
            new BoundedLineReader(in, MAX_LINE_BYTES).readAll((bytes, offset, length) -> forward(bytes, offset, length, lines), length -> {
                discardedLines++;
                LOG.warn("Discarded a Claude output line of {} bytes (limit {} bytes)", length, MAX_LINE_BYTES);
            });
        } catch (IOException e) {
            if (!abandoned) {
                LOG.warn("reading Claude's output failed: {}", e.toString());
            }
        }
    }

    private void forward(byte[] bytes, int offset, int length, LineSink lines) {
        if (abandoned) {
            return;
        }
        try {
            lines.accept(bytes, offset, length);
        } catch (RuntimeException e) {
            LOG.warn("a Claude output line could not be processed: {}", e.toString()); // the reader never dies (P6)
        }
    }

    private void drainStderr() {
        byte[] buffer = new byte[8192];
        try (InputStream in = process.getErrorStream()) {
            int n;
            while ((n = in.read(buffer)) != -1) {
                synchronized (stderr) {
                    int keep = Math.min(n, MAX_STDERR_BYTES - stderr.size());
                    stderr.write(buffer, 0, keep);
                    stderrDiscarded += n - keep;
                }
            }
        } catch (IOException e) {
            if (!abandoned) {
                LOG.warn("reading Claude's stderr failed: {}", e.toString());
            }
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            LOG.debug("closing a Claude pipe failed: {}", e.toString());
        }
    }

    private static Thread startDaemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
