package dev.cctask.cli;

import dev.cctask.UserException;
import dev.cctask.control.SteerClient;
import dev.cctask.control.SteerRoute;
import dev.cctask.registry.PidFile;
import dev.cctask.registry.Session;
import dev.cctask.task.Tasks;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code steer <target> -m TEXT | --file F}: a message to a running task's Claude, written to its stdin at once
 * (issue 17). Claude reads it in the turn it is working on. TARGET resolves as for {@code cancel}.
 */
@Command(name = "steer", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Send a message to the Claude Code of a running task: it reads it while it works.",
            "Exit 0 once the message is on Claude's input (or held for it while the task is paused at its usage"
                + " limit); 1 when the task has finished (the line names the command"
                + " that continues its session) or cannot be found."})
public final class SteerCommand implements Callable<Integer> {
    /** How long a run that is starting may take to open its control endpoint. */
    private static final long STARTING_MILLIS = 10_000;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "TARGET",
            description = "Runner pid, Claude pid, session id, or label (as shown by `tasks`).")
    String target;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Text text;

    static final class Text {
        @Option(names = {"-m", "--message"}, required = true, paramLabel = "TEXT", description = "The message.")
        String message;

        @Option(names = "--file", required = true, paramLabel = "FILE",
                description = "Read the message (UTF-8) from FILE; '-' reads stdin.")
        String file;
    }

    @Option(names = "--pid-dir", paramLabel = "DIR", description = "PID file directory (default: pids/ beside run-task.jar).")
    Path pidDir;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (target.isBlank()) {
            throw UserException.usage("steer: TARGET must not be empty");
        }
        String message = text.message != null ? text.message : TextFile.read(text.file, "message file",
                "write the message into a file", SteerRoute.MAX_BYTES, tooLarge("The message file " + text.file));
        if (message.isBlank()) {
            throw UserException.usage(text.file != null ? "The message file " + text.file + " is empty: write the"
                    + " message into it" : "The message is empty: give the text with -m TEXT or --file FILE");
        }
        if (message.getBytes(StandardCharsets.UTF_8).length > SteerRoute.MAX_BYTES) {
            throw UserException.usage(tooLarge("The message"));
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Tasks tasks = new Tasks(CliEnv.get(), pidDir, err::println);
        Tasks.Found found = tasks.find(target);
        if (found.none()) {
            Optional<Session> ended = tasks.session(target);
            if (ended.isPresent()) {
                Session s = ended.get();
                return finished(err, tasks.continueCommand(s.label(), s.id(), s.projectDir()));
            }
        }
        PidFile f = Targets.one(tasks, found, target, "Steer", err);
        if (f == null) {
            return 1;
        }
        SteerClient.Answer answer = SteerClient.send(controlFile(f), message);
        switch (answer.outcome()) {
            case SENT:
                out.println("Sent to Claude Code: runner " + f.runnerPid() + ", session "
                        + (f.sessionId() == null ? "unknown" : f.sessionId()));
                out.flush();
                return 0;
            case HELD:
                out.println("Held for Claude Code: runner " + f.runnerPid() + " is paused at its usage limit; the message"
                        + " goes in when it resumes (run-task tasks says when)");
                out.flush();
                return 0;
            case FINISHED:
                return finished(err, tasks.continueCommand(f.label(), f.sessionId(), f.project()));
            default:
                err.println(answer.reason());
                err.flush();
                return 1;
        }
    }

    /**
     * The run's control file. A runner that is still starting Claude (no {@code claude_pid} yet) writes it in a
     * moment; one without it after that has finished, or predates steering.
     */
    private static Path controlFile(PidFile f) throws InterruptedException {
        Path file = f.controlFile();
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STARTING_MILLIS);
        while (f.claudePid() == null && !Files.exists(file) && System.nanoTime() < end) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
        return file;
    }

    /** The task has finished: Claude takes no more messages; the line names the command that continues it. */
    private int finished(PrintWriter err, String continueCommand) {
        err.println("Task '" + target + "' has finished: Claude takes no more messages. " + (continueCommand == null
                ? "It named no session to continue: start a new task." : "Continue its session with: " + continueCommand));
        err.flush();
        return 1;
    }

    private static String tooLarge(String what) {
        return what + " is larger than " + SteerRoute.MAX_BYTES / 1024 + " KiB: put the material into files in the"
                + " project and tell Claude where to find them";
    }
}
