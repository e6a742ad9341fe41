package dev.cctask;

import java.nio.file.Path;
import java.util.Map;

/**
 * The process environment and home directory, passed in rather than read globally so that
 * domain code is testable without touching the real environment.
 */
public record Env(Map<String, String> vars, Path home) {

    /**
     * The real environment. Home is {@code $OPENCLAW_HOME}, else {@code $HOME} (as the gateway resolves it,
     * GATEWAY.md §1.1), else the JVM's {@code user.home}, which comes from the password database and ignores a
     * {@code HOME} set by the caller.
     */
    public static Env system() {
        Map<String, String> vars = System.getenv();
        String home = firstSet(vars.get("OPENCLAW_HOME"), vars.get("HOME"), System.getProperty("user.home"));
        return new Env(vars, Path.of(home));
    }

    /** The value of a variable, or null when unset or blank. */
    public String get(String name) {
        String v = vars.get(name);
        return v == null || v.isBlank() ? null : v;
    }

    /** SPEC conventions: {@code $OPENCLAW_STATE_DIR}, else {@code ~/.openclaw}. */
    public Path stateDir() {
        String dir = get("OPENCLAW_STATE_DIR");
        return dir != null ? Path.of(expandHome(dir)) : home.resolve(".openclaw");
    }

    /** Expands a leading {@code ~} to the home directory. */
    public String expandHome(String path) {
        if (path.equals("~")) {
            return home.toString();
        }
        if (path.startsWith("~/")) {
            return home.resolve(path.substring(2)).toString();
        }
        return path;
    }

    private static String firstSet(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        throw new IllegalStateException("no home directory: set HOME");
    }
}
