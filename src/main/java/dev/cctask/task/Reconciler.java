package dev.cctask.task;

import dev.cctask.claude.ProcessTree;
import dev.cctask.delivery.Event;
import dev.cctask.delivery.LogLines;
import dev.cctask.delivery.Messages;
import dev.cctask.delivery.Outbox;
import dev.cctask.delivery.OutboxException;
import dev.cctask.gateway.Route;
import dev.cctask.gateway.Routes;
import dev.cctask.registry.PidFile;
import dev.cctask.registry.PidFiles;
import dev.cctask.registry.Session;
import dev.cctask.registry.SessionRegistry;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Crash reconciliation (SPEC §8.6, D14): a PID file whose runner is dead means the run ended without reporting.
 * Its registry entry becomes {@code lost}, a "lost" notice and wake are queued, a still-running Claude and every
 * process marked with the run's id are stopped, and the PID file is removed. Runs on every start and on {@code tasks}; a lock on
 * {@code <pidDir>/.reconcile.lock} and the registry's running→lost transition make it happen once.
 */
public final class Reconciler {
    private static final String UNKNOWN = "(unknown)";
    private final PidFiles pids;
    private final SessionRegistry registry;
    private final Outbox outbox;
    private final Consumer<String> log;

    public Reconciler(PidFiles pids, SessionRegistry registry, Outbox outbox, Consumer<String> log) {
        this.pids = pids;
        this.registry = registry;
        this.outbox = outbox;
        this.log = log;
    }

    /** Returns how many dead runs were found and handled. */
    public int reconcile() throws IOException {
        Path dir = pids.dir();
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (FileChannel ch = pids.openReconcileLock();
                FileLock lock = ch.lock()) {
            List<PidFile> dead = pids.dead();
            for (PidFile pf : dead) {
                try {
                    handle(pf);
                } catch (IOException | RuntimeException e) {
                    log.accept(LogLines.reconcileFailed(pf.path(), Messages.errorText(e)));
                }
            }
            return dead.size();
        }
    }

    private void handle(PidFile pf) throws IOException {
        if (pf.runnerPid() == null) {
            pids.delete(pf); // not a PID file of ours (first line not a pid): the original deleted it too
            return;
        }
        Optional<Session> entry = pf.sessionId() == null ? Optional.empty() : registry.get(pf.sessionId());
        boolean report = pf.sessionId() == null || entry.isEmpty() || registry.markLost(pf.sessionId());
        if (report) {
            queueLostNotice(pf, entry.orElse(null));
        }
        stopWhatItStarted(pf);
        pids.delete(pf);
    }

    /** Its Claude, if still running, and whatever carries the run's mark (started by it, escaped or not). */
    private static void stopWhatItStarted(PidFile pf) {
        ProcessHandle claude = pf.claudePid() == null ? null
                : ProcessHandle.of(pf.claudePid()).filter(ProcessTree::isSupervisedClaude).orElse(null);
        if (claude != null || pf.runId() != null) {
            long session = claude != null && ProcessTree.sessionOf(claude) == claude.pid() ? claude.pid() : 0;
            ProcessTree.kill(claude, session, pf.runId(), TaskRun.KILL_GRACE);
        }
    }

    private void queueLostNotice(PidFile pf, Session entry) {
        String task = firstKnown(entry == null ? null : entry.taskSummary(), pf.task());
        String project = firstKnown(entry == null ? null : entry.projectDir(), pf.project());
        String output = firstKnown(entry == null ? null : entry.text("output_file"), pf.output());
        String message = Messages.lost(new Messages.Lost(task, project, output, pf.runnerPid(), pf.sessionId()));
        Route route = Routes.resolve(pf.sessionKey(), null, null, null).orElse(null);
        String runId = pf.runId() != null ? pf.runId() : "pid-" + pf.runnerPid();
        // the run's own --attach is not recorded: its partial output goes by the default rule (auto), as its wake does
        Attachment partial = route == null || output.equals(UNKNOWN) ? null : Attachment.ofFile(output,
                entry != null && entry.label() != null ? entry.label() : pf.label(), LocalDateTime.now());
        var drafts = Drafts.of(message, partial, route, WakeMode.SESSIONS_SEND, pf.sessionKey(), runId + ":lost");
        log.accept(LogLines.runLost(pf.runnerPid(), pf.sessionId()));
        if (drafts.isEmpty()) {
            return;
        }
        try {
            outbox.enqueue(runId, Event.LOST, drafts);
        } catch (OutboxException e) {
            log.accept(LogLines.lostNoticeNotQueued(e.getMessage()));
        }
    }

    /** PID files of older runners (or the original's) may lack a field: say so rather than fail. */
    private static String firstKnown(String fromRegistry, String fromPidFile) {
        return fromRegistry != null ? fromRegistry : fromPidFile != null ? fromPidFile : UNKNOWN;
    }
}
