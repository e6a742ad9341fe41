package dev.cctask.task;

import dev.cctask.Env;
import java.io.PrintWriter;

/** The run lifecycle (SPEC §2.1). Wired to the claude, gateway, delivery and registry rooms as they land. */
public final class TaskRun {
    private TaskRun() {}

    public static int execute(TaskOptions options, Env env, PrintWriter out, PrintWriter err) {
        throw new UnsupportedOperationException("run lifecycle not wired yet");
    }
}
