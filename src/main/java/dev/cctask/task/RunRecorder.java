package dev.cctask.task;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.cctask.Env;
import dev.cctask.PythonJson;
import dev.cctask.claude.BackgroundTask;
import dev.cctask.Threads;
import dev.cctask.claude.RunOutcome;
import dev.cctask.claude.RunTotals;
import dev.cctask.delivery.LogLines;
import dev.cctask.delivery.Messages;
import dev.cctask.delivery.Outbox;
import dev.cctask.registry.PidFile;
import dev.cctask.registry.IsoLocal;
import dev.cctask.registry.PidFiles;
import dev.cctask.registry.SessionRegistry;
import dev.cctask.registry.SessionRegistry.Registration;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What a run leaves on disk for others: its PID file (for {@code tasks}, {@code cancel} and reconciliation, SPEC §8.5)
 * and its session registry entry (§8.3). After the PID file exists, every write is best effort: a failure is a log
 * line, never the end of the run.
 */
final class RunRecorder implements AutoCloseable {
    /** After a wait in the queue, how long reconciliation lets Claude's start go first. */
    static final Duration RECONCILE_DELAY = Duration.ofMillis(500);

    private final PidFiles pids;
    private final SessionRegistry registry;
    /** The run's registry entry without its session id. */
    private final Registration run;
    private final Consumer<String> log;
    private PidFile pidFile;
    private boolean closed;
    private volatile String sessionId;
    /** Settles dead runners again once a queued run gets its slot (null in tests that start without one). */
    private Reconciler reconciler;
    /** That reconciliation, which the run waits for before it ends (it may be stopping a dead runner's Claude). */
    private volatile CompletableFuture<Void> reconciling = CompletableFuture.completedFuture(null);

    private RunRecorder(PidFiles pids, SessionRegistry registry, Registration run, Consumer<String> log, PidFile pidFile) {
        this.pids = pids;
        this.registry = registry;
        this.run = run;
        this.log = log;
        this.pidFile = pidFile;
    }

    /**
     * Settles what runners that died left behind ({@link Reconciler}), then writes this run's PID file.
     *
     * @param pidDir {@code --pid-dir}, or null for the default
     */
    static RunRecorder open(Env env, String pidDir, Registration run, Consumer<String> log) throws IOException {
        SessionRegistry registry = SessionRegistry.of(env, log);
        PidFiles pids = new PidFiles(pidDir != null ? Path.of(pidDir) : PidFiles.defaultDir(env));
        Reconciler reconciler = new Reconciler(pids, registry, Outbox.in(env.stateDir()), log);
        reconciler.reconcile();
        RunRecorder recorder = start(pids, registry, run, log);
        recorder.reconciler = reconciler;
        return recorder;
    }

    /** Writes the PID file (summary, route key, output, label, run id, project). */
    static RunRecorder start(PidFiles pids, SessionRegistry registry, Registration run, Consumer<String> log)
            throws IOException {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put(PidFile.SESSION_KEY, run.openclawSession());
        fields.put(PidFile.OUTPUT, run.outputFile());
        fields.put(PidFile.LABEL, run.label());
        fields.put(PidFile.RUN_ID, run.runId());
        fields.put(PidFile.PROJECT, run.projectDir());
        fields.put(PidFile.STEERED, "0");
        fields.put(PidFile.WORKTREE, run.worktree());
        fields.put(PidFile.BRANCH, run.branch());
        return new RunRecorder(pids, registry, run, log, pids.create(run.task(), fields));
    }

    /** The run waits for a slot with this ticket: {@code tasks} shows its place (issue 19). */
    void queued(long ticket) {
        updatePidFile(Collections.singletonMap(PidFile.QUEUED, Long.toString(ticket)));
    }

    /** Whether the run is (still) waiting in the queue. */
    synchronized boolean queued() {
        return pidFile.queueTicket() != null;
    }

    /**
     * The run left the queue with a slot. The PID file says so with the next write ({@code claude_pid}), so that
     * Claude's start does not wait for a disk write. A runner killed while it held that slot may have left its Claude
     * running: reconciliation stops it, a little later, beside this run's start.
     */
    synchronized void dequeued() {
        pidFile = pidFile.with(Collections.singletonMap(PidFile.QUEUED, null));
        Reconciler r = reconciler;
        if (r != null) {
            reconciling = CompletableFuture.runAsync(() -> {
                try {
                    r.reconcile();
                } catch (IOException | RuntimeException e) {
                    log.accept(LogLines.reconciliationFailed(Messages.errorText(e)));
                }
            }, CompletableFuture.delayedExecutor(RECONCILE_DELAY.toMillis(), TimeUnit.MILLISECONDS,
                    Threads.starting("run-task-reconcile")));
        }
    }

