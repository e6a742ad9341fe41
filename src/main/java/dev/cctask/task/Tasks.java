package dev.cctask.task;

import dev.cctask.delivery.LogLines;
import dev.cctask.Env;
import dev.cctask.UserException;
import dev.cctask.claude.ProcessTree;
import dev.cctask.delivery.Deliverer;
import dev.cctask.delivery.GatewaySenders;
import dev.cctask.delivery.Outbox;
import dev.cctask.delivery.Sender;
import dev.cctask.registry.PidFile;
import dev.cctask.registry.PidFiles;
import dev.cctask.registry.Session;
import dev.cctask.registry.SessionRegistry;
import dev.cctask.registry.TaskTarget;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The supervised runs of this machine, as {@code tasks} and {@code cancel} see them: their PID files, crash
 * reconciliation, the outbox flush before listing, matching a target, and stopping a runner.
 */
public final class Tasks {
    /** How {@link #stop} went. */
    public enum Stop { STOPPED, SELF, STILL_RUNNING }

    private final Env env;
    private final PidFiles pids;
    private final Consumer<String> warnings;

    /** @param pidDir the {@code --pid-dir} given, or null for the default */
    public Tasks(Env env, Path pidDir, Consumer<String> warnings) {
        this.env = env;
        this.pids = new PidFiles(pidDir != null ? pidDir : PidFiles.defaultDir(env));
        this.warnings = warnings;
    }

    /** Every PID file, alive or not. */
    public List<PidFile> list() {
        try {
            return pids.list();
        } catch (IOException e) {
            throw UserException.failed("Cannot read the PID directory " + pids.dir() + ": " + e);
        }
    }

    /**
     * How many waiting runs are ahead of this one in the queue for a slot (issue 19), or null when it is not
     * waiting.
     */
    public Integer queuedAhead(PidFile f) {
        return f.queueTicket() == null ? null : Slots.ahead(env, f.queueTicket());
    }

    /** Crash reconciliation (SPEC §8.6): dead runners' sessions become {@code lost} and their notices are queued. */
    public void reconcile() {
        try {
            new Reconciler(pids, SessionRegistry.of(env, warnings), Outbox.in(env.stateDir()), warnings).reconcile();
        } catch (IOException e) {
            warnings.accept(LogLines.reconciliationFailed(e.getMessage()));
        }
    }

    /** Flushes the outbox for at most 10 s before listing (SPEC §1.4 {@code tasks}, §8.5). */
    public void flushOutbox() {
        Outbox outbox = Outbox.in(env.stateDir());
        try {
            if (outbox.pending().isEmpty()) {
                return;
            }
            Sender sender = GatewaySenders.create(env, null, null, warnings);
            if (sender != null) {
                new Deliverer(outbox, sender).flush(Duration.ofSeconds(10));
            }
        } catch (IOException e) {
            warnings.accept(LogLines.outboxFlushFailed(e.getMessage()));
        }
    }

    /**
     * What a TARGET of {@code cancel} or {@code steer} names ({@link #match}): the runs with a live runner, and only
     * when there is none, those whose runner is gone.
     */
    public record Found(List<PidFile> live, List<PidFile> dead) {
        public boolean none() {
            return live.isEmpty() && dead.isEmpty();
        }
    }

    public Found find(String target) {
        List<PidFile> files = list();
        List<PidFile> live = match(target, files.stream().filter(PidFiles::isAlive).toList());
        return new Found(live, live.isEmpty() ? match(target, files.stream().filter(f -> !PidFiles.isAlive(f)).toList())
                : List.of());
    }

    /** The files among {@code files} that {@code target} names (runner PID, session id, label, registry label). */
    public List<PidFile> match(String target, List<PidFile> files) {
        SessionRegistry registry = SessionRegistry.of(env, warnings);
        try {
            return TaskTarget.match(target, files, registry);
        } catch (IOException e) {
            throw SessionRegistry.unreadable(registry.file(), e);
        }
    }

    /**
     * The session {@code target} names in the registry, when no PID file does ({@code steer} after the run ended):
     * the entry under that id, else the one entry its label matches.
     */
    public Optional<Session> session(String target) {
        SessionRegistry registry = SessionRegistry.of(env, warnings);
        try {
            Optional<Session> byId = registry.get(target);
            if (byId.isPresent()) {
                return byId;
            }
            List<Session> byLabel = registry.matchLabel(target);
            return byLabel.size() == 1 ? Optional.of(byLabel.get(0)) : Optional.empty();
        } catch (IOException e) {
            throw SessionRegistry.unreadable(registry.file(), e);
        }
    }

    /**
     * The command that continues a session with a new prompt: {@code run-task --resume-label "<label>" --task-file
     * FILE} when the label names this session alone, else {@code run-task --resume <id> -p "<project>" --task-file
     * FILE}; null without a session id or label.
     */
    public String continueCommand(String label, String sessionId, String project) {
        boolean byLabel = label != null && !label.isBlank();
        if (byLabel && sessionId != null) {
            SessionRegistry registry = SessionRegistry.of(env, warnings);
            try {
                List<Session> named = registry.matchLabel(label);
                byLabel = named.size() == 1 && named.get(0).id().equals(sessionId);
            } catch (IOException e) {
                byLabel = false;
            }
        }
        if (byLabel) {
            return "run-task --resume-label " + quoted(label) + " --task-file FILE";
        }
        if (sessionId == null) {
            return null;
        }
        return "run-task --resume " + sessionId + (project == null ? "" : " -p " + quoted(project)) + " --task-file FILE";
    }

    /** In double quotes for a POSIX shell: {@code \ " $ `} escaped. */
    private static String quoted(String s) {
        return "\"" + s.replaceAll("([\\\\\"$`])", "\\\\$1") + "\"";
    }

    /** Dead runners' leftovers: reconciles, then deletes their PID files. */
    public void removeStale(List<PidFile> dead) throws IOException {
        reconcile();
        for (PidFile f : dead) {
            pids.delete(f);
        }
    }

    /**
     * SIGTERM to the runner (its shutdown hook does the rest, SPEC §9.2), waiting at most {@code wait} for it to
     * exit; then stops what a runner cut short left behind.
     */
    public Stop stop(PidFile f, Duration wait) {
        Optional<ProcessHandle> handle = ProcessHandle.of(f.runnerPid());
        if (handle.isPresent()) {
            ProcessHandle runner = handle.get();
            try {
                runner.destroy();
            } catch (IllegalStateException self) {
                return Stop.SELF;
            }
            if (!waitForExit(runner, wait)) {
                return Stop.STILL_RUNNING;
            }
        }
        if (f.runId() != null) { // the runner stopped them; this catches what a runner cut short left behind
            ProcessTree.kill(null, 0, f.runId(), ProcessTree.TERM_GRACE);
        }
        return Stop.STOPPED;
    }

    private static boolean waitForExit(ProcessHandle runner, Duration wait) {
        try {
            runner.onExit().get(wait.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException stillRunning) {
            return !runner.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !runner.isAlive();
        } catch (ExecutionException e) {
            return !runner.isAlive();
        }
    }
}
