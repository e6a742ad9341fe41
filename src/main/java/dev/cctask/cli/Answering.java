package dev.cctask.cli;

import dev.cctask.UserException;
import dev.cctask.control.ApproveRoute;
import dev.cctask.control.ControlEnv;
import dev.cctask.control.SteerClient;
import dev.cctask.gateway.HttpPost;
import dev.cctask.registry.PidFile;
import dev.cctask.task.Tasks;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What {@code approve} and {@code deny} share (issue 18): TARGET resolved as for {@code cancel}, the answer POSTed to
 * the run's approve route with the control secret, and one line saying how it went.
 */
final class Answering {
    /** How long a run that is busy with another control request (429) may take to take this one. */
    private static final Duration PATIENCE = Duration.ofSeconds(15);

    private Answering() {}

    /** Exit 0 once the answer is on Claude's stdin; 1 for an unknown or answered request, or a finished run. */
    static int answer(String target, Path pidDir, ApproveRoute.Answer answer, PrintWriter out, PrintWriter err)
            throws IOException {
        if (target.isBlank()) {
            throw UserException.usage((answer.allow() ? "approve" : "deny") + ": TARGET must not be empty");
        }
        if (answer.n() < 1) {
            throw UserException.usage("The request number must be 1 or more: the N of \"Claude Code asks (#N)\"");
        }
        Tasks tasks = new Tasks(CliEnv.get(), pidDir, err::println);
        PidFile f = Targets.one(tasks, tasks.find(target), target, answer.allow() ? "Approve" : "Deny", err);
        if (f == null) {
            return 1;
        }
        SteerClient.Reply reply = SteerClient.call(HttpPost.oneShot(), f.controlFile(), ControlEnv.APPROVE_PATH,
                "text/plain; charset=utf-8", answer.body(), PATIENCE);
        String which = "request #" + answer.n() + " of task '" + target + "'";
        String line = switch (reply.status()) {
            case 200 -> null;
            case 404 -> "No " + which + ": `run-task tasks` lists the open requests";
            case 409 -> "The " + which + " was already answered";
            case SteerClient.Reply.GONE, 410 -> "Task '" + target + "' has finished: its requests need no answer";
            case SteerClient.Reply.FAILED -> reply.reason();
            default -> "The run refused the answer (HTTP " + reply.status() + "): " + reply.reason();
        };
        if (line != null) {
            err.println(line);
            err.flush();
            return 1;
        }
        out.println((answer.allow() ? "Approved" : "Denied") + " request #" + answer.n() + ": runner " + f.runnerPid());
        out.flush();
        return 0;
    }
}
