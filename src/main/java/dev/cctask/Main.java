package dev.cctask;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** Entry point: nothing but the exit code of {@link App#run}. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int code = App.run(out, err, args);
        out.flush();
        err.flush();
        System.exit(code);
    }
}
