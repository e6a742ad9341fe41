package dev.cctask.task;

import dev.cctask.Env;
import dev.cctask.claude.Attempt;
import dev.cctask.claude.Attempt.Stop;
import dev.cctask.claude.ClaudeCommand;
import dev.cctask.claude.ClaudeProcess;
import dev.cctask.claude.ProcessTree;
import dev.cctask.claude.Progress;
import dev.cctask.claude.RunOutcome;
import dev.cctask.claude.RunState;
import dev.cctask.claude.RunTotals;
import dev.cctask.claude.StreamParser;
import dev.cctask.control.RunControl;
import dev.cctask.delivery.Event;
import dev.cctask.delivery.LogLines;
import dev.cctask.delivery.Messages;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One supervised Claude Code run, start to end (SPEC §2.1). It prepares (output file, PID file, launch message, notify
 * relay), starts an {@link Attempt} (one Claude process), waits on its {@link RunLoop} for what stops it (exit, result
 * grace, timeout, cancel), then reports: output file, registry, final message. Whatever happens, the run ends through
 * {@link #finish} or {@link #crash}: the result is written, recorded and queued for delivery, and the PID file removed.
 */
public final class TaskRun {
    static final Duration KILL_GRACE = ProcessTree.TERM_GRACE;
    static final Duration DRAIN = Duration.ofSeconds(5);
    static final Duration CANCEL_DELIVERY = Duration.ofSeconds(20);
    /** How long Claude may linger after its final result, with no background task running, before it is stopped. */
    static final Duration RESULT_GRACE = Duration.ofSeconds(5);
    /** The exit status when a final item could be neither delivered nor queued (README, exit codes). */
    static final int UNDELIVERED = 3;
    /** How long a signal waits for the run to report before the JVM halts. */
    static final Duration SIGNAL_WAIT = KILL_GRACE.plus(DRAIN.multipliedBy(2)).plus(CANCEL_DELIVERY).plusSeconds(10);

    private final RunPlan plan;
    private final TaskOptions o;
    private final Path claude;
    private final Env env;
    private final PrintWriter err;
    private final String runId = UUID.randomUUID().toString();
    private final long runnerPid = ProcessHandle.current().pid();
    private final LocalDateTime start = LocalDateTime.now();
    private final RunLoop loop = new RunLoop();
    private final RunTotals totals = new RunTotals();

    private final Notifications notifications;
    private final Workspace workspace;
    /** The exit status after a signal: 1, or {@link #UNDELIVERED}. */
    private volatile int signalledExit = 1;
    private RunRecorder recorder;
    private OutputFile output;
    private RunControl relay;
    private Heartbeat heartbeat;
    private volatile Attempt attempt;
    private volatile long spawnNanos;
    /** What Claude left running is stopped beside the reporting; the run waits for it before it ends. */
    private CompletableFuture<Void> sweep = CompletableFuture.completedFuture(null);

    private TaskRun(RunPlan plan, Path claude, Env env, PrintWriter err) {
        this.plan = plan;
        this.o = plan.options();
        this.claude = claude;
        this.env = env;
        this.err = err;
        this.notifications = new Notifications(plan, runId, env, this::log);
        this.workspace = new Workspace(plan, env, this::log);
    }

    public static int execute(TaskOptions options, Env env, PrintWriter out, PrintWriter err) {
        ClaudeCommand.checkRunnable(options.claudeBin(), env);
        TaskOptions resolved = ResumeTarget.resolve(options, env, err);
        RunPlan plan = RunPlan.resolve(resolved, env);
        if (resolved.dryRun()) {
            return DryRun.print(plan, env, LocalDateTime.now(), out);
        }
        Path claude = ClaudeCommand.resolveForLaunch(resolved.claudeBin(), env);
        return new TaskRun(plan, claude, env, err).run();
    }

    private int run() {
        SignalHook hook = SignalHook.install(this::cancel, SIGNAL_WAIT, () -> signalledExit, err);
        int code;
        try {
            prepare();
            if (!loop.stopping()) {
                startAttempt();
            }
            code = finish();
        } catch (Throwable t) {
            code = crash(t);
        } finally {
            if (notifications.lostSome()) {
                code = signalledExit = UNDELIVERED;
            }
            cleanUp();
            hook.runEnded();
        }
        hook.close();
        return code;
    }

    /** Folder, files, reconciliation, PID file, banner, relay, the turn in the queue, launch message: before Claude. */
    private void prepare() throws Exception {
        workspace.prepare(runId);
        output = OutputFile.create(o.output(), start, this::log);
        recorder = RunRecorder.open(env, o.pidDir(), workspace.registration(o, output.path(), runId, runnerPid), this::log);
        notifications.flushOlderInBackground();
        LogLines.banner(new LogLines.Banner(o.summary(), o.project(), output.path().toString(), o.timeoutSeconds(),
                o.resume(), o.label(), runnerPid, plan.route(), runId)).forEach(this::log);
        notifications.warnIfNothingConfigured(output.path());
        Messages.Launch launch = workspace.launch(o, runnerPid, recorder.others());
        relay = RunControl.start(notifications::progress, new Steering(() -> attempt, output, recorder, notifications,
                this::log), recorder.controlFile(), this::log);
        if (workspace.awaitTurn(launch, recorder, notifications, loop.stopped())) {
            notifications.launchAsync(Messages.launch(launch));
        }
    }

    /** Claude with the prompt on stdin; its exit, the timeout and the heartbeats from now on. */
    private void startAttempt() throws IOException {
        spawnNanos = System.nanoTime();
        var launch = new Attempt.Launch(ClaudeCommand.argv(claude.toString(), o.resume(), o.claudeArgs()),
                workspace.cwd(), new ClaudeProcess.ChildEnv(relay.childEnv(), plan.secretVariables(env), runId),
                o.task());
        attempt = Attempt.start(launch, totals, StreamParser.Listener.of(recorder::sessionStarted, output::append,
                recorder::backgroundTasks), workspace.onClaudeExit(() -> loop.post(Stop.EXITED)));
        recorder.claudeStarted(attempt.pid());
        if (!attempt.ownSession()) {
            log(LogLines.noSetsid());
        }
        loop.timeoutAfter(o.timeoutSeconds());
        if (notifications.chat()) {
            heartbeat = Heartbeat.sinceSpawn(spawnNanos, o.heartbeatIntervalSeconds(), notifications.launched(),
                    this::heartbeatLine, notifications::heartbeat);
        }
    }

    /** Waits for the stop (exit, result grace, timeout or cancel), then reports it: the one end path of every run. */
    private int finish() throws Exception {
        Attempt a = attempt;
        Stop how = loop.awaitStop(a == null ? () -> -1 : a.state()::doneForNanos, RESULT_GRACE);
        stopClocks();
        Attempt.Ended ended = a == null ? Attempt.Ended.notStarted(how) : end(a, how);
        RunState state = a == null ? new RunState(totals, System::nanoTime) : a.state();
        RunOutcome outcome = RunOutcome.of(state, ended.exitCode(), ended.stderr(), how == Stop.TIMEOUT,
                how == Stop.CANCELLED, o.resume());
        Duration deadline = how == Stop.CANCELLED && CANCEL_DELIVERY.compareTo(deadline()) < 0 ? CANCEL_DELIVERY
                : deadline();
        return new FinalReport(o, workspace, output, recorder, notifications, this::log).tell(outcome, totals,
                elapsedSeconds(), deadline);
    }

    /** Stops the attempt (its leftovers too) and collects how it ended, with the log lines that explain the stop. */
    private Attempt.Ended end(Attempt a, Stop how) throws Exception {
        if (how == Stop.TIMEOUT) {
            log(LogLines.timeoutReached(o.timeoutSeconds()));
        } else if (how == Stop.DONE) {
            log(LogLines.stoppedAfterResult(RESULT_GRACE.toSeconds()));
        }
        Attempt.Ended ended = a.end(how, KILL_GRACE, DRAIN);
        if (how == Stop.EXITED || how == Stop.DONE) {
            sweep = ended.leftovers().thenAccept(n -> {
                if (n > 0) {
                    log(LogLines.leftoversStopped(n));
                }
            });
        }
        return ended;
    }

    /** SPEC §9.3: anything unexpected still ends with a message, a registry entry and exit 1. One log line. */
    private int crash(Throwable t) {
        log(LogLines.crash(t, "1".equals(env.get(LogLines.STACKTRACE_VARIABLE))));
        try {
            stopClocks();
            if (attempt != null) {
                attempt.kill(KILL_GRACE);
            }
            if (recorder != null) {
                recorder.crashed(totals.tokens());
            }
            notifications.finalMessage(Event.CRASH, Messages.crash(o.summary(), Messages.errorText(t)), deadline());
        } catch (Throwable nested) {
            log(LogLines.crashWhileReporting(nested));
        }
        return 1;
    }

    private String heartbeatLine() {
        Progress p = attempt.state().heartbeatSnapshot();
        return Messages.heartbeat(new Messages.Heartbeat(elapsedSeconds(), p.idleSeconds(), p.tokens(), p.toolCalls(),
                p.activity(), p.chunksSinceHeartbeat(), p.background(), p.onlyBackground()));
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
        loop.close();
        if (relay != null) {
            relay.close();
        }
    }

    private void cleanUp() {
        stopClocks();
        sweep.handle((done, failed) -> null).join();
        workspace.close();
        if (output != null) {
            output.close();
        }
        if (recorder != null) {
            recorder.close();
        }
        notifications.close();
    }

    /**
     * SIGTERM/SIGINT/SIGHUP (SPEC §9.2): end as cancelled, report, then exit with status 1. A run that had already
     * ended is only delivering its result: that stops at once, the items stay in the outbox.
     */
    private void cancel() {
        if (!loop.post(Stop.CANCELLED)) {
            notifications.stopDelivery();
        }
    }

    private void log(String line) {
        synchronized (err) {
            err.println(line);
            err.flush();
        }
    }
}
