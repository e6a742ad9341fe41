package dev.cctask.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cctask.registry.PidFile;
import dev.cctask.registry.PidFiles;
import dev.cctask.registry.SessionRegistry;
import dev.cctask.support.CliRun;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code steer}: TARGET as {@code cancel}, then the message to the run's control endpoint (a mock runner here). */
class SteerCommandTest {
    static final String SECRET = "0123456789abcdef0123456789abcdef";
    static final String SESSION = "0d291a30-90f4-4175-9e9e-5de438b83d4b";

    @TempDir
    Path state;

    PidFiles pids;
    MockWebServer runner;

    @BeforeEach
    void setUp() throws Exception {
        pids = new PidFiles(state.resolve("pids"));
        runner = new MockWebServer();
        runner.start(InetAddress.getByName("127.0.0.1"), 0);
    }

    @AfterEach
    void tearDown() {
        runner.close();
    }

    /** A run of this (live) process, as its runner leaves it: the PID file and, beside it, the control file. */
    private PidFile run(String label) throws Exception {
        return run(label, "Refactor auth");
    }

    private PidFile run(String label, String task) throws Exception {
        Map<String, String> f = new LinkedHashMap<>();
        f.put(PidFile.CLAUDE_PID, "4321");
        f.put(PidFile.LABEL, label);
        f.put(PidFile.SESSION_ID, SESSION);
        f.put(PidFile.PROJECT, "/home/dev/my app");
        PidFile pid = pids.create(task, f);
        Files.writeString(pid.controlFile(), "url=http://127.0.0.1:" + runner.getPort() + "\nsecret=" + SECRET + "\n");
        return pid;
    }

    private CliRun steer(String... args) {
        String[] argv = new String[args.length + 3];
        argv[0] = "steer";
        System.arraycopy(args, 0, argv, 1, args.length);
        argv[args.length + 1] = "--pid-dir";
        argv[args.length + 2] = state.resolve("pids").toString();
        return CliRun.run(state, argv);
    }

    private static MockResponse answer(int code, String body) {
        return new MockResponse.Builder().code(code).body(body).build();
    }

    @Test
    void theMessageGoesToTheRunsSteerRouteWithTheControlSecretAndExitIsZero() throws Exception {
        run("auth refactor");
        runner.enqueue(answer(200, "{\"status\":\"ok\"}"));
        CliRun r = steer("auth", "-m", "Also update the docs ✅");
        assertEquals(new CliRun("Sent to Claude Code: runner " + ProcessHandle.current().pid() + ", session " + SESSION
                + "\n", "", 0), r);
        RecordedRequest request = runner.takeRequest(5, TimeUnit.SECONDS);
        assertEquals("POST", request.getMethod());
        assertEquals("/steer", request.getTarget());
        assertEquals("Bearer " + SECRET, request.getHeaders().get("Authorization"));
        assertEquals("Also update the docs ✅", request.getBody().utf8());
    }

    @Test
    void aMessageFileOrStdinIsSentAsWritten() throws Exception {
        run("auth refactor");
        Path file = Files.writeString(state.resolve("steer.txt"), "Stop touching the CI config.\n$HOME `x`\n");
        runner.enqueue(answer(200, "{\"status\":\"ok\"}"));
        runner.enqueue(answer(200, "{\"status\":\"ok\"}"));
        assertEquals(0, steer(SESSION, "--file", file.toString()).exitCode());
        assertEquals("Stop touching the CI config.\n$HOME `x`\n", runner.takeRequest(5, TimeUnit.SECONDS).getBody().utf8());
        CliRun piped = CliRun.run(CliRun.env(state), new ByteArrayInputStream("from stdin ü".getBytes(StandardCharsets.UTF_8)),
                "steer", "auth", "--file", "-", "--pid-dir", state.resolve("pids").toString());
        assertEquals(0, piped.exitCode(), piped.toString());
        assertEquals("from stdin ü", runner.takeRequest(5, TimeUnit.SECONDS).getBody().utf8());
    }

