package dev.cctask.task;

import dev.cctask.Env;
import dev.cctask.delivery.LogLines;
import dev.cctask.delivery.Messages;
import dev.cctask.registry.PidFile;
import dev.cctask.registry.SessionRegistry.Registration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Where and when a run's Claude works (issue 19): in the project folder (created, {@code git init} as before) or in
 * the run's own git {@link Worktree}; and once it holds one of the {@code --max-parallel} {@link Slots}, after waiting
 * its turn in the queue when all are taken. The worktree is made only when the run's turn comes: a run cancelled
 * while queued leaves nothing behind.
 */
final class Workspace implements AutoCloseable {
    private final Worktree.Plan plan;
    private final Path project;
    private final Slots slots;
    private final int limit;
    private final Consumer<String> log;
    private Worktree worktree;
    private volatile Slots.Slot slot;
    private boolean opened;

    Workspace(RunPlan plan, Env env, Consumer<String> log) {
        this.plan = plan.worktree();
        this.project = Path.of(plan.options().project());
        this.limit = plan.options().maxParallel();
        this.slots = Slots.of(env, limit);
        this.log = log;
    }

    /** Creates the project folder (and a repository, SPEC P1), or reserves the run's worktree. */
    void prepare(String runId) throws IOException {
        if (plan != null) {
            worktree = plan.reserve(runId);
            return;
        }
        Files.createDirectories(project);
        GitInit.run(project, log);
    }

    /** Claude's working directory. */
    Path cwd() {
        return worktree == null ? project : worktree.cwd();
    }

    /** The worktree's branch, or null. */
    String branch() {
        return worktree == null ? null : worktree.branch();
    }

    /** What the PID file and the registry say of the run, its worktree included. */
    Registration registration(TaskOptions o, Path output, String runId, long runnerPid) {
        return new Registration(null, o.label(), o.summary(), project.toAbsolutePath().toString(), o.sessionKey(),
                output.toString(), runId, runnerPid, worktree == null ? null : worktree.path().toString(), branch(),
                worktree == null ? null : worktree.base());
    }

    /** The start message: with the worktree's branch, and a warning when another run works in the same folder. */
    Messages.Launch launch(TaskOptions o, long runnerPid, List<PidFile> others) {
        return new Messages.Launch(o.summary(), o.project(), o.timeoutSeconds(), runnerPid, o.label(), o.resume(),
                branch(), sharedWith(others));
    }

    /** The warning when another live run works in this folder without a worktree (logged too), or null. */
    private String sharedWith(List<PidFile> others) {
        if (worktree != null) {
            return null;
        }
        Path here = project.toAbsolutePath().normalize();
        List<Messages.Neighbour> same = others.stream()
                .filter(f -> f.worktree() == null && f.project() != null && Path.of(f.project()).normalize().equals(here))
                .map(f -> new Messages.Neighbour(f.label() != null ? f.label() : f.task(), f.runnerPid()))
                .toList();
        if (same.isEmpty()) {
            return null;
        }
        log.accept(LogLines.sharedFolder(same));
        return Messages.sharedFolder(same);
    }

    /**
     * Waits for a slot (telling the log, the PID file and, best effort, the chat when it has to queue), then makes the
     * worktree. False when the run was cancelled first: then Claude never starts.
     */
    boolean awaitTurn(Messages.Launch launch, RunRecorder recorder, Notifications notifications,
            CompletableFuture<?> cancelled) throws IOException, InterruptedException {
        long from = System.nanoTime();
        if (!takeSlot((ticket, ahead) -> {
            log.accept(LogLines.queued(ahead, limit));
            recorder.queued(ticket);
            notifications.launchAsync(Messages.queued(launch, ahead));
        }, cancelled)) {
            return false;
        }
        if (recorder.queued()) {
            log.accept(LogLines.leftQueue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - from)));
            recorder.dequeued();
        }
        if (worktree != null) {
            worktree.open(log);
            opened = true;
        }
        return true;
    }

    /**
     * Before a resumed attempt (after a pause at the usage limit, whose Claude exit freed the slot): a slot again,
     * waiting in line with only a log line. False when the run was cancelled first.
     */
    boolean awaitSlotAgain(CompletableFuture<?> cancelled) throws InterruptedException {
        return takeSlot((ticket, ahead) -> log.accept(LogLines.queued(ahead, limit)), cancelled);
    }

    private boolean takeSlot(Slots.Waiting waiting, CompletableFuture<?> cancelled) throws InterruptedException {
        try {
            slot = slots.take(waiting, cancelled);
        } catch (IOException e) { // e.g. a read-only state dir: the run goes on, as its outbox does
            log.accept(LogLines.queueUnusable(Messages.errorText(e)));
            slot = Slots.Slot.NONE;
        }
        if (slot == null || cancelled.isDone()) {
            freeSlot();
            return false;
        }
        return true;
    }

    /** {@code then}, after freeing the slot: as soon as Claude exits, the next run may start its own. */
    Runnable onClaudeExit(Runnable then) {
        return () -> {
            freeSlot();
            then.run();
        };
    }

    /**
     * The run has ended: frees the slot (already free once Claude exited) and says what the worktree's branch
     * changed, or null without a worktree (or when Claude never started in it).
     */
    Messages.BranchChanges end() {
        freeSlot();
        return opened ? worktree.changes() : null;
    }

    private void freeSlot() {
        Slots.Slot s = slot;
        if (s != null) {
            s.close();
        }
    }

    /** Frees the slot, and a worktree's reserved folder when the run never got to make it. */
    @Override
    public void close() {
        freeSlot();
        if (worktree != null && !opened) {
            worktree.releaseIfUnused();
        }
    }
}
