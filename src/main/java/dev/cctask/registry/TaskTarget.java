package dev.cctask.registry;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** Which runs a {@code cancel <target>} means (SPEC §1.4): the first rule that matches anything wins. */
public final class TaskTarget {
    private TaskTarget() {}

    /**
     * Rules in order: all digits → runner pid, then Claude pid; exact session id; label equal ignoring case; label
     * containing the text; the registry's label match ({@link SessionRegistry#matchLabel}) → its session ids.
     * Empty when nothing matches; several entries when the target is ambiguous.
     */
    public static List<PidFile> match(String target, List<PidFile> files, SessionRegistry registry) throws IOException {
        if (target.chars().allMatch(Character::isDigit) && !target.isEmpty()) {
            long pid = Long.parseLong(target);
            List<PidFile> hits = filter(files, f -> f.runnerPid() != null && f.runnerPid() == pid);
            if (hits.isEmpty()) {
                hits = filter(files, f -> f.claudePid() != null && f.claudePid() == pid);
            }
            if (!hits.isEmpty()) {
                return hits;
            }
        }
        String lower = target.toLowerCase(Locale.ROOT);
        for (Predicate<PidFile> rule : List.<Predicate<PidFile>>of(
                f -> target.equals(f.sessionId()),
                f -> lowerLabel(f).equals(lower),
                f -> lowerLabel(f).contains(lower))) {
            List<PidFile> hits = filter(files, rule);
            if (!hits.isEmpty()) {
                return hits;
            }
        }
        if (files.isEmpty()) {
            return List.of();
        }
        Set<String> ids = registry.matchLabel(target).stream().map(Session::id).collect(Collectors.toSet());
        return filter(files, f -> f.sessionId() != null && ids.contains(f.sessionId()));
    }

    private static List<PidFile> filter(List<PidFile> files, Predicate<PidFile> rule) {
        return files.stream().filter(rule).toList();
    }

    private static String lowerLabel(PidFile f) {
        return f.label() == null ? "" : f.label().toLowerCase(Locale.ROOT);
    }
}
