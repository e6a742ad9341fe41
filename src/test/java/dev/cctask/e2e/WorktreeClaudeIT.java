package dev.cctask.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --worktree} with the real Claude Code CLI 2.1.330 against the mock Messages API (issue 19): Claude's Bash
 * tool runs in the run's own worktree, the project's checkout stays as it was, and the result counts the branch.
 */
class WorktreeClaudeIT {
    static final String KEY = "agent:main:telegram:group:-1001234567890";
    private static final Duration RUN_LIMIT = Duration.ofSeconds(150);
    private static final Map<String, String> GIT_IDENTITY = Map.of("GIT_AUTHOR_NAME", "E2E", "GIT_AUTHOR_EMAIL",
            "e2e@example.com", "GIT_COMMITTER_NAME", "E2E", "GIT_COMMITTER_EMAIL", "e2e@example.com");

    private static E2ePeers peers;

    @TempDir
    Path dir;

    private MockAnthropic mock;
    private MockGateway gateway;
    private Path project;
    private Path state;
    private Path config;
    private final List<Proc> procs = new ArrayList<>();

    @BeforeAll
    static void peers() {
        peers = E2ePeers.locate();
        RunTask.jar();
    }

    @BeforeEach
    void setUp() throws IOException {
        mock = new MockAnthropic();
        gateway = new MockGateway();
        project = dir.resolve("project");
        state = dir.resolve("state");
        config = gateway.writeConfig(dir.resolve("openclaw/openclaw.json"));
        Files.createDirectories(dir.resolve("home"));
        Files.createDirectories(dir.resolve("tmp"));
    }

    @AfterEach
    void tearDown() {
        procs.forEach(Proc::close);
        mock.close();
        gateway.close();
    }

    @Test
    void claudeWorksInTheRunsOwnWorktreeAndTheResultCountsItsBranch() throws Exception {
        Files.createDirectories(project);
        Files.writeString(project.resolve("README.md"), "hello\n");
        git("init", "-q");
        git("add", "README.md");
        git("commit", "-qm", "first");
        String head = git("rev-parse", "HEAD");
        mock.toolCommand("echo hi | tee made-by-claude.txt");
        String task = "Run echo hi with Bash and keep a copy in made-by-claude.txt";
        Path out = dir.resolve("out.txt");

        Proc run = runTask("worktree", "-t", task, "-p", project.toString(), "-s", KEY, "-o", out.toString(),
                "--session-label", "e2e worktree", "--worktree");
        int exit = run.waitFor(RUN_LIMIT);

        assertEquals(0, exit, run.stderr());
        JsonNode entry = RunTask.registry(state).path("sessions").elements().next();
        Path worktree = Path.of(entry.path("worktree").asText());
        assertTrue(worktree.startsWith(state.resolve("claude-code-task/worktrees")), worktree.toString());
        assertEquals("cc/e2e-worktree", entry.path("branch").asText());
        assertEquals(head, entry.path("base").asText());
        assertEquals("hi\n", Files.readString(worktree.resolve("made-by-claude.txt")), "Claude's Bash ran in the worktree");
        assertFalse(Files.exists(project.resolve("made-by-claude.txt")));
        assertEquals("", git("status", "--porcelain"), "the project's checkout is untouched");
        assertEquals(head, git("rev-parse", "HEAD"));

        List<String> messages = gateway.messages();
        assertTrue(messages.get(0).startsWith("📡 🚀 *Claude Code started*\n*Label:* e2e worktree\n*Project:* " + project
                + "\n*Branch:* cc/e2e-worktree\n"), messages.get(0));
        String done = messages.stream().filter(m -> m.startsWith("✅ ")).findFirst().orElseThrow();
        assertTrue(done.startsWith("✅ Claude Code task complete!\n\nLabel: e2e worktree\nTask: " + task + "\nProject: "
                + project + "\nBranch: cc/e2e-worktree · 1 file changed, +1 −0 (uncommitted: 1)\nResult (29 chars):\n"),
                done);
        assertTrue(run.stderr().contains("🌿 Working in the worktree " + worktree + " on the new branch cc/e2e-worktree"
                + " (from " + head.substring(0, 7) + ")"), run.stderr());
    }

    private String git(String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("git"));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).directory(project.toFile()).redirectErrorStream(true);
        pb.environment().putAll(GIT_IDENTITY);
        pb.environment().put("HOME", dir.resolve("home").toString());
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "git " + argv + ": " + output);
        return output.strip();
    }

    private Proc runTask(String name, String... args) {
        Map<String, String> env = new TreeMap<>(mock.claudeEnv(dir.resolve("home"), dir.resolve("tmp")));
        env.put("OPENCLAW_CONFIG_PATH", config.toString());
        env.put("OPENCLAW_STATE_DIR", state.toString());
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--claude-bin", peers.claudeBin().toString(), "--pid-dir", dir.resolve("pids").toString()));
        Proc p = RunTask.start(dir, name, env, all);
        procs.add(p);
        return p;
    }
}
