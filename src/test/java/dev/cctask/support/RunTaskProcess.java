package dev.cctask.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The one run fixture: the real {@code run-task} command as separate JVMs (the test class path, main class
 * {@code dev.cctask.cli.Main}) in a sandbox (temp HOME, state dir, PID dir, project, output file), with
 * {@code examples/fake-claude} as Claude and, on first use of {@link #gateway()}, a {@link FakeGateway} in the
 * config, so that tests see exactly what a user would: exit code, stdout, stderr, chat texts and files. Every command
 * of a test ({@code run-task …}, then {@code cancel}, {@code tasks}) runs on the same fixture and so shares the state
 * dir. {@link #close()} stops whatever is still running and the gateway.
 */
public final class RunTaskProcess implements AutoCloseable {
    public static final Path BASEDIR = Path.of(System.getProperty("project.basedir", ".")).toAbsolutePath();
    public static final Path FAKE_CLAUDE = BASEDIR.resolve("examples/fake-claude");
    public static final Path FIXTURES = BASEDIR.resolve("src/test/resources/fixtures/claude");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration AWAIT = Duration.ofSeconds(30);

    /** The outcome of one command. */
    public record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
        }
    }

    /** A condition {@link #await} polls. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    private final Path sandbox;
    private final Path home;
    private final Map<String, String> env = new HashMap<>();
    private final List<String> jvmArgs = new ArrayList<>();
    /** Each started command and the prefix of its stdout/stderr files. */
    private final Map<Process, Path> started = new IdentityHashMap<>();
    private Path stdin;
    private FakeGateway gateway;

    public RunTaskProcess(Path sandbox) throws IOException {
        this.sandbox = sandbox;
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

    /** The {@code -p} of {@link #args}: not created beforehand. */
    public Path project() {
        return sandbox.resolve("project");
    }

    /** The {@code -o} of {@link #args}: in a directory not created beforehand. */
    public Path output() {
        return sandbox.resolve("out/result.txt");
    }

    /** The fake gateway, started on first use, its port and token written to the state dir's config. */
    public FakeGateway gateway() throws IOException {
        if (gateway == null) {
            gateway = new FakeGateway();
            gateway.writeConfig(stateDir());
        }
        return gateway;
    }

    /**
     * The arguments of a supervised run: {@code given}, then whichever of {@code -p} {@link #project()}, {@code -o}
     * {@link #output()}, {@code --claude-bin} fake-claude and {@code --pid-dir} {@link #pidDir()} it lacks.
     */
    public String[] args(String... given) {
        List<String> a = new ArrayList<>(List.of(given));
        addUnlessGiven(a, "-p", "--project", project());
        addUnlessGiven(a, "-o", "--output", output());
        addUnlessGiven(a, "--claude-bin", "--claude-bin", FAKE_CLAUDE);
        addUnlessGiven(a, "--pid-dir", "--pid-dir", pidDir());
        return a.toArray(String[]::new);
    }

    private static void addUnlessGiven(List<String> args, String name, String longName, Path value) {
        if (args.stream().noneMatch(a -> a.equals(name) || a.equals(longName) || a.startsWith(longName + "="))) {
            args.add(name);
            args.add(value.toString());
        }
    }

    /** fake-claude replays this transcript from {@link #FIXTURES}. */
    public RunTaskProcess transcript(String fixture) {
        return env("FAKE_CLAUDE_TRANSCRIPT", FIXTURES.resolve(fixture).toString());
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

    /** The next commands read this file on stdin (by default /dev/null). */
    public RunTaskProcess stdin(Path file) {
        stdin = file;
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
        Path files = home.resolve("command-" + started.size());
        // A shell passes argv as raw bytes; a JVM under LANG=C (like this test JVM) would turn every non-ASCII
        // character into '?'. So the arguments go through a file, NUL-separated UTF-8, and bash execs them.
        Path argFile = Files.write(Path.of(files + ".argv"), (String.join("\0", cmd) + "\0").getBytes(StandardCharsets.UTF_8));
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", "-c", "mapfile -d '' -t a < \"$0\"; exec \"${a[@]}\"",
                argFile.toString());
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.redirectOutput(Path.of(files + ".out").toFile());
        pb.redirectError(Path.of(files + ".err").toFile());
        pb.redirectInput(stdin != null ? stdin.toFile() : new java.io.File("/dev/null"));
        Process p = pb.start();
        started.put(p, files);
        return p;
    }

    public Result finish(Process p, Duration max) throws IOException, InterruptedException {
        Path files = started.get(p);
        if (!p.waitFor(max.toMillis(), TimeUnit.MILLISECONDS)) {
            stop(p);
            throw new AssertionError("run-task did not finish within " + max + "\n"
                    + Files.readString(Path.of(files + ".err"), StandardCharsets.UTF_8));
        }
        return new Result(p.exitValue(), Files.readString(Path.of(files + ".out"), StandardCharsets.UTF_8),
                Files.readString(Path.of(files + ".err"), StandardCharsets.UTF_8));
    }

    /** What a process started here has written to stderr so far. */
    public String stderrSoFar(Process p) throws IOException {
        return Files.readString(Path.of(started.get(p) + ".err"), StandardCharsets.UTF_8);
    }

    public Result run(Duration max, String... args) throws IOException, InterruptedException {
        return finish(start(args), max);
    }

    /** The registry's first session entry, or an empty object when there is none (yet). */
    public JsonNode registryEntry() throws IOException {
        Path file = stateDir().resolve("claude_sessions.json");
        if (!Files.exists(file)) {
            return JSON.createObjectNode();
        }
        var it = JSON.readTree(file.toFile()).path("sessions").elements();
        return it.hasNext() ? it.next() : JSON.createObjectNode();
    }

    public void assertNoPidFiles() throws IOException {
        assertEquals(List.of(), pidFiles());
    }

    private List<Path> pidFiles() throws IOException {
        if (!Files.isDirectory(pidDir())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(pidDir())) {
            return files.filter(p -> p.toString().endsWith(".pid")).toList();
        }
    }

    /** Waits up to 30 s for a PID file in {@link #pidDir()}; returns it. */
    public Path awaitPidFile() throws Exception {
        await("a PID file in " + pidDir(), () -> !pidFiles().isEmpty());
        return pidFiles().get(0);
    }

    /** Waits up to 30 s for a PID file in {@link #pidDir()} to hold {@code key}; returns its value. */
    public String awaitPidFileField(String key) throws Exception {
        String[] value = new String[1];
        await(key + " in a PID file of " + pidDir(), () -> {
            for (Path f : pidFiles()) {
                for (String line : Files.readAllLines(f)) {
                    if (line.startsWith(key + "=")) {
                        value[0] = line.substring(key.length() + 1);
                        return true;
                    }
                }
            }
            return false;
        });
        return value[0];
    }

    /**
     * The messages that reached fake-claude's stdin ({@code FAKE_CLAUDE_STDIN_FILE}, two-way mode): the
     * {@code content} of each {@code user} line, in order; the prompt first.
     */
    public static List<String> messagesOnStdin(Path stdinFile) throws IOException {
        List<String> messages = new ArrayList<>();
        for (String line : Files.readAllLines(stdinFile, StandardCharsets.UTF_8)) {
            JsonNode message = JSON.readTree(line);
            assertEquals("user", message.path("type").asText(), line);
            messages.add(message.path("message").path("content").textValue());
        }
        return messages;
    }

    /** Waits up to 30 s for {@code file} to exist with some text; returns the text, stripped. */
    public static String awaitText(Path file) throws Exception {
        await("text in " + file, () -> Files.exists(file) && !Files.readString(file).isBlank());
        return Files.readString(file).strip();
    }

    /** Waits up to 30 s for the process to end; a zombie counts as ended (the JDK reports it absent). */
    public static void awaitGone(long pid) throws Exception {
        await("process " + pid + " to end", () -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    }

    /** Polls {@code condition} every 20 ms; fails after 30 s, saying what it waited for. */
    public static void await(String what, Condition condition) throws Exception {
        long end = System.nanoTime() + AWAIT.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("waited " + AWAIT.toSeconds() + " s for " + what);
            }
            Thread.sleep(20);
        }
    }

    /** Stops every command still running, with its process tree, and the gateway. */
    @Override
    public void close() throws IOException {
        started.keySet().forEach(RunTaskProcess::stop);
        if (gateway != null) {
            gateway.close();
        }
    }

    private static void stop(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