    @Test
    void aRunStartingClaudeOrBusyIsAskedAgain() throws Exception {
        run("auth refactor");
        runner.enqueue(new MockResponse.Builder().code(503).addHeader("Retry-After", "1")
                .body("{\"status\":\"error\",\"error\":\"Claude has not started yet\"}").build());
        runner.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", "1")
                .body("{\"status\":\"error\",\"error\":\"busy: the run serves one control request at a time\"}").build());
        runner.enqueue(answer(200, "{\"status\":\"ok\"}"));
        assertEquals(0, steer("auth", "-m", "go on").exitCode());
        assertEquals(3, runner.getRequestCount());
    }

    @Test
    void aFinishedRunExitsOneWithTheCommandThatContinuesItsSession() throws Exception {
        run("auth refactor");
        new SessionRegistry(state, w -> { }).register(new SessionRegistry.Registration(SESSION, "auth refactor",
                "Refactor auth", "/home/dev/my app", null, "/tmp/out.txt", "run-1", 1));
        runner.enqueue(answer(409, "{\"status\":\"error\",\"error\":\"finished: Claude's input is closed\"}"));
        assertEquals(new CliRun("", "Task 'auth' has finished: Claude takes no more messages. Continue its session with:"
                + " run-task --resume-label \"auth refactor\" --task-file FILE\n", 1), steer("auth", "-m", "more"));
    }

    @Test
    void aRunWhoseEndpointIsGoneHasFinishedAndWithoutALabelTheHintResumesById() throws Exception {
        run(null);
        runner.close(); // the runner stopped its control server when Claude ended
        assertEquals(new CliRun("", "Task '" + SESSION + "' has finished: Claude takes no more messages. Continue its"
                + " session with: run-task --resume " + SESSION + " -p \"/home/dev/my app\" --task-file FILE\n", 1),
                steer(SESSION, "-m", "more"));
    }

    @Test
    void aSessionWhoseRunnerHasExitedIsFoundInTheRegistry() throws Exception {
        new SessionRegistry(state, w -> { }).register(new SessionRegistry.Registration(SESSION, "docs \"v2\" $x", "Write docs",
                "/home/dev/project", null, "/tmp/out.txt", "run-1", 1));
        assertEquals(new CliRun("", "Task 'docs' has finished: Claude takes no more messages. Continue its session with:"
                + " run-task --resume-label \"docs \\\"v2\\\" \\$x\" --task-file FILE\n", 1), steer("docs", "-m", "more"));
        assertEquals(0, runner.getRequestCount());
    }

    @Test
    void anUnknownOrAmbiguousTargetIsRefusedAsCancelRefusesIt() throws Exception {
        assertEquals(new CliRun("", "No running task matches 'nothing'\n", 1), steer("nothing", "-m", "x"));
        run("auth refactor");
        run("auth docs", "Document auth");
        CliRun several = steer("auth", "-m", "x");
        assertEquals(1, several.exitCode());
        assertEquals("Several running tasks match 'auth':", several.err().lines().findFirst().orElseThrow());
        assertEquals("Steer one by its RUNNER_PID.", several.err().lines().reduce((a, b) -> b).orElseThrow());
        assertEquals(0, runner.getRequestCount());
    }

    @Test
    void badMessagesAreUsageErrorsAndNothingIsSent() throws Exception {
        run("auth refactor");
        assertEquals(new CliRun("", "The message is empty: give the text with -m TEXT or --file FILE\n"
                + "Usage: run-task steer [OPTIONS] TARGET\n"
                + "See 'run-task steer --help'.\n", 2), CliRun.run(state, "steer", "auth", "-m", " "));
        Path big = Files.write(state.resolve("big.txt"), new byte[256 * 1024 + 1]);
        assertEquals("The message file " + big + " is larger than 256 KiB: put the material into files in the project"
                + " and tell Claude where to find them", CliRun.run(state, "steer", "auth", "--file", big.toString())
                .err().lines().findFirst().orElseThrow());
        assertEquals(2, CliRun.run(state, "steer", "auth").exitCode(), "-m or --file is required");
        assertEquals(0, runner.getRequestCount());
    }

    @Test
    void theControlFileSitsBesideThePidFileAndGoesWithIt() throws Exception {
        PidFile pid = run("auth refactor");
        assertEquals(pid.path().resolveSibling(pid.path().getFileName().toString().replace(".pid", ".control")),
                pid.controlFile());
        pids.delete(pid);
        assertEquals(false, Files.exists(pid.controlFile()));
    }
}
