package dev.cctask.claude;

import dev.cctask.Executables;
import dev.cctask.Threads;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running Claude child (SPEC §2.3–2.6, §9.1; D4, D5, D8): no shell, stdin owned by one writer
 * ({@link #input()}), stdout and stderr drained from start to end on their own daemon threads, exit noticed at once,
 * and the whole process tree killed on request.
 */
public final class ClaudeProcess {
    private static final Logger LOG = LoggerFactory.getLogger(ClaudeProcess.class);

    /** Stdout lines longer than this are discarded (SPEC §2.4). */
    static final int MAX_LINE_BYTES = 16 * 1024 * 1024;
    /** Stderr kept in memory (SPEC §2.5); the rest is counted. */
    static final int MAX_STDERR_BYTES = 1024 * 1024;
    private final Process process;
    private final boolean ownSession;
    private final String runId;
    /** When Claude started ({@link ProcessTree#startTicks}): what it starts is never older. */
    private final long startTicks;
    private final CompletableFuture<Integer> exit;
    private final Thread stdoutThread;
    private final Thread stderrThread;
    private final StdinWriter input;
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private long stderrDiscarded;
    private volatile long discardedLines;
    /** Set when the drains were given up: late output of orphaned grandchildren is ignored. */
    private volatile boolean abandoned;

    private ClaudeProcess(Process process, boolean ownSession, String runId, LineSink lines) {
        this.process = process;
        this.ownSession = ownSession;
        this.runId = runId;
        this.startTicks = ProcessTree.startTicks(process.pid());
        this.exit = process.onExit().thenApply(Process::exitValue);
        long pid = process.pid();
        this.input = new StdinWriter(process.getOutputStream(), "claude-stdin-" + pid);
        this.stdoutThread = startDaemon("claude-stdout-" + pid, () -> readStdout(lines));
        this.stderrThread = startDaemon("claude-stderr-" + pid, this::drainStderr);
    }

    /**
     * How the child's environment differs from the runner's.
     *
     * @param added   variables added (the notify relay's)
     * @param removed variables taken out: those the gateway token or another secret may come from
     * @param runId   the run's mark, {@value ProcessTree#RUN_ID_VARIABLE}, inherited by everything Claude starts
     */
    public record ChildEnv(Map<String, String> added, Collection<String> removed, String runId) {}

    /**
     * Starts the child, through {@code setsid} when it is on {@code PATH}, so that Claude leads its own session and
     * process group ({@link #ownSession()}).
     *
     * @param argv the full command line ({@link ClaudeCommand#argv}); run directly, no shell
     * @param cwd the project directory
     * @param env how the child's environment differs from the runner's
     * @param lines receives each stdout line's bytes on the stdout thread, undecoded (blank lines too)
     */
    public static ClaudeProcess start(List<String> argv, Path cwd, ChildEnv env, LineSink lines) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(argv).directory(cwd.toFile());
        Map<String, String> environment = builder.environment();
        environment.keySet().removeAll(env.removed());
        environment.putAll(env.added());
        String ceiling = ClaudeCommand.bgWaitCeiling(environment.get(ClaudeCommand.BG_WAIT_CEILING));
        environment.put(ClaudeCommand.BG_WAIT_CEILING, ceiling);
        environment.put(ProcessTree.RUN_ID_VARIABLE, env.runId());
        Path setsid = Executables.onPath(environment.get("PATH"), "setsid");
        if (setsid != null) {
            // not a process group leader (it is in the runner's group), so setsid execs in place: same PID
            List<String> command = new ArrayList<>(argv);
            command.add(0, setsid.toString());
            builder.command(command);
        }
        return new ClaudeProcess(builder.start(), setsid != null, env.runId(), lines);
    }

    /** The child's stdin: the one writer of everything sent to Claude, the prompt first. */
    public ClaudeInput input() {
        return input;
    }

    public long pid() {
        return process.pid();
    }

    /** Completes with the exit code as the JVM reports it (128 + signal when killed: 143 SIGTERM, 137 SIGKILL). */
    public CompletableFuture<Integer> onExit() {
        return exit;
    }

    /** Whether Claude was started in its own session and process group ({@code setsid} was found). */
    public boolean ownSession() {
        return ownSession;
    }

    /**
     * What {@link #killTree} did.
     *
     * @param exitCode  the child's exit code, or −1 if it did not end
     * @param leftovers how many processes other than the child were signalled
     */
    public record Stopped(int exitCode, int leftovers) {}

    /**
     * Stops the child and everything it started, in its session or marked with the run id, even when it escaped
     * the tree ({@link ProcessTree#kill}). After the child's own exit this stops its leftovers.
     */
    public Stopped killTree(Duration grace) {
        int others = ProcessTree.kill(process.toHandle(), ownSession ? process.pid() : 0, runId, startTicks, grace);
        ProcessTree.waitFor(exit, ProcessTree.KILL_WAIT);
        return new Stopped(exit.isDone() ? exit.join() : -1, others);
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
        Thread thread = Threads.daemon(body, name);
        thread.start();
        return thread;
    }
}
