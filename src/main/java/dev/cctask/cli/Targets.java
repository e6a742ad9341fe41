package dev.cctask.cli;

import dev.cctask.registry.PidFile;
import dev.cctask.task.Tasks;
import java.io.IOException;
import java.io.PrintWriter;

/** The TARGET of {@code cancel} and {@code steer} (SPEC §1.4): one live run, or the lines that say why not. */
final class Targets {
    private Targets() {}

    /**
     * The one live run {@code found} holds; else null, after saying why on stderr (the command then exits 1): nothing
     * matches, several runs match (listed; {@code verb} one by its RUNNER_PID), or only runners that are gone (their
     * stale PID files are removed).
     */
    static PidFile one(Tasks tasks, Tasks.Found found, String target, String verb, PrintWriter err) throws IOException {
        if (found.live().size() == 1) {
            return found.live().get(0);
        }
        if (found.live().size() > 1) {
            TextTable t = new TextTable("RUNNER_PID", "SESSION_ID", "LABEL", "TASK");
            found.live().forEach(f -> t.row(f.runnerPid(), f.sessionId(), f.label(), f.task()));
            err.print("Several running tasks match '" + target + "':\n" + t.render() + verb + " one by its RUNNER_PID.\n");
        } else if (!found.dead().isEmpty()) {
            tasks.removeStale(found.dead());
            for (PidFile f : found.dead()) {
                err.printf("Runner %s is not running; removed its stale PID file %s%n",
                        f.runnerPid() == null ? "?" : f.runnerPid(), f.path());
            }
        } else {
            err.println("No running task matches '" + target + "'");
        }
        err.flush();
        return null;
    }
}
