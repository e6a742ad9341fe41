package dev.cctask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cctask.gateway.NotifyStatus;
import dev.cctask.support.Posted;
import dev.cctask.support.RunTaskProcess;
import dev.cctask.control.ControlEnv;
import dev.cctask.control.NotifyRelay;
import dev.cctask.control.RunControl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/run-task}, the launcher users and Claude call, run as a process on the packaged jar and archive
 * (hence an integration test: it needs {@code mvn package}). The test JVM and the launcher run under LANG=C.
 */
class RunTaskLauncherIT {
    private static final Path BASEDIR = Path.of(System.getProperty("project.basedir", ".")).toAbsolutePath();
    private static final Path LAUNCHER = BASEDIR.resolve("scripts/run-task");
    private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");
    private static final String OK = NotifyStatus.ok(null).toJson() + "\n";
    private static final String TEXT = "Step 2 done ✅ — \"quoted\", 'single', $HOME `id` ж 😀\nsecond line";

    @TempDir
    Path tmp;

    private final Posted posted = new Posted();
    private final Map<String, String> env = new HashMap<>();
    private RunControl relay;

    private record Result(int code, String out, String err) {}

    @BeforeEach
    void setUp() throws IOException {
        relay = RunControl.start(Map.of(ControlEnv.NOTIFY_PATH, new NotifyRelay(posted)), tmp.resolve("run.control"),
                line -> { });
        Path home = Files.createDirectories(tmp.resolve("home"));
        env.put("HOME", home.toString());
        env.put("OPENCLAW_STATE_DIR", home.resolve(".openclaw").toString());
        env.put("LANG", "C");
        env.put("PATH", System.getenv("PATH"));
    }

    @AfterEach
    void tearDown() {
        relay.close();
    }

