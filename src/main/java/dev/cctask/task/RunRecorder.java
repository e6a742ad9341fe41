package dev.cctask.task;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.cctask.Env;
import dev.cctask.PythonJson;
import dev.cctask.claude.BackgroundTask;
import dev.cctask.claude.RunOutcome;
import dev.cctask.delivery.LogLines;
import dev.cctask.delivery.Messages;
import dev.cctask.delivery.Outbox;
import dev.cctask.registry.PidFile;
import dev.cctask.registry.PidFiles;
import dev.cctask.registry.SessionRegistry;
import dev.cctask.registry.SessionRegistry.Registration;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
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
    private boolean closed;
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
        fields.put(PidFile.STEERED, "0");
        return new RunRecorder(pids, registry, run, log, pids.create(run.task(), fields));
    }

    void claudeStarted(long pid) {
        updatePidFile(PidFile.CLAUDE_PID, Long.toString(pid));
    }

    /** Where the run's control file goes: beside the PID file. */
    Path controlFile() {
        return pidFile.controlFile();
    }

    /** {@code tasks --json} shows how many messages were steered in. */
    void steered(int count) {
        updatePidFile(PidFile.STEERED, Integer.toString(count));
    }

    /**
     * The PID file learns the session id before the registry does: a runner killed in between then still leaves
     * what reconciliation needs to mark the entry lost (SPEC §8.6).
     */
    void sessionStarted(String id) {
        sessionId = id;
        updatePidFile(PidFile.SESSION_ID, id);
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
        updatePidFile(PidFile.BACKGROUND_TASKS, array.toString());
    }

    /** The entry's end: under the registered id, else the result's; nothing when Claude named no session. */
    void finished(RunOutcome outcome, long tokens) {
        String resultId = outcome.lastResult().map(r -> r.sessionId()).orElse(null);
        if (sessionId == null && resultId == null) {
            return;
        }
        var r = outcome.lastResult();
        finish(sessionId != null ? sessionId : resultId, new SessionRegistry.Completion(outcome.status().word(),
                resultId, r.map(x -> x.totalCostUsd()).orElse(null), outcome.exitCode(),
                r.map(x -> x.numTurns()).orElse(null), r.map(x -> x.durationMs()).orElse(null), tokens));
    }

    /** SPEC §9.3: a registered entry becomes {@code failed}. */
    void crashed(long tokens) {
        if (sessionId != null) {
            finish(sessionId, new SessionRegistry.Completion("failed", null, null, null, null, null, tokens));
        }
    }

    /** Removes the PID file; later updates are dropped (a late stream line must not write it again). */
    @Override
    public synchronized void close() {
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

    /** Called from the main and the stream threads: one rewrite at a time. */
    private synchronized void updatePidFile(String key, String value) {
        if (closed) {
            return;
        }
        try {
            pidFile = pids.update(pidFile, Map.of(key, value));
        } catch (IOException | RuntimeException e) {
            log.accept(LogLines.pidFileUpdateFailed(pidFile.path(), Messages.errorText(e)));
        }
    }

    private Registration registration(String id) {
        return new Registration(id, run.label(), run.task(), run.projectDir(), run.openclawSession(), run.outputFile(),
                run.runId(), run.runnerPid());
    }
}
