package dev.cctask.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cctask.cli.App;
import dev.cctask.Env;
import dev.cctask.cli.CliEnv;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;

/**
 * One {@code run-task} command run in-process, as a user would run it from a shell, and what they would see: stdout,
 * stderr, exit code (the shape of kcctl's {@code KcctlCommandContext}). The only test class that calls the CLI's
 * entry point.
 */
public record CliRun(String out, String err, int exitCode) {

    /** Runs with {@code OPENCLAW_STATE_DIR=stateDir} and HOME {@code stateDir/home}, nothing else: {@link #env(Path)}. */
    public static CliRun run(Path stateDir, String... args) {
        return run(env(stateDir), args);
    }

    /** The environment {@link #run(Path, String...)} uses: {@code OPENCLAW_STATE_DIR=stateDir}, HOME {@code stateDir/home}. */
    public static Env env(Path stateDir) {
        return new Env(Map.of("OPENCLAW_STATE_DIR", stateDir.toString()), stateDir.resolve("home"));
    }

    /** Runs with exactly this environment. */
    public static CliRun run(Env env, String... args) {
        return run(env, null, args);
    }

    /** Runs with exactly this environment and stdin (null: the test JVM's). */
    public static CliRun run(Env env, InputStream stdin, String... args) {
        CliEnv.set(env);
        CliEnv.setStdin(stdin);
        try {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = App.run(new PrintWriter(out), new PrintWriter(err), args);
            return new CliRun(out.toString(), err.toString(), code);
        } finally {
            CliEnv.set(null);
            CliEnv.setStdin(null);
        }
    }

    /** Like {@link #run(Path, String...)}, and fails with the arguments, stdout and stderr unless the exit code is 0. */
    public static CliRun runAndEnsureExitCodeOk(Path stateDir, String... args) {
        return ensureOk(run(stateDir, args), args);
    }

    /** Runs with exactly this environment; fails with the arguments, stdout and stderr unless the exit code is 0. */
    public static CliRun runAndEnsureExitCodeOk(Env env, String... args) {
        return ensureOk(run(env, args), args);
    }

    private static CliRun ensureOk(CliRun r, String... args) {
        assertEquals(0, r.exitCode(), () -> "run-task " + String.join(" ", args) + "\n" + r);
        return r;
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
