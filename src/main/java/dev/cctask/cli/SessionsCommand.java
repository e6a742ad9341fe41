package dev.cctask.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.cctask.PythonJson;
import dev.cctask.Text;
import dev.cctask.UserException;
import dev.cctask.registry.PidFile;
import dev.cctask.registry.PidFiles;
import dev.cctask.registry.Session;
import dev.cctask.registry.SessionRegistry;
import dev.cctask.task.Tasks;
import dev.cctask.task.WorktreeCleanup;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sessions list|show|find|cleanup}: the session registry (SPEC §1.4, §8.3). */
@Command(
        name = "sessions",
        mixinStandardHelpOptions = true,
        description = "List, show, find and clean up registered Claude Code sessions.",
        subcommands = {
            SessionsCommand.ListCommand.class,
            SessionsCommand.ShowCommand.class,
            SessionsCommand.FindCommand.class,
            SessionsCommand.CleanupCommand.class
        })
public final class SessionsCommand implements Callable<Integer> {
    private static final DateTimeFormatter MINUTES = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw UserException.usage("Missing required subcommand"); // usage error, exit 2
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Sessions accessed recently, newest first.")
    static final class ListCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--hours", defaultValue = "72", paramLabel = "N", description = "Time window (default: ${DEFAULT-VALUE}).")
        long hours;

        @Option(names = "--json", description = "Print the registry entries as a JSON array.")
        boolean json;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            List<Session> sessions = withRegistry(spec, r -> r.recent(hours));
            if (json) {
                printJsonArray(out, sessions);
            } else if (sessions.isEmpty()) {
                out.printf("No sessions in the last %d hour(s)%n", hours);
            } else {
                out.print(table(sessions));
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Print one registry entry as JSON.")
    static final class ShowCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ID", description = "Session id, or a label (as `sessions find`).")
        String id;

        @Option(names = "--json", description = "JSON output (the default anyway).")
        boolean json;

        @Override
        public Integer call() {
            List<Session> found = withRegistry(spec, r -> {
                Optional<Session> byId = r.get(id);
                return byId.isPresent() ? List.of(byId.get()) : r.matchLabel(id);
            });
            if (found.isEmpty()) {
                return notFound(spec, "No session " + id, id);
            }
            if (found.size() > 1) {
                PrintWriter err = spec.commandLine().getErr();
                err.println(ambiguous(id, found.size()) + ":");
                found.forEach(s -> err.println(s.candidateLine()));
                err.flush();
                return 1;
            }
            printJson(spec.commandLine().getOut(), found.get(0).json());
            return 0;
        }
    }

