package dev.cctask.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cctask.support.FakeGateway;
import dev.cctask.support.FullTmpfs;
import dev.cctask.support.RunTaskProcess;
import dev.cctask.support.SpecialFiles;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code run-task} as a process against the files it is given: an output path that is not a new or own
 * regular file, a task file that never ends, a full disk under the output file, and the modes of what it creates.
 */
class FileSafetyProcessTest {
    static final String KEY = "agent:main:whatsapp:group:120363000000000000@g.us";

    @TempDir
    Path sandbox;

    FakeGateway gateway;
    RunTaskProcess runTask;
    Path project;

    @BeforeEach
    void setUp() throws Exception {
        runTask = new RunTaskProcess(sandbox).transcript("basic.jsonl");
        gateway = runTask.gateway();
        project = runTask.project();
    }

    @AfterEach
    void tearDown() throws Exception {
        runTask.close();
    }

    private RunTaskProcess.Result run(Path output, String... prompt) throws Exception {
        List<String> a = new ArrayList<>(List.of(prompt));
        a.addAll(List.of("-o", output.toString(), "-s", KEY));
        return runTask.run(Duration.ofSeconds(60), runTask.args(a.toArray(String[]::new)));
    }

    /** Exit 2, {@code line} and the synopsis on stderr, nothing else: no project, no PID file, one chat message. */
    private void assertNothingStarted(RunTaskProcess.Result r, String line) {
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals(line + "\n" + RunTaskProcessTest.ROOT_USAGE, r.stderr());
        assertFalse(Files.exists(project), "no project dir");
        assertFalse(Files.exists(runTask.pidDir()), "no PID file");
        // the chat hears why, once, and the agent is woken with it (issue 12 item 9); nothing else is posted
        assertEquals(List.of("message", "sessions_send"), gateway.calls().stream().map(c -> c.tool()).toList());
        assertEquals(List.of("❌ Claude Code not started: " + line), gateway.messageTexts());
        gateway.clearCalls();
    }

