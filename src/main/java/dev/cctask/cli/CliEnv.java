package dev.cctask.cli;

import dev.cctask.Env;
import java.io.InputStream;

/**
 * The environment and stdin the commands see. Production uses the real process; tests set their own
 * (a temp HOME, state dir and config) because a JVM cannot change its own environment.
 */
public final class CliEnv {
    private static volatile Env env;
    private static volatile InputStream stdin;

    private CliEnv() {}

    public static Env get() {
        Env e = env;
        return e != null ? e : Env.system();
    }

    public static InputStream stdin() {
        InputStream in = stdin;
        return in != null ? in : System.in;
    }

    /** For tests: replaces the environment (null restores the real one). */
    public static void set(Env e) {
        env = e;
    }

    /** For tests: replaces stdin (null restores the real one). */
    public static void setStdin(InputStream in) {
        stdin = in;
    }
}
