package dev.cctask.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs the real {@code run-task} command as a separate JVM (the test class path, main class
 * {@code dev.cctask.cli.Main}) in a sandbox: temp HOME, state dir, config and PID dir, so that tests see exactly
 * what a user would: exit code, stdout, stderr and files.
 */
public final class RunTaskProcess {
    public static final Path BASEDIR = Path.of(System.getProperty("project.basedir", ".")).toAbsolutePath();
    public static final Path FAKE_CLAUDE = BASEDIR.resolve("examples/fake-claude");
    public static final Path FIXTURES = BASEDIR.resolve("src/test/resources/fixtures/claude");

    /** The outcome of one run. */
    public record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
        }
    }

    private final Path home;
    private final Map<String, String> env = new HashMap<>();
    private final List<String> jvmArgs = new ArrayList<>();

    public RunTaskProcess(Path sandbox) throws IOException {
        this.home = sandbox.resolve("home");
        Files.createDirectories(home);
        env.put("HOME", home.toString());
        env.put("OPENCLAW_STATE_DIR", stateDir().toString());
        env.put("PATH", System.getenv("PATH"));
        env.put("LANG", "C");
    }

    public Path home() {
        return home;
    }

    public Path stateDir() {
        return home.resolve(".openclaw");
    }

    public Path pidDir() {
        return home.resolve("pids");
    }

    /**
     * {@code partial-messages.jsonl} without its final {@code result}, written beside the sandbox's HOME: with
     * {@code FAKE_CLAUDE_SLEEP_AFTER}, a Claude that works until it is stopped.
     */
    public Path unfinishedTranscript() throws IOException {
        List<String> lines = Files.readAllLines(FIXTURES.resolve("partial-messages.jsonl"), StandardCharsets.UTF_8);
        if (!lines.get(lines.size() - 1).contains("\"type\":\"result\"")) {
            throw new IllegalStateException("partial-messages.jsonl no longer ends with its result");
        }
        Path transcript = home.resolveSibling("unfinished.jsonl");
        Files.write(transcript, lines.subList(0, lines.size() - 1), StandardCharsets.UTF_8);
        return transcript;
    }

    /** Waits up to 30 s for a PID file in {@link #pidDir()} to hold {@code key}; returns its value. */
    public String awaitPidFileField(String key) throws IOException, InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            if (Files.isDirectory(pidDir())) {
                try (Stream<Path> files = Files.list(pidDir())) {
                    for (Path f : files.filter(p -> p.toString().endsWith(".pid")).toList()) {
                        for (String line : Files.readAllLines(f)) {
                            if (line.startsWith(key + "=")) {
                                return line.substring(key.length() + 1);
                            }
                        }
                    }
                }
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("no " + key + " in a PID file of " + pidDir());
            }
            Thread.sleep(50);
        }
    }

    /** Waits up to 20 s for the process to end; a zombie counts as ended (the JDK reports it absent). */
    public static void awaitGone(long pid) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            if (System.nanoTime() > end) {
                throw new AssertionError("process " + pid + " survived");
            }
            Thread.sleep(50);
        }
    }

    public RunTaskProcess env(String name, String value) {
        if (value == null) {
            env.remove(name);
        } else {
            env.put(name, value);
        }
        return this;
    }

    public RunTaskProcess jvmArg(String arg) {
        jvmArgs.add(arg);
        return this;
    }

    /** Starts the command; the caller waits with {@link #finish(Process, Duration)}. */
    public Process start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("dev.cctask.cli.Main");
        cmd.addAll(List.of(args));
        // A shell passes argv as raw bytes; a JVM under LANG=C (like this test JVM) would turn every non-ASCII
        // character into '?'. So the arguments go through a file, NUL-separated UTF-8, and bash execs them.
        Path argFile = home.resolve("argv-" + System.nanoTime() + ".bin");
        Files.write(argFile, (String.join("\0", cmd) + "\0").getBytes(StandardCharsets.UTF_8));
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", "-c", "mapfile -d '' -t a < \"$0\"; exec \"${a[@]}\"",
                argFile.toString());
        pb.environment().clear();
        pb.environment().putAll(env);
        Path out = home.resolve("last-stdout.txt");
        Path err = home.resolve("last-stderr.txt");
        pb.redirectOutput(out.toFile());
        pb.redirectError(err.toFile());
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        return pb.start();
    }

    public Result finish(Process p, Duration max) throws IOException, InterruptedException {
        if (!p.waitFor(max.toMillis(), TimeUnit.MILLISECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
            throw new AssertionError("run-task did not finish within " + max + "\n" + read());
        }
        return new Result(p.exitValue(), Files.readString(home.resolve("last-stdout.txt"), StandardCharsets.UTF_8),
                Files.readString(home.resolve("last-stderr.txt"), StandardCharsets.UTF_8));
    }

    public Result run(Duration max, String... args) throws IOException, InterruptedException {
        return finish(start(args), max);
    }

    private String read() throws IOException {
        return Files.readString(home.resolve("last-stderr.txt"), StandardCharsets.UTF_8);
    }
}
