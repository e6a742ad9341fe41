package dev.cctask.task;

import dev.cctask.registry.PidFile;
import dev.cctask.registry.Session;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code sessions cleanup --worktrees} (issue 19): the worktrees of the sessions just removed go too, but only when
 * they hold no uncommitted change and no other session or live run still works in them. Branches are never deleted,
 * so nothing committed is lost.
 */
public final class WorktreeCleanup {
    private WorktreeCleanup() {}

    /** A worktree that was kept, and why. */
    public record Kept(String path, String branch, String reason) {}

    /** How many worktrees were removed, and the ones kept. */
    public record Report(int removed, List<Kept> kept) {}

    /**
     * @param removed   the sessions the cleanup removed
     * @param remaining the sessions still registered
     * @param live      the PID files of live runs
     */
    public static Report run(List<Session> removed, List<Session> remaining, List<PidFile> live) {
        int count = 0;
        List<Kept> kept = new ArrayList<>();
        for (String path : removed.stream().map(s -> s.text("worktree")).filter(Objects::nonNull).distinct().toList()) {
            String branch = removed.stream().filter(s -> path.equals(s.text("worktree"))).map(s -> s.text("branch"))
                    .findFirst().orElse(null);
            String reason = inUse(path, remaining, live).orElseGet(() -> Worktree.removeIfClean(Path.of(path)));
            if (reason == null) {
                count++;
            } else {
                kept.add(new Kept(path, branch, reason));
            }
        }
        return new Report(count, kept);
    }

    private static Optional<String> inUse(String path, List<Session> remaining, List<PidFile> live) {
        Optional<String> session = remaining.stream().filter(s -> path.equals(s.text("worktree"))).findFirst()
                .map(s -> "still used by session " + s.id());
        return session.or(() -> live.stream().filter(f -> path.equals(f.worktree())).findFirst()
                .map(f -> "in use by the run of PID " + f.runnerPid()));
    }
}
