package dev.cctask.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cctask.PythonJson;
import dev.cctask.delivery.Messages;
import dev.cctask.registry.PidFile;
import dev.cctask.registry.PidFiles;
import dev.cctask.registry.SessionRegistry;
import dev.cctask.task.Tasks;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tasks}: the runs that have a PID file (SPEC §1.4, §8.4); a run that waits for its plan's usage limit to reset
 * shows as paused, with the time it resumes.
 */
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
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Tasks tasks = new Tasks(CliEnv.get(), pidDir, err::println);
        tasks.reconcile();
        tasks.flushOutbox();
        List<PidFile> files = tasks.list();
        LocalDateTime now = LocalDateTime.now();
        if (json) {
            ArrayNode array = PythonJson.mapper().createArrayNode();
            files.forEach(f -> array.add(toJson(f, now, tasks.queuedAhead(f))));
            out.println(PythonJson.pretty(array));
        } else if (files.isEmpty()) {
            out.println("No running tasks");
        } else {
            TextTable t = new TextTable("RUNNER_PID", "ALIVE", "STATUS", "STARTED", "ELAPSED", "SESSION_ID", "LABEL",
                    "TASK");
            for (PidFile f : files) {
                Long elapsed = elapsedSeconds(f, now);
                Integer ahead = tasks.queuedAhead(f);
                t.row(f.runnerPid(), PidFiles.isAlive(f) ? "yes" : "no", ahead != null ? "queued (" + ahead + " ahead)"
                        : f.pausedUntil().map(until -> "paused until " + SECONDS.format(until))
                                .orElse(waitingFor(f)),
                        f.startedAt().map(SECONDS::format).orElse(f.started()),
                        elapsed == null ? null : Messages.fmt(elapsed), f.sessionId(), f.label(), f.task());
            }
            out.print(t.render());
        }
        out.flush();
        return 0;
    }

    private static ObjectNode toJson(PidFile f, LocalDateTime now, Integer queuedAhead) {
        ObjectNode o = PythonJson.mapper().createObjectNode();
        o.put("runner_pid", f.runnerPid());
        o.put("claude_pid", f.claudePid());
        o.put("alive", PidFiles.isAlive(f));
        o.put("status", queuedAhead != null ? "queued" // issue 19: waiting for a slot
                : f.pausedUntil().isPresent() ? SessionRegistry.STATUS_PAUSED : SessionRegistry.STATUS_RUNNING);
        o.put("paused_until", f.field(PidFile.PAUSED_UNTIL));
        o.put("started", f.started());
        o.put("elapsed_seconds", elapsedSeconds(f, now));
        o.put("session_id", f.sessionId());
        o.put("session_key", f.sessionKey());
        o.put("label", f.label());
        o.put("task", f.task());
        o.put("output", f.output());
        o.put("run_id", f.runId());
        o.put("steered", f.steered());
        o.put("pid_file", f.path().toString());
        o.set("background_tasks", backgroundTasks(f));
        o.set("approvals", jsonArray(f.field(PidFile.APPROVALS)));
        o.put("queued_ahead", queuedAhead);
        o.put("worktree", f.worktree());
        o.put("branch", f.branch());
        return o;
    }

    /** The background tasks the runner recorded (an empty array when none, or from a runner that records none). */
    private static JsonNode backgroundTasks(PidFile f) {
        return jsonArray(f.field(PidFile.BACKGROUND_TASKS));
    }

    /** A JSON array the runner recorded on one line; an empty array when none or unreadable. */
    private static JsonNode jsonArray(String recorded) {
        try {
            JsonNode tasks = recorded == null ? null : PythonJson.mapper().readTree(recorded);
            return tasks != null && tasks.isArray() ? tasks : PythonJson.mapper().createArrayNode();
        } catch (JsonProcessingException unreadable) {
            return PythonJson.mapper().createArrayNode();
        }
    }

    /** {@code waiting for approval #2} (the open requests' numbers, issue 18), else {@code running}. */
    private static String waitingFor(PidFile f) {
        List<String> numbers = new ArrayList<>();
        jsonArray(f.field(PidFile.APPROVALS)).forEach(a -> numbers.add("#" + a.path("n").asText()));
        return numbers.isEmpty() ? SessionRegistry.STATUS_RUNNING
                : "waiting for approval " + String.join(", ", numbers);
    }

    private static Long elapsedSeconds(PidFile f, LocalDateTime now) {
        return f.startedAt().map(t -> Math.max(0, Duration.between(t, now).getSeconds())).orElse(null);
    }
}