    /** A PATH directory holding only the named commands (a test then knows which of them the launcher used). */
    private Path bin(String... commands) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("bin-" + String.join("-", commands)));
        for (String c : commands) {
            Path target = c.equals("java") ? JAVA : which(c);
            Files.createSymbolicLink(dir.resolve(c), target);
        }
        return dir;
    }

    private static Path which(String command) {
        for (String dir : System.getenv("PATH").split(":")) {
            Path p = Path.of(dir, command);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new AssertionError(command + " not on PATH");
    }

    private Result run(Path launcher, Path cwd, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(List.of(args));
        // the test JVM runs under LANG=C too, so it cannot pass non-ASCII argv itself: bash reads the
        // arguments as NUL-separated UTF-8 from a file and execs the launcher with the raw bytes
        Path argv = Files.createTempFile(tmp, "argv", ".bin");
        Files.write(argv, (String.join("\0", cmd) + "\0").getBytes(StandardCharsets.UTF_8));
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", "-c", "mapfile -d '' -t a < \"$0\"; exec \"${a[@]}\"",
                argv.toString()).directory(cwd.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor();
            throw new AssertionError("run-task " + String.join(" ", args) + " did not finish");
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private Result run(String... args) throws IOException, InterruptedException {
        return run(LAUNCHER, tmp, args);
    }

    private void inRun(String secret) {
        env.putAll(relay.childEnv());
        if (secret != null) {
            env.put(NotifyRelay.SECRET_ENV, secret);
        }
    }

    @Test
    void notifyInsideARunGoesThroughCurlWithoutAJvmAndPrintsWhatTheJvmPrints() throws Exception {
        inRun(null);
        env.put("PATH", bin("bash", "curl").toString()); // no java: a JVM start would fail
        assertEquals(new Result(0, OK, ""), run("notify", "-m", TEXT));
        assertEquals(new Result(0, OK, ""), run("notify", "--bg", "--message=" + TEXT));
        assertEquals(List.of(TEXT, TEXT), posted.await(2));
    }

    @Test
    void notifyInsideARunWithoutCurlUsesTheJvmWithTheSameOutput() throws Exception {
        inRun(null);
        env.put("PATH", bin("bash", "readlink", "java").toString());
        assertEquals(new Result(0, OK, ""), run("notify", "-m", TEXT));
        assertEquals(List.of(TEXT), posted.await(1));
    }

    @Test
    void refusedRelayMessageIsReportedByTheJvm() throws Exception {
        inRun("wrong-secret");
        Result r = run("notify", "-m", TEXT);
        assertEquals(1, r.code(), r.toString());
        assertEquals("{\n  \"status\": \"error\",\n  \"error\": \"HTTP 403: wrong or missing relay secret — the relay"
                + " refused RUN_TASK_NOTIFY_SECRET: use the environment of the run that started Claude\"\n}\n", r.out());
        assertEquals("", r.err());
        assertEquals(List.of(), posted.await(0));
    }

    @Test
    void notifyStartsWithoutTheStreamParserAndFromTheArchive() throws Exception {
        inRun(null);
        env.put("RUN_TASK_JAVA_OPTS", "-Xlog:class+load=info:stderr");
        Result r = run("notify", "--timeout", "30", "-m", "x"); // --timeout: the JVM path
        assertEquals(0, r.code(), r.toString());
        List<String> loaded = r.err().lines().filter(l -> l.contains("[class,load]")).toList();
        for (String fromArchive : List.of("dev.cctask.cli.Main", "picocli.CommandLine", "dev.cctask.gateway.Notifier")) {
            assertTrue(loaded.stream().anyMatch(l -> l.contains(" " + fromArchive + " source: shared objects file")),
                    fromArchive + " not from the archive:\n" + r.err());
        }
        for (String notLoaded : List.of(" dev.cctask.claude.", " dev.cctask.registry.", " okhttp3.", " kotlin.")) {
            assertEquals(List.of(), loaded.stream().filter(l -> l.contains(notLoaded)).toList(), notLoaded);
        }
    }

    @Test
    void worksThroughASymlinkFromAnyDirectory() throws Exception {
        Path link = Files.createSymbolicLink(tmp.resolve("rt"), LAUNCHER);
        Path elsewhere = Files.createDirectories(tmp.resolve("else where"));
        Result r = run(link, elsewhere, "--version");
        assertEquals(new Result(0, "run-task " + Version.get() + "\n", ""), r);
    }

    @Test
    void promptAndLabelSurviveUnderACLocale() throws Exception {
        Path stdin = tmp.resolve("prompt.bin");
        env.put("FAKE_CLAUDE_STDIN_FILE", stdin.toString());
        env.put("FAKE_CLAUDE_DELAY", "0");
        String task = "Fix ж and 😀 \"now\" $HOME\nthen stop";
        Result r = run("-t", task, "--session-label", "Метка 🚀", "-p", tmp.resolve("project").toString(),
                "-o", tmp.resolve("out.txt").toString(), "--pid-dir", tmp.resolve("pids").toString(),
                "--claude-bin", BASEDIR.resolve("examples/fake-claude").toString());
        assertEquals(0, r.code(), r.toString());
        assertEquals(List.of(task), RunTaskProcess.messagesOnStdin(stdin));
        assertTrue(r.err().contains("\n   Label: Метка 🚀\n"), r.err());
    }

    /** The launcher, the jar and the class list copied to a directory of their own, like an installed copy. */
    private Path installedCopy() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("installed"));
        Files.copy(LAUNCHER, dir.resolve("run-task"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(BASEDIR.resolve("target/run-task.jar"), dir.resolve("run-task.jar"));
        for (String list : List.of("run-task.classlist", "run-task-notify.classlist")) {
            Files.copy(BASEDIR.resolve("target").resolve(list), dir.resolve(list));
        }
        return dir;
    }

    @Test
    void anArchiveThatDoesNotMatchIsSkippedSilently() throws Exception {
        Path dir = installedCopy();
        env.put("RUN_TASK_CDS", "dump");
        assertEquals(new Result(0, "", ""), run(dir.resolve("run-task"), tmp));
        env.remove("RUN_TASK_CDS");
        // an archive the launcher takes for this jar and JVM (same stamp, newer than the jar) but the JVM rejects
        Path archive = dir.resolve("run-task-notify.jsa");
        Files.setPosixFilePermissions(archive, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Files.write(archive, new byte[4096]);
        Files.setLastModifiedTime(archive, FileTime.from(Instant.now().plusSeconds(60)));
        inRun(null);
        env.put("PATH", bin("bash", "readlink", "java").toString());
        assertEquals(new Result(0, OK, ""), run(dir.resolve("run-task"), tmp, "notify", "-m", "x"));
    }

    @Test
    void aMissingArchiveIsMadeInTheBackgroundForTheNextStart() throws Exception {
        Path dir = installedCopy();
        Path archive = dir.resolve("run-task.jsa");
        assertEquals(new Result(0, "run-task " + Version.get() + "\n", ""), run(dir.resolve("run-task"), tmp, "--version"));
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (!Files.exists(archive) && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        assertTrue(Files.exists(archive), "no archive made");
        env.put("RUN_TASK_JAVA_OPTS", "-Xlog:class+load=info:stderr");
        Result r = run(dir.resolve("run-task"), tmp, "--version");
        assertTrue(r.err().contains("dev.cctask.cli.Main source: shared objects file"), r.err());
    }
}
