package dev.cctask.claude;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Stopping a process and everything it started (SPEC §9.1, D8), including what escaped the tree: a process that
 * double-forked or called {@code setsid} is reparented to PID 1, so a walk of the descendants misses it. Such a
 * process is still found by its session (Claude is started as a session leader) or by the run's mark, the variable
 * {@value #RUN_ID_VARIABLE} that every process of the run inherits, read from {@code /proc/<pid>/environ}. Only
 * processes of this user are considered; without {@code /proc} it falls back to the descendants.
 */
public final class ProcessTree {
    /** How long SIGTERMed processes get to end before SIGKILL (SPEC §9.1). */
    public static final Duration TERM_GRACE = Duration.ofSeconds(10);
    static final Duration KILL_WAIT = Duration.ofSeconds(5);
    /** The run's mark in the environment of Claude and of everything it starts: {@code RUN_TASK_RUN_ID=<run id>}. */
    public static final String RUN_ID_VARIABLE = "RUN_TASK_RUN_ID";
    private static final Path PROC = Path.of("/proc");
    /** Fields of {@code /proc/<pid>/stat} counted from the state (see {@link #statField}). */
    private static final int SESSION = 3;
    private static final int START_TIME = 19;

    private ProcessTree() {}

    /**
     * Snapshots everything that belongs to the run (the root and its descendants, the members of {@code session},
     * the processes marked with {@code runId}), SIGTERMs them all, waits up to {@code grace} for them to end, then
     * SIGKILLs whatever is still alive of the snapshot and of a fresh look, and waits up to 5 s. The snapshot comes
     * first because Claude's Bash tool runs in its own session, and orphans of a killed root are no longer its
     * descendants.
     *
     * @param root    the process started, or null when none is known to be alive
     * @param session the session id the root leads (its PID when started with setsid), or 0 for none
     * @param runId   the run's mark, or null
     * @return how many processes other than the root were signalled
     */
    public static int kill(ProcessHandle root, long session, String runId, Duration grace) {
        return kill(root, session, runId, 0, grace);
    }

    /**
     * {@link #kill(ProcessHandle, long, String, Duration)}, looking only at processes started at or after
     * {@code notBefore} ({@link #startTicks} of Claude): nothing older can be Claude's, and skipping the others'
     * environments keeps the look after Claude's exit to a few milliseconds.
     */
    public static int kill(ProcessHandle root, long session, String runId, long notBefore, Duration grace) {
        Set<ProcessHandle> all = members(root, session, runId, notBefore);
        if (all.isEmpty()) {
            return 0; // the usual end: Claude exited and left nothing behind
        }
        all.forEach(ProcessHandle::destroy);
        awaitEnd(all, grace);
        all.addAll(members(root, session, runId, notBefore));
        List<ProcessHandle> alive = all.stream().filter(ProcessHandle::isAlive).toList();
        alive.forEach(ProcessHandle::destroyForcibly);
        awaitEnd(alive, KILL_WAIT);
        all.remove(root);
        return all.size();
    }

    /** {@link #kill(ProcessHandle, long, String, Duration)} of a root with no session and no mark. */
    public static void kill(ProcessHandle root, Duration grace) {
        kill(root, 0, null, grace);
    }

    /** The session id of a live process, or 0 when unknown (no {@code /proc}, or it ended). */
    public static long sessionOf(ProcessHandle handle) {
        String stat = stat(handle.pid());
        return stat == null ? 0 : statField(stat, SESSION);
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

    /** The live processes of the run, never this one. */
    private static Set<ProcessHandle> members(ProcessHandle root, long session, String runId, long notBefore) {
        Set<ProcessHandle> found = new LinkedHashSet<>();
        if (root != null && root.isAlive()) {
            found.add(root);
            root.descendants().forEach(found::add);
        }
        if (session > 0 || runId != null) {
            String mark = runId == null ? null : "\0" + RUN_ID_VARIABLE + "=" + runId + "\0";
            long self = ProcessHandle.current().pid();
            Object uid = uid(PROC.resolve("self"));
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, ProcessTree::isPidDir)) {
                for (Path dir : dirs) {
                    long pid = Long.parseLong(dir.getFileName().toString());
                    String stat = stat(pid);
                    if (pid == self || stat == null || statField(stat, START_TIME) < notBefore
                            || uid == null || !uid.equals(uid(dir))) {
                        continue;
                    }
                    if (session > 0 && statField(stat, SESSION) == session || marked(dir, mark)) {
                        ProcessHandle.of(pid).ifPresent(found::add);
                    }
                }
            } catch (IOException | RuntimeException noProc) {
                // not Linux, or /proc is not readable: the descendants are all we know
            }
        }
        found.remove(ProcessHandle.current());
        return found;
    }

    /** When a live process started, in clock ticks since boot ({@code /proc/<pid>/stat}), or 0 when unknown. */
    public static long startTicks(long pid) {
        String stat = stat(pid);
        return stat == null ? 0 : statField(stat, START_TIME);
    }

    /** Whether the process's initial environment holds {@code mark} ({@code \0NAME=value\0}). */
    private static boolean marked(Path dir, String mark) {
        if (mark == null) {
            return false;
        }
        try {
            return ("\0" + Files.readString(dir.resolve("environ"), StandardCharsets.ISO_8859_1)).contains(mark);
        } catch (IOException | RuntimeException gone) {
            return false; // ended meanwhile, or not ours to read
        }
    }

    private static Object uid(Path dir) {
        try {
            return Files.getAttribute(dir, "unix:uid");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** {@code /proc/<pid>/stat}, or null. */
    private static String stat(long pid) {
        try {
            return Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * A numeric field after the command name, counted from the state (0): 1 ppid, 2 process group, 3 session,
     * 19 start time (proc(5) numbers them from 1 with the pid and name first, so add 3). The
     * name is in parentheses and may contain anything, so the fields start after the last {@code )}.
     */
    private static long statField(String stat, int index) {
        try {
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[index]);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** Waits up to {@code max} for all of {@code handles} to end. */
    private static void awaitEnd(Iterable<ProcessHandle> handles, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        for (ProcessHandle handle : handles) {
            waitFor(handle.onExit(), Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
    }

    private static boolean isPidDir(Path p) {
        String name = p.getFileName().toString();
        return !name.isEmpty() && name.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /**
     * Looks through {@code /proc} once, finding nothing, so that the look after Claude's exit runs warm: the first
     * look loads and compiles its code, about 20 ms that would otherwise delay the final message.
     */
    public static void warmUp() {
        members(null, 0, "warm-up", 0);
    }
}
