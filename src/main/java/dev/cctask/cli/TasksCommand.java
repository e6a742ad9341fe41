package dev.cctask.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cctask.Env;
import dev.cctask.UserException;
import dev.cctask.delivery.Deliverer;
import dev.cctask.delivery.Outbox;
import dev.cctask.delivery.Sender;
import dev.cctask.registry.PidFile;
import dev.cctask.registry.PidFiles;
import dev.cctask.PythonJson;
import dev.cctask.registry.SessionRegistry;
import dev.cctask.task.Reconciler;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tasks}: the runs that have a PID file (SPEC §1.4, §8.4). */
@Command(name = "tasks", mixinStandardHelpOptions = true, description = "List running tasks (their PID files).")
public final class TasksCommand implements Callable<Integer> {
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print a JSON array.")
    boolean json;

    @Option(names = "--pid-dir", paramLabel = "DIR", description = "PID file directory (default: pids/ beside run-task.jar).")
    Path pidDir;

    @Override
    public Integer call() {
        Env env = CliEnv.get();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PidFiles pids = pidFiles(env, pidDir);
        reconcile(env, pids, err);
        flushOutbox(env, err);
        List<PidFile> files = list(pids);
        LocalDateTime now = LocalDateTime.now();
        if (json) {
            ArrayNode array = PythonJson.mapper().createArrayNode();
            files.forEach(f -> array.add(toJson(f, now)));
            SessionsCommand.printJson(out, array);
        } else if (files.isEmpty()) {
            out.println("No running tasks");
        } else {
            TextTable t = new TextTable("RUNNER_PID", "ALIVE", "STARTED", "ELAPSED", "SESSION_ID", "LABEL", "TASK");
            for (PidFile f : files) {
                Long elapsed = elapsedSeconds(f, now);
                t.row(f.runnerPid(), PidFiles.isAlive(f) ? "yes" : "no",
                        f.startedAt().map(SECONDS::format).orElse(f.started()),
                        elapsed == null ? null : fmt(elapsed), f.sessionId(), f.label(), f.task());
            }
            out.print(t.render());
        }
        out.flush();
        return 0;
    }

    /** Crash reconciliation (SPEC §8.6): dead runners' sessions become {@code lost} and their notices are queued. */
    static void reconcile(Env env, PidFiles pids, PrintWriter err) {
        try {
            new Reconciler(pids, SessionRegistry.of(env, err::println), Outbox.in(env.stateDir()), err::println)
                    .reconcile();
        } catch (IOException e) {
            err.println("⚠ Crash reconciliation failed: " + e.getMessage());
        }
    }

    /** Flushes the outbox for at most 10 s before listing (SPEC §1.4 {@code tasks}, §8.5). */
    static void flushOutbox(Env env, PrintWriter err) {
        Outbox outbox = Outbox.in(env.stateDir());
        try {
            if (outbox.pending().isEmpty()) {
                return;
            }
            Sender sender = DeliverCommand.gatewaySender(env, null, null, err);
            if (sender != null) {
                new Deliverer(outbox, sender).flush(Duration.ofSeconds(10));
            }
        } catch (IOException e) {
            err.println("⚠ Outbox flush failed: " + e.getMessage());
        }
    }

    static PidFiles pidFiles(Env env, Path pidDir) {
        return new PidFiles(pidDir != null ? pidDir : PidFiles.defaultDir(env));
    }

    static List<PidFile> list(PidFiles pids) {
        try {
            return pids.list();
        } catch (IOException e) {
            throw new UserException(1, "Cannot read the PID directory " + pids.dir() + ": " + e);
        }
    }

    private static ObjectNode toJson(PidFile f, LocalDateTime now) {
        ObjectNode o = PythonJson.mapper().createObjectNode();
        o.put("runner_pid", f.runnerPid());
        o.put("claude_pid", f.claudePid());
        o.put("alive", PidFiles.isAlive(f));
        o.put("started", f.started());
        o.put("elapsed_seconds", elapsedSeconds(f, now));
        o.put("session_id", f.sessionId());
        o.put("session_key", f.sessionKey());
        o.put("label", f.label());
        o.put("task", f.task());
        o.put("output", f.output());
        o.put("run_id", f.runId());
        o.put("pid_file", f.path().toString());
        return o;
    }

    private static Long elapsedSeconds(PidFile f, LocalDateTime now) {
        return f.startedAt().map(t -> Math.max(0, Duration.between(t, now).getSeconds())).orElse(null);
    }

    /** SPEC conventions {@code fmt(s)}: {@code "{s}s"} under a minute, else {@code "{s // 60}min"}. */
    static String fmt(long s) {
        return s < 60 ? s + "s" : s / 60 + "min";
    }
}
