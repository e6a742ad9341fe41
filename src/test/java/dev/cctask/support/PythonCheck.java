package dev.cctask.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs small Python scripts for compatibility checks; tests skip themselves when python3 is not on PATH. */
public final class PythonCheck {
    private PythonCheck() {}

    public static boolean available() {
        try {
            Process p = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs {@code python3 -c script args…}; returns stdout (UTF-8); fails with stderr on a non-zero exit. */
    public static String run(String script, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("python3", "-c", script));
        cmd.addAll(List.of(args));
        return exec(cmd);
    }

    /** Runs {@code python3 scriptFile args…} the same way. */
    public static String runFile(Path scriptFile, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("python3", scriptFile.toString()));
        cmd.addAll(List.of(args));
        return exec(cmd);
    }

    private static String exec(List<String> cmd) throws IOException, InterruptedException {
        Path errFile = Files.createTempFile("python-err", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(errFile.toFile());
            pb.environment().put("PYTHONIOENCODING", "utf-8");
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("python3 did not finish");
            }
            if (p.exitValue() != 0) {
                throw new IOException("python3 failed (" + p.exitValue() + "): " + Files.readString(errFile));
            }
            return out;
        } finally {
            Files.delete(errFile);
        }
    }
}
