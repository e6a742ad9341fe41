package dev.cctask.cli;

import dev.cctask.Env;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;

/** Runs the CLI in-process against a temporary state dir and captures what a user would see. */
record CliRun(int code, String out, String err) {

    static CliRun run(Path stateDir, String... args) {
        return run(new Env(Map.of("OPENCLAW_STATE_DIR", stateDir.toString()), stateDir.resolve("home")), args);
    }

    /** Runs with exactly this environment. */
    static CliRun run(Env env, String... args) {
        CliEnv.set(env);
        try {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = App.run(new PrintWriter(out), new PrintWriter(err), args);
            return new CliRun(code, out.toString(), err.toString());
        } finally {
            CliEnv.set(null);
        }
    }

    @Override
    public String toString() {
        return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
