package dev.cctask.cli;

import dev.cctask.control.ApproveRoute;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code approve TARGET N [--always]}: allows permission request N of a running task (issue 18). */
@Command(name = "approve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Allow a permission request of a task run with --permissions ask|edits (🔐 in the chat).",
            "Exit 0 once Claude has the answer; 1 when the request is unknown, already answered, or the task has"
                + " finished."})
public final class ApproveCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TARGET",
            description = "Runner pid, Claude pid, session id, or label (as shown by `tasks`).")
    String target;

    @Parameters(index = "1", paramLabel = "N", description = "The request's number: \"Claude Code asks (#N)\".")
    int n;

    @Option(names = "--always", description = "Also allow requests of this kind for the rest of the run (Claude's"
            + " own suggestion, e.g. this command prefix or edits in this folder).")
    boolean always;

    @Option(names = "--pid-dir", paramLabel = "DIR", description = "PID file directory (default: pids/ beside run-task.jar).")
    Path pidDir;

    @Override
    public Integer call() throws IOException {
        return Answering.answer(target, pidDir, new ApproveRoute.Answer(n, true, always, null),
                spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
