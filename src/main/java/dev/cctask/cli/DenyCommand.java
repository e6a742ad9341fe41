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

/** {@code deny TARGET N [REASON]}: refuses permission request N of a running task; Claude reads the reason. */
@Command(name = "deny", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Refuse a permission request of a task run with --permissions ask|edits (🔐 in the chat).",
            "Exit 0 once Claude has the answer; 1 when the request is unknown, already answered, or the task has"
                + " finished."})
public final class DenyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TARGET",
            description = "Runner pid, Claude pid, session id, or label (as shown by `tasks`).")
    String target;

    @Parameters(index = "1", paramLabel = "N", description = "The request's number: \"Claude Code asks (#N)\".")
    int n;

    @Parameters(index = "2", arity = "0..1", paramLabel = "REASON",
            description = "Why: Claude reads it and can try another way (default: \"The user denied this request.\").")
    String reason;

    @Option(names = "--pid-dir", paramLabel = "DIR", description = "PID file directory (default: pids/ beside run-task.jar).")
    Path pidDir;

    @Override
    public Integer call() throws IOException {
        return Answering.answer(target, pidDir, new ApproveRoute.Answer(n, false, false, reason),
                spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