    /** The PID files of the other runs whose runner is alive. */
    List<PidFile> others() {
        try {
            return pids.list().stream().filter(f -> !f.path().equals(pidFile.path()) && PidFiles.isAlive(f)).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    void claudeStarted(long pid) {
        updatePidFile(Map.of(PidFile.CLAUDE_PID, Long.toString(pid)));
    }

    /** Where the run's control file goes: beside the PID file. */
    Path controlFile() {
        return pidFile.controlFile();
    }

    /** {@code tasks} shows the permission requests Claude waits on: a JSON array on one line (issue 18). */
    void approvals(ArrayNode open) {
        updatePidFile(Map.of(PidFile.APPROVALS, open.toString()));
    }

    /** {@code tasks --json} shows how many messages were steered in. */
    void steered(int count) {
        updatePidFile(Map.of(PidFile.STEERED, Integer.toString(count)));
    }

    /**
     * The PID file learns the session id before the registry does: a runner killed in between then still leaves
     * what reconciliation needs to mark the entry lost (SPEC §8.6). A resumed attempt's init names the same session:
     * it is registered already.
     */
    void sessionStarted(String id) {
        if (id.equals(sessionId)) {
            return;
        }
        sessionId = id;
        updatePidFile(Map.of(PidFile.SESSION_ID, id));
        try {
            registry.register(registration(id));
            log.accept(LogLines.sessionRegistered(id));
        } catch (IOException | RuntimeException e) {
            log.accept(LogLines.registerFailed(Messages.errorText(e)));
        }
    }

    /**
     * The PID file lists the run's background tasks ({@code tasks --json}): one JSON array on one line, each task
     * {@code {task_id, type, description, subagent_type, status}}.
     */
    void backgroundTasks(List<BackgroundTask> tasks) {
        ArrayNode array = PythonJson.mapper().createArrayNode();
        for (BackgroundTask t : tasks) {
            array.addObject().put("task_id", t.id()).put("type", t.type()).put("description", t.description())
                    .put("subagent_type", t.subagentType()).put("status", t.status());
        }
        updatePidFile(Map.of(PidFile.BACKGROUND_TASKS, array.toString()));
    }

    /**
     * The run waits for its plan's usage limit to reset (issue 15): registry {@code paused}; the PID file says until
     * when, and no longer names a Claude (it exited).
     */
    void paused(LocalDateTime resumeAt) {
        Map<String, String> changes = new HashMap<>();
        changes.put(PidFile.PAUSED_UNTIL, IsoLocal.format(resumeAt));
        changes.put(PidFile.CLAUDE_PID, null);
        updatePidFile(changes);
        status(SessionRegistry.STATUS_PAUSED);
    }

    /** The pause is over: registry {@code running} again, the PID file without its resume time. */
    void resumed() {
        Map<String, String> changes = new HashMap<>();
        changes.put(PidFile.PAUSED_UNTIL, null);
        updatePidFile(changes);
        status(SessionRegistry.STATUS_RUNNING);
    }

    /**
     * The entry's end: under the registered id, else the result's; nothing when Claude named no session. The figures
     * are the whole run's: turns and duration of every attempt, the last cost (the session's so far).
     */
    void finished(RunOutcome outcome, RunTotals totals) {
        String resultId = outcome.lastResult().map(r -> r.sessionId()).orElse(null);
        if (sessionId == null && resultId == null) {
            return;
        }
        finish(sessionId != null ? sessionId : resultId, new SessionRegistry.Completion(outcome.status().word(),
                resultId, totals.lastResult().map(x -> x.totalCostUsd()).orElse(null), outcome.exitCode(),
                totals.turns(), totals.durationMs(), totals.tokens()));
    }

    /** SPEC §9.3: a registered entry becomes {@code failed}. */
    void crashed(long tokens) {
        if (sessionId != null) {
            finish(sessionId, new SessionRegistry.Completion("failed", null, null, null, null, null, tokens));
        }
    }

    /** Waits for a reconciliation under way, then removes the PID file. */
    @Override
    public void close() {
        reconciling.join(); // it catches what it throws
        removePidFile();
    }

    private synchronized void removePidFile() {
        closed = true;
        try {
            pids.delete(pidFile);
        } catch (IOException e) {
            log.accept(LogLines.pidFileRemoveFailed(pidFile.path(), Messages.errorText(e)));
        }
    }

    private void finish(String id, SessionRegistry.Completion completion) {
        try {
            registry.finish(registration(id), completion);
        } catch (IOException | RuntimeException e) {
            log.accept(LogLines.registerFailed(Messages.errorText(e)));
        }
    }

    private void status(String status) {
        if (sessionId != null) {
            try {
                registry.update(sessionId, Map.of("status", status));
            } catch (IOException | RuntimeException e) {
                log.accept(LogLines.registerFailed(Messages.errorText(e)));
            }
        }
    }

    /** Called from the main and the stream threads: one rewrite at a time. A null value removes the key. */
    private synchronized void updatePidFile(Map<String, String> changes) {
        if (closed) {
            return;
        }
        try {
            pidFile = pids.update(pidFile, changes);
        } catch (IOException | RuntimeException e) {
            log.accept(LogLines.pidFileUpdateFailed(pidFile.path(), Messages.errorText(e)));
        }
    }

    private Registration registration(String id) {
        return run.withSessionId(id);
    }
}
