package dev.cctask.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Root command {@code run-task}: supervises one Claude Code run (SPEC §1–§2). */
@Command(
        name = "run-task",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        description = "Run a Claude Code task in the background and report progress and the result to an OpenClaw chat.",
        subcommands = {SessionsCommand.class, TasksCommand.class, CancelCommand.class})
public final class RunTaskCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }
}
