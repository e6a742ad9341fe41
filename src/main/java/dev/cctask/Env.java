package dev.cctask;

import java.nio.file.Files;
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

    /**
     * The state dir when it is a directory or can be created as one; else a {@link UserException#config} saying
     * which path is in the way. Checked before a command that keeps state starts anything.
     */
    public Path usableStateDir() {
        Path dir = stateDir();
        String name = get("OPENCLAW_STATE_DIR") != null ? "OPENCLAW_STATE_DIR=" + dir : dir.toString();
        for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                if (Files.isDirectory(p)) {
                    return dir;
                }
                throw UserException.config(name + (p.equals(dir.toAbsolutePath()) ? " is not a directory"
                        : " cannot be created: " + p + " is not a directory") + "; point OPENCLAW_STATE_DIR at a"
                        + " directory (created when missing), or unset it to use ~/.openclaw");
            }
        }
        return dir;
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
