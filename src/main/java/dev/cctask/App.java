package dev.cctask;

import dev.cctask.cli.RunTaskCommand;
import java.io.PrintWriter;
import picocli.CommandLine;

/** Builds the picocli CommandLine once: out/err, handlers and the exit-code mapping. */
public final class App {
    /** Usage errors and invalid configuration (SPEC §9.4). */
    public static final int EXIT_USAGE = 2;

    private App() {}

    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return commandLine(out, err).execute(args);
    }

    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new RunTaskCommand());
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
