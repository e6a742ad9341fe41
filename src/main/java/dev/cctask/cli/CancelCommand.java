package dev.cctask.cli;

import dev.cctask.Env;
import dev.cctask.UserException;
import dev.cctask.claude.ProcessTree;
import dev.cctask.registry.PidFile;
import dev.cctask.registry.PidFiles;
import dev.cctask.registry.SessionRegistry;
import dev.cctask.registry.TaskTarget;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cancel <target>}: SIGTERM to a runner, which then kills its Claude tree, records {@code cancelled} and
 * notifies (SPEC §1.4, §9.2).
 */
@Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a running task.")
public final class CancelCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "TARGET",
            description = "Runner pid, Claude pid, session id, or label (as shown by `tasks`).")
    String target;

    @Option(names = "--wait", defaultValue = "60", paramLabel = "SECONDS",
            description = "How long to wait for the runner to exit (default: ${DEFAULT-VALUE}).")
    long waitSeconds;

    @Option(names = "--pid-dir", paramLabel = "DIR", description = "PID file directory (default: pids/ beside run-task.jar).")
    Path pidDir;

    @Override
    public Integer call() throws IOException {
        if (target.isBlank()) {
            throw new UserException(App.EXIT_USAGE, "cancel: TARGET must not be empty");
        }
        if (waitSeconds < 0) {
            throw new UserException(App.EXIT_USAGE, "cancel: --wait must be >= 0");
        }
        Env env = CliEnv.get();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PidFiles pids = TasksCommand.pidFiles(env, pidDir);
        SessionRegistry registry = SessionRegistry.of(env, err::println);
        List<PidFile> files = TasksCommand.list(pids);
        List<PidFile> running = files.stream().filter(PidFiles::isAlive).toList();
        List<PidFile> hits = TaskTarget.match(target, running, registry);
        if (hits.isEmpty()) {
            List<PidFile> dead = TaskTarget.match(target, files.stream().filter(f -> !PidFiles.isAlive(f)).toList(), registry);
            return dead.isEmpty() ? fail(err, "No running task matches '" + target + "'") : removeStale(env, pids, dead, err);
        }
        if (hits.size() > 1) {
            TextTable t = new TextTable("RUNNER_PID", "SESSION_ID", "LABEL", "TASK");
            hits.forEach(f -> t.row(f.runnerPid(), f.sessionId(), f.label(), f.task()));
            return fail(err, "Several running tasks match '" + target + "':\n" + t.render() + "Cancel one by its RUNNER_PID.");
        }
        return terminate(hits.get(0), out, err);
    }

    private int terminate(PidFile f, PrintWriter out, PrintWriter err) {
        long pid = f.runnerPid();
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isPresent()) {
            ProcessHandle runner = handle.get();
            try {
                runner.destroy(); // SIGTERM: the runner's shutdown hook does the rest (SPEC §9.2)
            } catch (IllegalStateException self) {
                return fail(err, "Refusing to cancel this very process (" + pid + ")");
            }
            if (!waitForExit(runner)) {
                return fail(err, "Runner " + pid + " is still running after " + waitSeconds + "s");
            }
        }
        if (f.runId() != null) { // the runner stopped them; this catches what a runner cut short left behind
            ProcessTree.kill(null, 0, f.runId(), ProcessTree.TERM_GRACE);
        }
        out.printf("Cancelled runner %d (session %s)%n", pid, f.sessionId() == null ? "unknown" : f.sessionId());
        out.flush();
        return 0;
    }

    private boolean waitForExit(ProcessHandle runner) {
        try {
            runner.onExit().get(waitSeconds, TimeUnit.SECONDS);
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

    /** The target's runner died without cleaning up: reconcile, delete what is left, say so; exit 1. */
    private static int removeStale(Env env, PidFiles pids, List<PidFile> dead, PrintWriter err) throws IOException {
        TasksCommand.reconcile(env, pids, err);
        for (PidFile f : dead) {
            pids.delete(f);
            err.printf("Runner %s is not running; removed its stale PID file %s%n",
                    f.runnerPid() == null ? "?" : f.runnerPid(), f.path());
        }
        err.flush();
        return 1;
    }

    private static int fail(PrintWriter err, String message) {
        err.println(message);
        err.flush();
        return 1;
    }
}
