package dev.cctask.task;

import dev.cctask.Env;
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
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What a run leaves on disk for others: its PID file (for {@code tasks}, {@code cancel} and reconciliation, SPEC §8.5)
 * and its session registry entry (§8.3). After the PID file exists, every write is best effort: a failure is a log
 * line, never the end of the run.
 */
final class RunRecorder implements AutoCloseable {
    private final PidFiles pids;
    private final SessionRegistry registry;
    /** The run's registry entry without its session id. */
    private final Registration run;
    private final Consumer<String> log;
    private PidFile pidFile;
    private volatile String sessionId;

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
        new Reconciler(pids, registry, Outbox.in(env.stateDir()), log).reconcile();
        return start(pids, registry, run, log);
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
        return new RunRecorder(pids, registry, run, log, pids.create(run.task(), fields));
    }

    void claudeStarted(long pid) {
        updatePidFile(Map.of(PidFile.CLAUDE_PID, Long.toString(pid)));
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

    /** Removes the PID file. */
    @Override
    public synchronized void close() {
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
        try {
            pidFile = pids.update(pidFile, changes);
        } catch (IOException | RuntimeException e) {
            log.accept(LogLines.pidFileUpdateFailed(pidFile.path(), Messages.errorText(e)));
        }
    }

    private Registration registration(String id) {
        return new Registration(id, run.label(), run.task(), run.projectDir(), run.openclawSession(), run.outputFile(),
                run.runId(), run.runnerPid());
    }
}
