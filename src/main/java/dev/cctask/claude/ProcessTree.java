package dev.cctask.claude;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Stopping a process and everything it started (SPEC §9.1, D8). */
public final class ProcessTree {
    static final Duration KILL_WAIT = Duration.ofSeconds(5);

    private ProcessTree() {}

    /**
     * Snapshots the root and all its descendants, SIGTERMs them all, waits up to {@code grace} for the root, then
     * SIGKILLs whatever of the snapshot (and any newer descendant) is still alive and waits up to 5 s. Descendants
     * are snapshotted first because Claude's Bash tool runs in its own session, and orphans of a killed root are no
     * longer its descendants.
     */
    public static void kill(ProcessHandle root, Duration grace) {
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(root);
        root.descendants().forEach(tree::add);
        tree.forEach(ProcessHandle::destroy);
        waitFor(root.onExit(), grace);
        root.descendants().forEach(tree::add);
        List<CompletableFuture<ProcessHandle>> ends = new ArrayList<>();
        for (ProcessHandle handle : tree) {
            if (handle.isAlive()) {
                handle.destroyForcibly();
                ends.add(handle.onExit());
            }
        }
        long deadline = System.nanoTime() + KILL_WAIT.toNanos();
        for (CompletableFuture<ProcessHandle> end : ends) {
            waitFor(end, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
    }

    /**
     * Whether a live PID is a Claude that run-task started (its argv carries {@code --output-format stream-json}),
     * so that a recycled PID of an unrelated process is never killed.
     */
    public static boolean isSupervisedClaude(ProcessHandle handle) {
        if (!handle.isAlive()) {
            return false;
        }
        List<String> args = handle.info().arguments().map(Arrays::asList).orElse(List.of());
        int i = args.indexOf("--output-format");
        return i >= 0 && i + 1 < args.size() && args.get(i + 1).equals("stream-json");
    }

    static <T> void waitFor(CompletableFuture<T> future, Duration max) {
        try {
            future.get(max.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // the caller checks what is still alive
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
