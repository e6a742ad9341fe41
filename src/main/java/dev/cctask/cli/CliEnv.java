package dev.cctask.cli;

import dev.cctask.Env;

/**
 * The environment subcommands see: the real one, or one a test installs. picocli builds the commands itself, so
 * this small holder is the seam instead of constructor injection.
 */
public final class CliEnv {
    private static volatile Env override;

    private CliEnv() {}

    public static Env get() {
        Env e = override;
        return e != null ? e : Env.system();
    }

    /** Installs {@code env} for the following commands; null restores the real environment. */
    public static void set(Env env) {
        override = env;
    }
}
