package dev.cctask.cli;

import dev.cctask.UserException;
import dev.cctask.gateway.Notifier;
import java.io.PrintWriter;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine;

/** Builds the picocli CommandLine once: out/err, handlers and the exit-code mapping. */
public final class App {
    /** Usage errors and invalid configuration (SPEC §9.4). */
    public static final int EXIT_USAGE = 2;
    /** A failure: the task, a state file, the gateway, or something unexpected. */
    public static final int EXIT_FAILED = 1;

    private App() {}

    /** The subcommands, in the order {@code --help} lists them. */
    static final List<Class<?>> SUBCOMMANDS = List.of(NotifyCommand.class, SessionsCommand.class, TasksCommand.class,
            CancelCommand.class, SteerCommand.class, ApproveCommand.class, DenyCommand.class, DeliverCommand.class, DoctorCommand.class, CompletionCommand.class);

    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return commandLine(out, err, args.length > 0 ? args[0] : null).execute(args);
    }

    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return commandLine(out, err, null);
    }

    /**
     * {@code notify} is what Claude Code calls at every milestone, and {@code steer} is timed from the chat to
     * Claude's stdin, so for them only their own model is built, under a bare {@code run-task} root: reflecting over
     * the root command and the others costs about 60 ms and loads the registry classes through their signatures.
     * Subcommands are added before the settings below, which picocli applies to the hierarchy as it is.
     */
    static CommandLine commandLine(PrintWriter out, PrintWriter err, String firstArg) {
        CommandLine cl;
        if ("notify".equals(firstArg)) {
            Notifier.warmUp();
            cl = new CommandLine(CommandSpec.create().name(RunTaskCommand.NAME));
            cl.addSubcommand(NotifyCommand.class);
        } else if ("steer".equals(firstArg)) {
            cl = new CommandLine(CommandSpec.create().name(RunTaskCommand.NAME));
            cl.addSubcommand(SteerCommand.class);
        } else if ("approve".equals(firstArg) || "deny".equals(firstArg)) {
            cl = new CommandLine(CommandSpec.create().name(RunTaskCommand.NAME));
            cl.addSubcommand("approve".equals(firstArg) ? ApproveCommand.class : DenyCommand.class);
        } else {
            cl = new CommandLine(new RunTaskCommand());
            for (Class<?> sub : SUBCOMMANDS) {
                cl.addSubcommand(sub);
            }
        }
        versionEverywhere(cl, new VersionProvider());
        cl.setOut(out);
        cl.setErr(err);
        cl.setAbbreviatedOptionsAllowed(true);
        cl.setExpandAtFiles(false); // a prompt or id starting with @ is text, never a file to read (/dev/zero, a FIFO)
        cl.setUsageHelpAutoWidth(false);
        Handlers handlers = new Handlers();
        cl.setParameterExceptionHandler(handlers);
        cl.setExecutionExceptionHandler(handlers);
        cl.setExecutionStrategy(handlers);
        return cl;
    }

    /** {@code -V} of every subcommand prints the program's version, as the root's does. */
    private static void versionEverywhere(CommandLine cl, VersionProvider version) {
        cl.getCommandSpec().versionProvider(version);
        for (CommandLine sub : cl.getSubcommands().values()) {
            versionEverywhere(sub, version);
        }
    }

    /**
     * The one error path. Usage errors exit 2 with the error, suggestions for a mistyped option, one {@code Usage:}
     * line and where to find help (Quarkus' short error handler), whether picocli or a command found them; any other
     * failure is one line with the fix (README, Exit codes) and never a stack trace, unless RUN_TASK_STACKTRACE=1.
     * A class, not lambdas: picocli's class files predate Java 6, and the CDS dump leaves out an old interface that
     * a lambda made it link (and with it, through a method reference, picocli's CommandLine itself).
     */
    private static final class Handlers implements CommandLine.IParameterExceptionHandler,
            CommandLine.IExecutionExceptionHandler, CommandLine.IExecutionStrategy {
        /** The subcommands that keep no state of their own (doctor reports a bad state dir as a check). */
        private static final Set<String> STATELESS = Set.of("notify", "doctor", "completion");

        @Override
        public int handleParseException(CommandLine.ParameterException ex, String[] args) {
            return usageError(ex.getCommandLine(), ex.getMessage(), ex);
        }

        private static int usageError(CommandLine cmd, String message, CommandLine.ParameterException ex) {
            PrintWriter err = cmd.getErr();
            err.println(message);
            if (ex != null) {
                CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            }
            err.print("Usage: " + cmd.getHelp().abbreviatedSynopsis()); // one line, not the 9-line full synopsis
            err.printf("See '%s --help'.%n", cmd.getCommandSpec().qualifiedName());
            err.flush();
            notStarted(cmd, message);
            return EXIT_USAGE;
        }

        @Override
        public int handleExecutionException(Exception ex, CommandLine commandLine, CommandLine.ParseResult parseResult) {
            if (ex instanceof UserException ue && ue.kind() == UserException.Kind.USAGE) {
                return usageError(commandLine, ue.getMessage(), null);
            }
            Failure failure = Failure.of(ex, CliEnv.get());
            PrintWriter err = commandLine.getErr();
            err.println(failure.line());
            if (!(ex instanceof UserException) && Failure.wantsTrace(CliEnv.get())) {
                ex.printStackTrace(err);
            }
            err.flush();
            if (ex instanceof UserException) {
                notStarted(commandLine, failure.line());
            }
            return failure.exitCode();
        }

        /** picocli's default (run the last command), after help and the state dir check. */
        @Override
        public int execute(CommandLine.ParseResult parseResult) {
            Integer help = CommandLine.executeHelpRequest(parseResult);
            if (help != null) {
                return help;
            }
            CommandLine.ParseResult sub = parseResult.subcommand();
            if (sub == null || !STATELESS.contains(sub.commandSpec().name())) {
                try {
                    CliEnv.get().usableStateDir();
                } catch (UserException e) {
                    CommandLine last = parseResult.asCommandLineList().get(parseResult.asCommandLineList().size() - 1);
                    return handleExecutionException(e, last, parseResult);
                }
            }
            return new CommandLine.RunLast().execute(parseResult);
        }

        /** A launch of the root command that fails before it starts still tells the chat (issue 12, item 9). */
        private static void notStarted(CommandLine cmd, String reason) {
            if (cmd.getCommand() instanceof RunTaskCommand run && !cmd.isUsageHelpRequested()
                    && !cmd.isVersionHelpRequested()) {
                run.notStarted(reason);
            }
        }
    }
}
