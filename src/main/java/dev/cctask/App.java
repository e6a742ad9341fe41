package dev.cctask;

import dev.cctask.cli.CancelCommand;
import dev.cctask.cli.CompletionCommand;
import dev.cctask.cli.DeliverCommand;
import dev.cctask.cli.DoctorCommand;
import dev.cctask.cli.NotifyCommand;
import dev.cctask.cli.RunTaskCommand;
import dev.cctask.cli.SessionsCommand;
import dev.cctask.cli.TasksCommand;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;

/** Builds the picocli CommandLine once: out/err, handlers and the exit-code mapping. */
public final class App {
    /** Usage errors and invalid configuration (SPEC §9.4). */
    public static final int EXIT_USAGE = 2;

    private App() {}

    /** The subcommands, in the order {@code --help} lists them. */
    static final List<Class<?>> SUBCOMMANDS = List.of(NotifyCommand.class, SessionsCommand.class, TasksCommand.class,
            CancelCommand.class, DeliverCommand.class, DoctorCommand.class, CompletionCommand.class);

    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return commandLine(out, err, args.length > 0 ? args[0] : null).execute(args);
    }

    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return commandLine(out, err, null);
    }

    /**
     * {@code notify} is what Claude Code calls at every milestone, so for it only its own model is built: picocli
     * would otherwise reflect over all commands (about 20 ms) and load the registry classes through their
     * signatures. Subcommands are added before the settings below, which picocli applies to the hierarchy as it is.
     */
    static CommandLine commandLine(PrintWriter out, PrintWriter err, String firstArg) {
        CommandLine cl = new CommandLine(new RunTaskCommand());
        for (Class<?> sub : SUBCOMMANDS) {
            if (!"notify".equals(firstArg) || sub == NotifyCommand.class) {
                cl.addSubcommand(sub);
            }
        }
        cl.setOut(out);
        cl.setErr(err);
        cl.setAbbreviatedOptionsAllowed(true);
        cl.setUsageHelpAutoWidth(false);
        cl.setParameterExceptionHandler(App::usageError);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof UserException ue) {
                commandLine.getErr().println(ue.getMessage());
                commandLine.getErr().flush();
                return ue.exitCode();
            }
            throw ex;
        });
        return cl;
    }

    private static int usageError(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println(ex.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        err.print(cmd.getHelp().fullSynopsis());
        err.printf("See '%s --help'.%n", cmd.getCommandSpec().qualifiedName());
        err.flush();
        return EXIT_USAGE;
    }
}
