package dev.cctask.cli;

import dev.cctask.UserException;
import dev.cctask.registry.PidFile;
import dev.cctask.task.Tasks;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
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
            throw UserException.usage("cancel: TARGET must not be empty");
        }
        if (waitSeconds < 0) {
            throw UserException.usage("cancel: --wait must be >= 0");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Tasks tasks = new Tasks(CliEnv.get(), pidDir, err::println);
        PidFile f = Targets.one(tasks, tasks.find(target), target, "Cancel", err);
        if (f == null) {
            return 1;
        }
        long pid = f.runnerPid();
        return switch (tasks.stop(f, Duration.ofSeconds(waitSeconds))) {
            case SELF -> fail(err, "Refusing to cancel this very process (" + pid + ")");
            case STILL_RUNNING -> fail(err, "Runner " + pid + " is still running after " + waitSeconds + "s");
            case STOPPED -> {
                out.printf("Cancelled runner %d (session %s)%n", pid, f.sessionId() == null ? "unknown" : f.sessionId());
                out.flush();
                yield 0;
            }
        };
    }

    private static int fail(PrintWriter err, String message) {
        err.println(message);
        err.flush();
        return 1;
    }
}