    @Test
    void anOutputPathThatIsNotANewOrOwnRegularFileIsAUsageErrorAndNothingIsTouched() throws Exception {
        Path precious = sandbox.resolve("precious.txt");
        Files.writeString(precious, "keep me");
        Files.setPosixFilePermissions(precious, PosixFilePermissions.fromString("rw-r--r--"));
        Path link = Files.createSymbolicLink(sandbox.resolve("link.txt"), precious);
        Path fifo = SpecialFiles.fifo(sandbox.resolve("fifo"));
        Path dir = Files.createDirectory(sandbox.resolve("dir"));
        Path socket = sandbox.resolve("socket");
        List<Path> bad = new ArrayList<>(List.of(link, fifo, dir, socket));
        List<String> what = new ArrayList<>(List.of("a symlink", "a FIFO", "a directory", "a socket"));
        if (FullTmpfs.possible()) {
            bad.add(SpecialFiles.charDevice(sandbox.resolve("full"), 1, 7)); // /dev/full's numbers, in our temp dir
            what.add("a character device");
        }
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            for (int i = 0; i < bad.size(); i++) {
                var r = run(bad.get(i), "-t", "Say hi");
                assertNothingStarted(r, "--output " + bad.get(i) + " is " + what.get(i)
                        + ": name a new file or a regular file of yours");
            }
        }
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("keep me", Files.readString(precious));
        assertEquals("rw-r--r--", mode(precious));
        assertEquals(0010000, SpecialFiles.type(fifo), "still a FIFO");
        if (FullTmpfs.possible()) {
            assertEquals(0020000, SpecialFiles.type(sandbox.resolve("full")),
                    "still a device node");
        }
    }

    @Test
    void aTaskFileThatIsAFifoOrADeviceIsAUsageErrorInsteadOfAHang() throws Exception {
        Path output = sandbox.resolve("out.txt");
        Path fifo = SpecialFiles.fifo(sandbox.resolve("prompt.fifo"));
        var r = run(output, "--task-file", fifo.toString());
        assertNothingStarted(r, "The task file " + fifo + " is not a regular file: write the prompt into a file");
        assumeTrue(FullTmpfs.possible(), "mknod needs root");
        Path zero = SpecialFiles.charDevice(sandbox.resolve("zero"), 1, 5); // /dev/zero's numbers
        r = run(output, "--task-file", zero.toString());
        assertNothingStarted(r, "The task file " + zero + " is not a regular file: write the prompt into a file");
    }

    @Test
    void aPromptLargerThanOneMebibyteIsAUsageError() throws Exception {
        Path big = sandbox.resolve("big.txt");
        Files.write(big, "x".repeat(TaskOptions.MAX_PROMPT_BYTES + 1).getBytes(StandardCharsets.UTF_8));
        var r = run(sandbox.resolve("out.txt"), "--task-file", big.toString());
        assertNothingStarted(r, "The task file " + big + " is larger than 1 MiB: put the material into files in"
                + " the project and tell Claude where to find them");
    }

    @Test
    void aPromptOfOneMebibyteRunsWithinTheLaunchersHeap() throws Exception {
        Path prompt = sandbox.resolve("prompt.txt");
        String text = "🚀".repeat(TaskOptions.MAX_PROMPT_BYTES / 4); // 4 bytes each: exactly the limit
        Files.writeString(prompt, text, StandardCharsets.UTF_8);
        Path stdin = sandbox.resolve("stdin.bin");
        runTask.env("FAKE_CLAUDE_STDIN_FILE", stdin.toString());
        // the supervisor's heap and stack flags of scripts/run-task
        runTask.jvmArg("-Xmx64m").jvmArg("-Xss512k").jvmArg("-XX:+UseSerialGC");
        var r = run(sandbox.resolve("out.txt"), "--task-file", prompt.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(List.of(text), RunTaskProcess.messagesOnStdin(stdin));
    }

    @Test
    void aFullDiskUnderTheOutputFileStillRecordsAndDeliversTheResult() throws Exception {
        assumeTrue(FullTmpfs.possible(), "mounting a tmpfs needs root");
        try (FullTmpfs disk = new FullTmpfs(sandbox.resolve("full"))) {
            Path output = disk.dir().resolve("result.txt");
            var r = run(output, "-t", "Run echo hi with Bash");
            assertEquals(0, r.exitCode(), r.toString());
            List<String> texts = gateway.messageTexts();
            String last = texts.get(texts.size() - 1);
            assertEquals("✅ Claude Code task complete!\n\nTask: Run echo hi with Bash\nProject: " + project
                    + "\nResult (29 chars):\n\nDone: the command printed hi.\n\nCost: $0.10 · 2 turns · 84 tok\n"
                    + "Full output: " + output + "\n⚠️ Output file incomplete: No space left on device", last);
            FakeGateway.Call wake = gateway.calls().get(gateway.calls().size() - 1);
            assertEquals("sessions_send", wake.tool());
            assertTrue(wake.text().startsWith("[CLAUDE_CODE_RESULT]\n" + last), wake.text());
            assertEquals("completed", runTask.registryEntry().path("status").asText());
            assertTrue(r.stderr().contains("⚠ Cannot write the output file " + output + ": No space left on device\n"),
                    r.stderr());
            assertTrue(r.stderr().contains(
                    "⚠ The output file is incomplete; the result follows:\nDone: the command printed hi.\n"), r.stderr());
            assertFalse(r.stderr().contains("💥"), r.stderr());
        }
    }

    @Test
    void everyFileTheRunCreatesIsOwnerOnly() throws Exception {
        gateway.script(c -> FakeGateway.json(500, "{\"ok\":false}")); // the outbox keeps its items
        Path output = sandbox.resolve("out/result.txt");
        runTask.env("FAKE_CLAUDE_DELAY", "0.3");
        for (int i = 0; i < 2; i++) { // the second run finds the PID dir and takes its reconcile lock
            Process p = runTask.start(runTask.args("-t", "Say hi", "-o", output.toString(), "-s", KEY,
                    "--delivery-deadline", "1"));
            Path pidFile = runTask.awaitPidFile();
            assertEquals("rw-------", mode(pidFile), pidFile.toString());
            var r = runTask.finish(p, Duration.ofSeconds(60));
            assertEquals(0, r.exitCode(), r.toString());
        }
        List<Path> created = new ArrayList<>(List.of(output, runTask.pidDir().resolve(".reconcile.lock"),
                runTask.stateDir().resolve("claude_sessions.json"), runTask.stateDir().resolve("claude_sessions.json.lock")));
        try (Stream<Path> outbox = Files.walk(runTask.stateDir().resolve("claude-code-task"))) {
            outbox.forEach(created::add);
        }
        assertTrue(created.stream().anyMatch(f -> f.toString().endsWith(".json") && f.toString().contains("outbox")),
                created.toString());
        for (Path f : created) {
            assertEquals(Files.isDirectory(f) ? "rwx------" : "rw-------", mode(f), f.toString());
        }
        assertEquals("rwx------", mode(runTask.pidDir()));
        assertEquals("rwx------", mode(output.getParent()));
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }
}
