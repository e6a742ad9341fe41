package dev.cctask.task;

import dev.cctask.App;
import dev.cctask.Env;
import dev.cctask.UserException;
import dev.cctask.registry.Session;
import dev.cctask.registry.SessionRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code --resume-label TEXT} (SPEC A10): the registered session whose label matches (exact, then substring) is
 * resumed. Claude keeps sessions per directory, so the registered project dir is used unless {@code -p} was given.
 */
final class ResumeByLabel {
    private ResumeByLabel() {}

    static TaskOptions resolve(TaskOptions o, Env env, PrintWriter err) {
        if (o.resumeLabel() == null) {
            return o;
        }
        SessionRegistry registry = SessionRegistry.of(env, line -> err.println(line));
        List<Session> matches;
        try {
            matches = registry.matchLabel(o.resumeLabel());
        } catch (IOException e) {
            throw new UserException(1, "Cannot read the session registry " + registry.file() + ": " + e.getMessage());
        }
        if (matches.isEmpty()) {
            throw new UserException(1, "no session matches '" + o.resumeLabel() + "'" + closest(registry, o.resumeLabel()));
        }
        if (matches.size() > 1) {
            throw new UserException(App.EXIT_USAGE, "--resume-label '" + o.resumeLabel() + "' matches "
                    + matches.size() + " sessions; use --resume <id> or a more exact label:\n"
                    + matches.stream().map(s -> "  " + s.id() + "  " + s.label() + "  " + s.projectDir())
                            .collect(Collectors.joining("\n")));
        }
        Session s = matches.get(0);
        String registered = s.projectDir();
        String project = o.project();
        if (registered != null && !Path.of(registered).equals(Path.of(project).toAbsolutePath())) {
            if (o.projectExplicit()) {
                err.println("⚠ Session " + s.id() + " was started in " + registered + "; resuming in " + project
                        + " as asked (Claude stores sessions per directory: the resume may not find it)");
            } else {
                err.println("⚠ Session " + s.id() + " was started in " + registered + "; resuming there");
                project = registered;
            }
            err.flush();
        }
        return o.withResume(s.id(), project);
    }

    private static String closest(SessionRegistry registry, String label) {
        try {
            List<String> near = registry.closestLabels(label, 3);
            return near.isEmpty() ? " (the registry has no labelled sessions)" : "; closest labels: " + String.join(", ", near);
        } catch (IOException e) {
            return "";
        }
    }
}
