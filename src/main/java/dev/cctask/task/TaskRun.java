package dev.cctask.task;

import dev.cctask.Env;
import dev.cctask.PythonJson;
import dev.cctask.claude.ClaudeCommand;
import dev.cctask.control.NotifyRelay;
import dev.cctask.claude.ClaudeProcess;
import dev.cctask.claude.ProcessTree;
import dev.cctask.claude.Progress;
import dev.cctask.claude.RunOutcome;
import dev.cctask.claude.RunState;
import dev.cctask.claude.StreamParser;
import dev.cctask.delivery.Event;
import dev.cctask.delivery.LogLines;
import dev.cctask.delivery.Messages;
import dev.cctask.delivery.Outbox;
import dev.cctask.gateway.GatewayConfig;
import dev.cctask.registry.PidFile;
import dev.cctask.registry.PidFiles;
import dev.cctask.registry.SessionRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One supervised Claude Code run, start to end (SPEC §2.1): plan, files, child, stream, heartbeats, timeout,
 * cancel, result, registry, delivery. Whatever happens, the run ends through {@link #finish} or {@link #crash}:
 * the result is written, recorded and queued for delivery, and the PID file removed.
 */
public final class TaskRun {
    static final Duration KILL_GRACE = ProcessTree.TERM_GRACE;
    static final Duration DRAIN = Duration.ofSeconds(5);
    static final Duration CANCEL_DELIVERY = Duration.ofSeconds(20);
    /** How long Claude may linger after its final result, with no background task running, before it is stopped. */
    static final Duration RESULT_GRACE = Duration.ofSeconds(5);
    /** The exit status when a final item could be neither delivered nor queued (README, exit codes). */
    static final int UNDELIVERED = 3;

    /** EXITED: Claude exited; DONE: it printed its final result but lingered beyond {@link #RESULT_GRACE}. */
    enum End { EXITED, DONE, TIMEOUT, CANCELLED }

    private final RunPlan plan;
    private final TaskOptions o;
    private final Env env;
    private final PrintWriter err;
    private final String runId = UUID.randomUUID().toString();
    private final long runnerPid = ProcessHandle.current().pid();
    private final LocalDateTime start = LocalDateTime.now();
    private final CompletableFuture<End> end = new CompletableFuture<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final RunState state = new RunState();

    private volatile Notifications notifications;
    /** The exit status after a signal: 1, or {@link #UNDELIVERED}. */
    private volatile int signalledExit = 1;
    private SessionRegistry registry;
    private PidFiles pids;
    private PidFile pidFile;
    private OutputFile output;
    private ClaudeProcess child;
    private Heartbeat heartbeat;
    private ScheduledExecutorService timer;
    private NotifyRelay relay;
    private volatile long spawnNanos;
    private volatile String registeredSessionId;

    private TaskRun(RunPlan plan, Env env, PrintWriter err) {
        this.plan = plan;
        this.o = plan.options();
        this.env = env;
        this.err = err;
    }

    public static int execute(TaskOptions options, Env env, PrintWriter out, PrintWriter err) {
        ClaudeCommand.checkRunnable(options.claudeBin(), env);
        TaskOptions resolved = ResumeTarget.resolve(options, env, err);
        RunPlan plan = RunPlan.resolve(resolved, env);
        if (resolved.dryRun()) {
            DryRun.print(plan, env, LocalDateTime.now(), out);
            return 0;
        }
        return new TaskRun(plan, env, err).run();
    }

    private int run() {
        Thread onSignal = new Thread(this::onSignal, "run-task-signal");
        Runtime.getRuntime().addShutdownHook(onSignal);
        int code;
        try {
            code = supervise();
        } catch (Throwable t) {
            code = crash(t);
        } finally {
            if (notifications != null && notifications.lostSome()) {
                code = signalledExit = UNDELIVERED;
            }
            cleanUp();
            finished.countDown();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(onSignal);
        } catch (IllegalStateException shuttingDown) {
            // a signal arrived: the hook halts the JVM with exit status 1 once we are done
        }
        return code;
    }

    private int supervise() throws Exception {
        notifications = new Notifications(plan, runId, env, this::log);
        registry = SessionRegistry.of(env, this::log);
        Path project = Path.of(o.project());
        Files.createDirectories(project);
        output = OutputFile.create(o.output(), start, this::log);
        pids = new PidFiles(o.pidDir() != null ? Path.of(o.pidDir()) : PidFiles.defaultDir(env));
        new Reconciler(pids, registry, Outbox.in(env.stateDir()), this::log).reconcile();
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put(PidFile.SESSION_KEY, o.sessionKey());
        fields.put(PidFile.OUTPUT, output.path().toString());
        fields.put(PidFile.LABEL, o.label());
        fields.put(PidFile.RUN_ID, runId);
        fields.put(PidFile.PROJECT, project.toAbsolutePath().toString());
        pidFile = pids.create(o.summary(), fields);
        notifications.flushOlderInBackground();
        String gitWarning = GitInit.run(project);
        if (gitWarning != null) {
            log(gitWarning);
        }
        LogLines.banner(new LogLines.Banner(o.summary(), o.project(), output.path().toString(), o.timeoutSeconds(),
                o.resume(), o.label(), runnerPid, plan.route(), runId)).forEach(this::log);
        notifications.warnIfNothingConfigured(output.path());
        notifications.launchAsync(Messages.launch(
                new Messages.Launch(o.summary(), o.project(), o.timeoutSeconds(), runnerPid, o.label(), o.resume())));

        Path claude = ClaudeCommand.resolveExecutable(o.claudeBin(), env);
        relay = NotifyRelay.start(notifications::progress);
        if (end.isDone()) {
            return finish();
        }
        StreamParser parser = new StreamParser(PythonJson.mapper(), state, new StreamParser.Listener() {
            @Override
            public void onSessionId(String sessionId) {
                registerSession(sessionId);
            }

            @Override
            public void onAssistantText(String text) {
                output.append(text);
            }
        });
        spawnNanos = System.nanoTime();
        child = ClaudeProcess.start(ClaudeCommand.argv(claude.toString(), o.resume(), o.claudeArgs()), project,
                new ClaudeProcess.ChildEnv(relay.childEnv(), secretVariables(), runId), o.task(), parser::accept);
        updatePidFile(PidFile.CLAUDE_PID, Long.toString(child.pid()));
        if (!child.ownSession()) {
            log(LogLines.noSetsid());
        }
        child.onExit().thenRun(() -> end.complete(End.EXITED));
        timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "run-task-timeout"));
        timer.schedule(() -> end.complete(End.TIMEOUT), o.timeoutSeconds(), TimeUnit.SECONDS);
        timer.scheduleWithFixedDelay(() -> {
            if (state.doneForNanos() >= RESULT_GRACE.toNanos()) {
                end.complete(End.DONE);
            }
        }, 200, 200, TimeUnit.MILLISECONDS);
        if (notifications.chat()) {
            long interval = o.heartbeatIntervalSeconds() * 1000L;
            long sinceSpawn = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - spawnNanos);
            heartbeat = new Heartbeat(interval - sinceSpawn, interval, notifications.launched(), this::heartbeatLine,
                    notifications::heartbeat);
        }
        return finish();
    }

    /** Waits for the end (exit, timeout or cancel), then reports it: the one end path of every run. */
    private int finish() throws Exception {
        End how = end.get();
        stopClocks();
        int exitCode = -1;
        if (child != null) {
            if (how == End.TIMEOUT) {
                log(LogLines.timeoutReached(o.timeoutSeconds()));
            } else if (how == End.DONE) {
                log(LogLines.stoppedAfterResult(RESULT_GRACE.toSeconds()));
            }
            // also after a normal exit: nothing Claude started outlives the run (README, Security)
            int leftovers = child.killTree(KILL_GRACE).leftovers();
            if (leftovers > 0 && (how == End.EXITED || how == End.DONE)) {
                log(LogLines.leftoversStopped(leftovers));
            }
            exitCode = child.onExit().get();
            child.awaitDrains(DRAIN);
            if (how == End.DONE) { // the exit status Claude gives its result (CLAUDE-STREAM.md §3.4), not our kill's
                exitCode = state.lastResult().orElseThrow().isError() ? 1 : 0;
            }
        }
        RunOutcome outcome = RunOutcome.of(state, exitCode, child == null ? "" : child.stderr(),
                how == End.TIMEOUT, how == End.CANCELLED, o.resume());
        Duration deadline = how == End.CANCELLED ? min(CANCEL_DELIVERY, deadline()) : deadline();
        if (outcome.resumeFailed()) {
            log(LogLines.resumeFailed(o.resume()));
            writeOutput(outcome.finalText());
            notifications.finalMessage(Event.RESUME_FAILED, withOutputWarning(Messages.resumeFailed(o.resume())),
                    deadline);
            return 1;
        }
        writeOutput(outcome.finalText());
        long elapsed = elapsedSeconds();
        Event event = Event.valueOf(outcome.status().name());
        log(LogLines.done(event, exitCode, outcome.finalText(), elapsed));
        recordEnd(outcome);
        Messages.Finished f = new Messages.Finished(o.summary(), o.project(), output.path().toString(),
                outcome.finalText(), exitCode, elapsed, o.timeoutSeconds(), state.toolCalls(),
                outcome.lastResult().map(r -> new Messages.ResultStats(r.totalCostUsd(), r.numTurns(), state.tokens()))
                        .orElse(null), o.label());
        String message = switch (outcome.status()) {
            case TIMEOUT -> Messages.timeout(f);
            case CANCELLED -> Messages.cancelled(f);
            case COMPLETED -> Messages.completed(f);
            case FAILED -> Messages.failed(f);
        };
        notifications.finalMessage(event, withOutputWarning(message), deadline);
        return outcome.success() ? 0 : 1;
    }

    /** A failing output file is a warning (the result still goes out): the log gets the whole text instead. */
    private void writeOutput(String finalText) {
        output.writeFinal(finalText);
        if (output.problem() != null) {
            log(LogLines.resultInLog(finalText));
        }
    }

    private String withOutputWarning(String message) {
        String problem = output.problem();
        return problem == null ? message : Messages.outputIncomplete(message, problem);
    }

    /** SPEC §9.3: anything unexpected still ends with a message, a registry entry and exit 1. */
    private int crash(Throwable t) {
        log(LogLines.crash(t));
        t.printStackTrace(err);
        err.flush();
        try {
            stopClocks();
            if (child != null && child.onExit().isDone() == false) {
                child.killTree(KILL_GRACE);
            }
            recordCrash();
            if (notifications == null) {
                notifications = new Notifications(plan, runId, env, this::log);
            }
            notifications.finalMessage(Event.CRASH, Messages.crash(o.summary(), Messages.errorText(t)), deadline());
        } catch (Throwable nested) {
            log("💥 Crash while reporting the crash: " + Messages.errorText(nested));
        }
        return 1;
    }

    /**
     * The PID file learns the session id before the registry does: a runner killed in between then still leaves
     * what reconciliation needs to mark the entry lost (SPEC §8.6).
     */
    private void registerSession(String sessionId) {
        registeredSessionId = sessionId;
        updatePidFile(PidFile.SESSION_ID, sessionId);
        try {
            registry.register(registration(sessionId));
            log(LogLines.sessionRegistered(sessionId));
        } catch (IOException | RuntimeException e) {
            log(LogLines.registerFailed(Messages.errorText(e)));
        }
    }

    /** Called from the main and the stream threads: one rewrite at a time. */
    private synchronized void updatePidFile(String key, String value) {
        try {
            pidFile = pids.update(pidFile, Map.of(key, value));
        } catch (IOException | RuntimeException e) {
            log("⚠ Cannot update the PID file " + pidFile.path() + ": " + Messages.errorText(e));
        }
    }

    private SessionRegistry.Registration registration(String sessionId) {
        return new SessionRegistry.Registration(sessionId, o.label(), o.summary(),
                Path.of(o.project()).toAbsolutePath().toString(), o.sessionKey(), output.path().toString(), runId,
                runnerPid);
    }

    private void recordEnd(RunOutcome outcome) {
        String sessionId = registeredSessionId;
        String resultId = outcome.lastResult().map(r -> r.sessionId()).orElse(null);
        if (sessionId == null && resultId == null) {
            return;
        }
        try {
            var r = outcome.lastResult();
            registry.finish(registration(sessionId != null ? sessionId : resultId),
                    new SessionRegistry.Completion(outcome.status().word(), resultId,
                            r.map(x -> x.totalCostUsd()).orElse(null), outcome.exitCode(),
                            r.map(x -> x.numTurns()).orElse(null), r.map(x -> x.durationMs()).orElse(null),
                            state.tokens()));
        } catch (IOException | RuntimeException e) {
            log(LogLines.registerFailed(Messages.errorText(e)));
        }
    }

    private void recordCrash() {
        if (registeredSessionId == null || registry == null) {
            return;
        }
        try {
            registry.finish(registration(registeredSessionId),
                    new SessionRegistry.Completion("failed", null, null, null, null, null, state.tokens()));
        } catch (IOException | RuntimeException e) {
            log(LogLines.registerFailed(Messages.errorText(e)));
        }
    }

    /** The variables a gateway secret may come from: neither Claude nor anything it starts may see them. */
    private Set<String> secretVariables() {
        GatewayConfig gateway = plan.gateway() != null ? plan.gateway() : GatewayConfig.load(env, o.gatewayUrl(), o.tokenEnv());
        return gateway.secretVariables();
    }

    private String heartbeatLine() {
        Progress p = state.heartbeatSnapshot();
        return Messages.heartbeat(new Messages.Heartbeat(elapsedSeconds(), p.idleSeconds(), p.tokens(), p.toolCalls(),
                p.activity(), p.chunksSinceHeartbeat()));
    }

    private long elapsedSeconds() {
        return spawnNanos == 0 ? 0 : TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - spawnNanos);
    }

    private Duration deadline() {
        return Duration.ofSeconds(o.deliveryDeadlineSeconds());
    }

    private void stopClocks() {
        if (heartbeat != null) {
            heartbeat.close();
        }
        if (timer != null) {
            timer.shutdownNow();
        }
        if (relay != null) {
            relay.close();
        }
    }

    private void cleanUp() {
        stopClocks();
        if (output != null) {
            try {
                output.close();
            } catch (IOException ignored) {
                // every write went straight to the file (and the final one was synced): nothing left to flush
            }
        }
        if (pidFile != null) {
            try {
                pids.delete(pidFile);
            } catch (IOException e) {
                log("⚠ Cannot remove the PID file " + pidFile.path() + ": " + Messages.errorText(e));
            }
        }
        if (notifications != null) {
            notifications.close();
        }
    }

    /**
     * SIGTERM/SIGINT/SIGHUP (SPEC §9.2): end as cancelled, report, then exit with status 1. A run that had already
     * ended is only delivering its result: that stops at once, the items stay in the outbox.
     */
    private void onSignal() {
        Notifications n = notifications;
        if (!end.complete(End.CANCELLED) && n != null) {
            n.stopDelivery();
        }
        try {
            finished.await(KILL_GRACE.toSeconds() + DRAIN.toSeconds() * 2 + CANCEL_DELIVERY.toSeconds() + 10,
                    TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        err.flush();
        Runtime.getRuntime().halt(signalledExit);
    }

    private void log(String line) {
        synchronized (err) {
            err.println(line);
            err.flush();
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
