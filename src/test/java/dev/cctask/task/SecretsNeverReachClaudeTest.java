package dev.cctask.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.cctask.support.FakeGateway;
import dev.cctask.support.RunTaskProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway token, and every variable a gateway secret is read from, stay out of Claude's environment. */
class SecretsNeverReachClaudeTest {
    static final String KEY = "agent:main:telegram:group:-1001234567890";
    /** Each variable a secret may come from, with a value that would be the secret. */
    static final Map<String, String> SECRETS = Map.of(
            "OPENCLAW_GATEWAY_TOKEN", "secret-from-the-default-variable",
            "OPENCLAW_GATEWAY_PASSWORD", "secret-from-the-password-variable",
            "MY_TOKEN_ENV", FakeGateway.TOKEN, // --token-env
            "CONFIG_TOKEN", "secret-substituted-in-gateway.auth.token",
            "CONFIG_PASSWORD", "secret-substituted-in-gateway.auth.password",
            "HOOKS_SECRET", "secret-of-an-env-secretref-in-hooks.token");

    @TempDir
    Path sandbox;

    Process runner;
    Path grandchildPid;

    @AfterEach
    void stopEverythingStarted() throws Exception {
        if (runner != null) {
            runner.descendants().forEach(ProcessHandle::destroyForcibly);
            runner.destroyForcibly();
        }
        if (grandchildPid != null && Files.exists(grandchildPid) && !Files.readString(grandchildPid).isBlank()) {
            ProcessHandle.of(Long.parseLong(Files.readString(grandchildPid).strip()))
                    .filter(h -> h.info().command().orElse("").endsWith("sleep")).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void neitherClaudeNorItsGrandchildInheritsAVariableASecretComesFrom() throws Exception {
        try (FakeGateway gateway = new FakeGateway()) {
            RunTaskProcess runTask = new RunTaskProcess(sandbox);
            Files.createDirectories(runTask.stateDir());
            Files.writeString(runTask.stateDir().resolve("openclaw.json"), "{gateway: {port: " + gateway.port()
                    + ", auth: {token: '${CONFIG_TOKEN}', password: 'x${CONFIG_PASSWORD}'}},"
                    + " hooks: {enabled: true, token: {source: 'env', provider: 'default', id: 'HOOKS_SECRET'}}}");
            SECRETS.forEach(runTask::env);
            runTask.env("UNRELATED_SETTING", "kept");
            Path childPid = sandbox.resolve("child.pid");
            grandchildPid = sandbox.resolve("grandchild.pid");
            Path claude = sandbox.resolve("claude-with-grandchild");
            Files.writeString(claude, "#!/bin/bash\n"
                    + "echo $$ >" + childPid + "\n"
                    + "sleep 300 </dev/null >/dev/null 2>&1 &\n"
                    + "echo $! >" + grandchildPid + "\n"
                    + "exec " + RunTaskProcess.FAKE_CLAUDE + " \"$@\"\n");
            Files.setPosixFilePermissions(claude, PosixFilePermissions.fromString("rwx------"));
            runTask.env("FAKE_CLAUDE_TRANSCRIPT", runTask.unfinishedTranscript().toString())
                    .env("FAKE_CLAUDE_SLEEP_AFTER", "300");

            runner = runTask.start(runTask.args("-t", "Print your environment", "-s", KEY, "--token-env", "MY_TOKEN_ENV",
                    "--claude-bin", claude.toString()));
            for (Path pidFile : List.of(childPid, grandchildPid)) {
                Map<String, String> environ = environ(Long.parseLong(RunTaskProcess.awaitText(pidFile)));
                for (String name : SECRETS.keySet()) {
                    assertFalse(environ.containsKey(name), name + " reached " + pidFile.getFileName());
                }
                for (String value : SECRETS.values()) {
                    assertFalse(environ.containsValue(value), "a secret value reached " + pidFile.getFileName());
                }
                assertEquals("kept", environ.get("UNRELATED_SETTING"), "everything else is inherited");
            }
            runner.destroy();
            assertEquals(1, runTask.finish(runner, Duration.ofSeconds(60)).exitCode());
        }
    }

    /**
     * The live process's environment, from {@code /proc/<pid>/environ}. Read while the process is in the middle of
     * an exec (the script execs fake-claude, the grandchild execs sleep) the file is briefly empty: read again.
     */
    private static Map<String, String> environ(long pid) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            String raw = Files.readString(Path.of("/proc", Long.toString(pid), "environ"), StandardCharsets.ISO_8859_1);
            Map<String, String> vars = new TreeMap<>();
            Arrays.stream(raw.split("\0")).filter(v -> v.contains("="))
                    .forEach(v -> vars.put(v.substring(0, v.indexOf('=')), v.substring(v.indexOf('=') + 1)));
            if (vars.containsKey("PATH") || System.nanoTime() > end) {
                return vars;
            }
            Thread.sleep(20);
        }
    }
}
