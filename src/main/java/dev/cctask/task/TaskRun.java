package dev.cctask.task;

import dev.cctask.Env;
import dev.cctask.claude.Attempt.Stop;
import dev.cctask.claude.Attempt;
import dev.cctask.claude.ClaudeCommand;
import dev.cctask.claude.ClaudeProcess;
import dev.cctask.claude.ProcessTree;
import dev.cctask.claude.RunOutcome;
import dev.cctask.claude.RunState;
import dev.cctask.claude.RunTotals;
import dev.cctask.claude.StreamParser;
import dev.cctask.claude.UsageLimit;
import dev.cctask.control.RunControl;
import dev.cctask.delivery.Event;
import dev.cctask.delivery.LogLines;
import dev.cctask.delivery.Messages;
import dev.cctask.registry.SessionRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.UUID;

/**
 * One supervised Claude Code run, start to end (SPEC §2.1). It prepares (output file, PID file, launch message, notify
 * relay), starts an {@link Attempt} (one Claude process), waits on its {@link RunLoop} for what stops it (exit, result
 * grace, timeout, cancel), then reports: output file, registry, final message. An attempt that ends on the plan's usage
 * limit pauses the run until the reset ({@link Pause}); then the same session resumes in a new attempt. Whatever
 * happens, the run ends through {@link #finish} or {@link #crash}: the result is recorded and queued for delivery.
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
    private final RunLoop loop = new RunLoop();
    private final RunTotals totals = new RunTotals();

    private final Notifications notifications;
    private final Workspace workspace;
    /** The exit status after a signal: 1, or {@link #UNDELIVERED}. */
    private volatile int signalledExit = 1;
    private RunRecorder recorder;
    private OutputFile output;
    private RunControl relay;
    private Steering steering;
    private Approvals approvals;
    private Pause pause;
    private final Stopper stopper = new Stopper(this::log);
    private volatile Attempt attempt;

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
            code = work();
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
        output = OutputFile.create(o.output(), LocalDateTime.now(), this::log);
        recorder = RunRecorder.open(env, o.pidDir(), workspace.registration(o, output.path(), runId, runnerPid), this::log);
        notifications.flushOlderInBackground();
        LogLines.banner(new LogLines.Banner(o.summary(), o.project(), output.path().toString(), o.timeoutSeconds(),
                o.resume(), o.label(), runnerPid, plan.route(), runId)).forEach(this::log);
        notifications.warnIfNothingConfigured(output.path());
        Messages.Launch launch = workspace.launch(o, runnerPid, recorder.others());
        steering = new Steering(output, recorder, notifications, this::log);
        approvals = new Approvals(o.approvalTimeout(), workspace.cwd().toString(), o.label() != null
                ? o.label() : Long.toString(runnerPid), plan.route(), recorder, notifications, this::log);
        relay = RunControl.start(notifications::progress, steering, approvals, recorder.controlFile(), this::log);
        if (workspace.awaitTurn(launch, recorder, notifications, loop.stopped())) {
            notifications.launchAsync(Messages.launch(launch));
        }
        pause = new Pause(o, runnerPid, loop, recorder, notifications, output, totals, this::log, Clock.systemDefaultZone());
    }

    /** Attempts until one ends the run; one that ends on the plan's usage limit pauses it until the reset, or ends it. */
    private int work() throws Exception {
        String resume = o.resume();
        String prompt = o.task();
        Attempt.Ended ended = Attempt.Ended.notStarted(Stop.CANCELLED);
        while (!loop.stopping()) {
            stopper.awaitSweep();
            startAttempt(resume, prompt);
            Stop how = loop.awaitStop(attempt.state()::doneForNanos, RESULT_GRACE);
            idle();
            ended = stopper.end(attempt, how, o.timeoutSeconds());
            approvals.attemptEnded();
            UsageLimit limit = attempt.usageLimit(ended).orElse(null);
            FinalReport.LimitStop stop = limit == null ? null : pause.refusal(limit, ended.sessionId());
            if (limit == null || stop != null) {
                return finish(how, ended, stop);
            }
            resume = ended.sessionId();
            prompt = Messages.CONTINUE_PROMPT;
            steering.hold();
            pause.await(limit, resume); // until the reset, or a cancel that stops the loop
            if (!loop.stopping() && !workspace.awaitSlotAgain(loop.cancelRequested())) {
                break; // cancelled while waiting for a slot
            }
        }
        return finish(Stop.CANCELLED, ended, null);
    }

    /** Claude with the prompt on stdin; its exit, the working-time clock and the heartbeats from now on. */
    private void startAttempt(String resume, String prompt) throws IOException {
        var launch = new Attempt.Launch(ClaudeCommand.argv(claude.toString(), resume, o.permissions(),
                recorder.controlFile().toAbsolutePath().getParent().toString(), o.claudeArgs()),
                workspace.cwd(), new ClaudeProcess.ChildEnv(relay.childEnv(), plan.secretVariables(env), runId), prompt);
        long spawnNanos = System.nanoTime();
        attempt = Attempt.start(launch, totals, StreamParser.Listener.of(recorder::sessionStarted, output::append,
                recorder::backgroundTasks, r -> approvals.request(r, () -> attempt.input())),
                workspace.onClaudeExit(() -> loop.post(Stop.EXITED)));
        recorder.claudeStarted(attempt.pid());
        steering.started(attempt);
        if (!attempt.ownSession()) {
            log(LogLines.noSetsid());
        }
        loop.work(Duration.ofSeconds(o.timeoutSeconds()));
        notifications.beatSince(spawnNanos, attempt.state(), loop::workedSeconds);
    }

    /** Reports how the run stopped: the one end path of every run. */
    private int finish(Stop how, Attempt.Ended ended, FinalReport.LimitStop limited) {
        stopClocks();
        steering.finished();
        if (loop.finishing()) {
            notifications.stopDelivery(); // a signal after the stop: its result goes to the outbox at once
        }
        RunState state = attempt == null ? new RunState(totals, System::nanoTime) : attempt.state();
        RunOutcome outcome = RunOutcome.of(state, ended.exitCode(), ended.stderr(), how == Stop.TIMEOUT,
                how == Stop.CANCELLED, o.resume());
        Duration deadline = how == Stop.CANCELLED && CANCEL_DELIVERY.compareTo(deadline()) < 0 ? CANCEL_DELIVERY
                : deadline();
        return new FinalReport(o, workspace, output, recorder, notifications, this::log).tell(outcome, limited, totals,
                loop.workedSeconds(), deadline);
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

    private Duration deadline() {
        return Duration.ofSeconds(o.deliveryDeadlineSeconds());
    }

    /** Nothing works now: no heartbeat, the working-time clock stands still. */
    private void idle() {
        notifications.stopBeats();
        loop.idle();
    }

    private void stopClocks() {
        idle();
        loop.close();
        if (relay != null) {
            relay.close();
        }
    }

    private void cleanUp() {
        stopClocks();
        if (approvals != null) {
            approvals.close();
        }
        stopper.awaitSweep();
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