    @Command(name = "find", mixinStandardHelpOptions = true,
            description = {"The session whose label matches: the exact label (ignoring case), else the one label"
                    + " containing the text.", "Several matches are all listed, newest first, with exit status 1."})
    static final class FindCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "LABEL")
        String label;

        @Option(names = "--json", description = "Print the registry entry as JSON (several: a JSON array).")
        boolean json;

        @Override
        public Integer call() {
            List<Session> found = withRegistry(spec, r -> r.matchLabel(label));
            if (found.isEmpty()) {
                return notFound(spec, "No session matches '" + label + "'", label);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json && found.size() == 1) {
                printJson(out, found.get(0).json());
            } else if (json) {
                printJsonArray(out, found);
            } else {
                out.print(table(found));
                out.flush();
            }
            if (found.size() == 1) {
                return 0;
            }
            spec.commandLine().getErr().println(ambiguous(label, found.size()));
            spec.commandLine().getErr().flush();
            return 1;
        }
    }

    @Command(name = "cleanup", mixinStandardHelpOptions = true,
            description = "Remove sessions not accessed for N days (running ones are kept).")
    static final class CleanupCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--days", defaultValue = "30", paramLabel = "N", description = "Age limit in days, 0 or more; 0 removes every session that is not running (default: ${DEFAULT-VALUE}).")
        long days;

        @Option(names = "--worktrees", description = "Also remove the git worktrees of the removed sessions that hold no uncommitted change (branches are kept).")
        boolean worktrees;

        @Override
        public Integer call() {
            if (days < 0) {
                throw UserException.usage("--days must not be negative (was " + days
                        + "): give an age in days; 0 removes every session that is not running");
            }
            List<Session> removed = withRegistry(spec, r -> r.cleanup(days));
            PrintWriter out = spec.commandLine().getOut();
            out.printf("Removed %d session(s)%n", removed.size());
            if (worktrees) {
                List<PidFile> live = new Tasks(CliEnv.get(), null, spec.commandLine().getErr()::println).list()
                        .stream().filter(PidFiles::isAlive).toList();
                WorktreeCleanup.Report report = WorktreeCleanup.run(removed, withRegistry(spec, SessionRegistry::all), live);
                out.printf("Removed %d worktree(s); their branches are kept%n", report.removed());
                for (WorktreeCleanup.Kept k : report.kept()) {
                    out.printf("Kept the worktree %s (branch %s): %s%n", k.path(), k.branch(), k.reason());
                }
            }
            out.flush();
            return 0;
        }
    }

    // ---------------------------------------------------------------- shared by the subcommands

    interface RegistryCall<T> {
        T apply(SessionRegistry registry) throws IOException;
    }

    /** Runs {@code body} on the registry of the CLI environment; warnings go to stderr, I/O errors exit 1. */
    static <T> T withRegistry(CommandSpec spec, RegistryCall<T> body) {
        PrintWriter err = spec.commandLine().getErr();
        SessionRegistry registry = SessionRegistry.of(CliEnv.get(), err::println);
        try {
            return body.apply(registry);
        } catch (IOException e) {
            throw UserException.failed("Cannot use the session registry " + registry.file() + ": " + e);
        } finally {
            err.flush();
        }
    }

    /** Why a label that matches several sessions picks none. */
    private static String ambiguous(String label, int count) {
        return "'" + label + "' matches " + count + " sessions (newest first); give the session id or a more exact label";
    }

    /** {@code message} on stderr plus the closest labels as a hint; exit 1. */
    private static int notFound(CommandSpec spec, String message, String text) {
        PrintWriter err = spec.commandLine().getErr();
        err.println(message);
        List<String> closest = withRegistry(spec, r -> r.closestLabels(text, 3));
        if (!closest.isEmpty()) {
            err.println("Closest labels: " + String.join(", ", closest.stream().map(l -> "'" + l + "'").toList()));
        }
        err.flush();
        return 1;
    }

    static void printJson(PrintWriter out, JsonNode value) {
        out.println(PythonJson.pretty(value));
        out.flush();
    }

    private static void printJsonArray(PrintWriter out, List<Session> sessions) {
        ArrayNode array = PythonJson.mapper().createArrayNode();
        sessions.forEach(s -> array.add(s.json()));
        printJson(out, array);
    }

    static String table(List<Session> sessions) {
        TextTable t = new TextTable("SESSION_ID", "STATUS", "LAST_ACCESSED", "AGE", "LABEL", "PROJECT", "COST", "TASK");
        LocalDateTime now = LocalDateTime.now();
        for (Session s : sessions) {
            Optional<LocalDateTime> at = s.lastAccessed();
            Double cost = s.costEstimate();
            t.row(s.id(), s.status(), at.map(MINUTES::format).orElse(null),
                    at.map(a -> age(Duration.between(a, now))).orElse(null), s.label(), s.projectDir(),
                    cost == null ? null : String.format(Locale.ROOT, "$%.2f", cost), Text.cut(s.taskSummary(), 60));
        }
        return t.render();
    }

    /** {@code 45s}, {@code 12min}, {@code 5h}, {@code 3d}. */
    static String age(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "min";
        }
        return s < 48 * 3600 ? s / 3600 + "h" : s / 86400 + "d";
    }
}
