package dev.cctask.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts the built {@code target/run-task.jar} as a user would: {@code java -jar run-task.jar …}, its own process. */
final class RunTask {
    private RunTask() {}

    /** The jar failsafe hands over as {@code -Druntask.jar} (built by {@code mvn package} before the ITs). */
    static Path jar() {
        String jar = System.getProperty("runtask.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            fail("run-task.jar not found (" + jar + "): run the e2e suite with mvn -B verify -Pe2e");
        }
        return Path.of(jar);
    }

    static Proc start(Path dir, String name, Map<String, String> env, List<String> args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-jar", jar().toString()));
        cmd.addAll(args);
        return Proc.start(cmd, env, dir, dir.resolve("logs"), name, new byte[0]);
    }

    /** Polls {@code condition} every 100 ms; fails after {@code limit}, saying what it waited for. */
    static void await(String what, java.util.function.BooleanSupplier condition, java.time.Duration limit) {
        long end = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail("waited " + limit.toSeconds() + " s for " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted while waiting for " + what);
            }
        }
    }

    /** {@code <stateDir>/claude_sessions.json}, parsed; fails when absent. */
    static JsonNode registry(Path stateDir) {
        Path file = stateDir.resolve("claude_sessions.json");
        if (!Files.isRegularFile(file)) {
            fail("no session registry at " + file);
        }
        try {
            return Json.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
