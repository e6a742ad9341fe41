package dev.cctask.cli;

import dev.cctask.Env;
import java.util.function.Supplier;

/**
 * Where commands get the process environment. Production reads the real one; tests, which cannot change the
 * JVM's environment, install their own {@link Env} (variables and home) with {@link #useEnv} and reset it with
 * {@code useEnv(null)}. Commands call {@link #env()} inside {@code call()}, never in field initialisers.
 */
public final class CliContext {
    private static volatile Supplier<Env> env = Env::system;

    private CliContext() {}

    public static Env env() {
        return env.get();
    }

    /** Test seam: the environment commands see from now on; null restores the real one. */
    public static void useEnv(Supplier<Env> supplier) {
        env = supplier != null ? supplier : Env::system;
    }
}
