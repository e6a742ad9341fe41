package dev.cctask.task;

import dev.cctask.Env;
import dev.cctask.UserException;
import dev.cctask.delivery.LogLines;
import dev.cctask.registry.Session;
import dev.cctask.registry.SessionRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Which session a run resumes, and where (SPEC §10, A10). {@code --resume-label TEXT} picks the registered session
 * whose label matches ({@link SessionRegistry#matchLabel}; several → listed, exit 2). Claude stores sessions per directory, so when the
 * registered project dir differs from {@code -p} the run warns, and uses the registered dir unless {@code -p} was
 * given explicitly. The run keeps the registered label unless {@code --session-label} names a new one.
 */
final class ResumeTarget {
    private ResumeTarget() {}

    static TaskOptions resolve(TaskOptions o, Env env, PrintWriter err) {
        if (o.resume() == null && o.resumeLabel() == null) {
            return o;
        }
        SessionRegistry registry = SessionRegistry.of(env, line -> err.println(line));
        Session session = o.resumeLabel() != null ? byLabel(registry, o.resumeLabel()) : byId(registry, o.resume());
        String sessionId = session != null ? session.id() : o.resume();
        String label = o.label() != null || session == null ? o.label() : session.label();
        return o.withResume(sessionId, projectFor(o, session, err), label);
    }

    private static Session byLabel(SessionRegistry registry, String label) {
        List<Session> matches;
        try {
            matches = registry.matchLabel(label);
        } catch (IOException e) {
            throw SessionRegistry.unreadable(registry.file(), e);
        }
        if (matches.isEmpty()) {
            throw UserException.failed("No session matches '" + label + "'" + closest(registry, label));
        }
        if (matches.size() > 1) {
            throw UserException.usage("--resume-label '" + label + "' matches " + matches.size()
                    + " sessions (newest first); use --resume <id> or a more exact label:\n"
                    + matches.stream().map(Session::candidateLine).collect(Collectors.joining("\n")));
        }
        return matches.get(0);
    }

    /** An unregistered id is still resumed as given: Claude knows sessions this registry never saw. */
    private static Session byId(SessionRegistry registry, String id) {
        try {
            return registry.get(id).orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private static String projectFor(TaskOptions o, Session session, PrintWriter err) {
        String registered = Optional.ofNullable(session).map(Session::projectDir).orElse(null);
        if (registered == null || Path.of(registered).equals(Path.of(o.project()).toAbsolutePath())) {
            return o.project();
        }
        if (o.projectExplicit()) {
            err.println(LogLines.resumeElsewhere(session.id(), registered, o.project()));
            err.flush();
            return o.project();
        }
        err.println(LogLines.resumeInRegisteredDir(session.id(), registered));
        err.flush();
        return registered;
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
