package dev.cctask.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cctask.support.FakeGateway;
import dev.cctask.support.RunTaskProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --worktree} (issue 19): a run works on its own branch in its own worktree under the state dir; the project's
 * checkout is untouched, the final message counts the branch's changes, a resume continues there, and cleaning up
 * keeps a worktree that holds work. Also the warning for two runs in one folder.
 */
class WorktreeProcessTest {
    static final String KEY = "agent:main:telegram:group:-1001234567890";
    static final Map<String, String> GIT_IDENTITY = Map.of("GIT_AUTHOR_NAME", "Test", "GIT_AUTHOR_EMAIL", "t@example.com",
            "GIT_COMMITTER_NAME", "Test", "GIT_COMMITTER_EMAIL", "t@example.com");

    @TempDir
    Path sandbox;

    FakeGateway gateway;
    RunTaskProcess runTask;
    Path project;

    @BeforeEach
    void setUp() throws Exception {
        runTask = new RunTaskProcess(sandbox);
        gateway = runTask.gateway();
        project = runTask.project();
        GIT_IDENTITY.forEach(runTask::env);
        runTask.transcript("basic.jsonl");
    }

    @AfterEach
    void tearDown() throws Exception {
        runTask.close();
    }

    /** The project as a repository with one commit: README.md = "hello\n". Returns the commit. */
    private String repository() throws Exception {
        Files.createDirectories(project);
        git(project, "init", "-q");
        Files.writeString(project.resolve("README.md"), "hello\n");
        git(project, "add", "README.md");
        git(project, "commit", "-qm", "first");
        return git(project, "rev-parse", "HEAD");
    }

    /** Where the worktree named {@code name} of the project's repository lives. */
    private Path worktree(String name) throws Exception {
        Path top = project.toRealPath();
        byte[] d = MessageDigest.getInstance("SHA-256").digest(top.toString().getBytes(StandardCharsets.UTF_8));
        return runTask.stateDir().resolve("claude-code-task/worktrees/project-" + HexFormat.of().formatHex(d, 0, 4))
                .resolve(name);
    }

    private String[] args(String... extra) {
        List<String> a = new ArrayList<>(List.of("-t", "Run echo hi with Bash", "-s", KEY));
        a.addAll(List.of(extra));
        return runTask.args(a.toArray(String[]::new));
    }

    @Test
    void aWorktreeRunWorksOnItsOwnBranchLeavesTheCheckoutAloneAndResumesThere() throws Exception {
        String head = repository();
        Path go = sandbox.resolve("go");
        // Claude edits a tracked file, commits a new one, and waits until the test has seen the PID file
        runTask.env("FAKE_CLAUDE_RUN", "echo more >> README.md && printf 'a\\nb\\n' > notes.txt && git add notes.txt"
                + " && git commit -qm notes; while [ ! -e " + go + " ]; do sleep 0.05; done");
        Process run = runTask.start(args("--session-label", "Auth refactor", "--worktree"));
        Path wt = worktree("auth-refactor");
        assertEquals(wt.toString(), runTask.awaitPidFileField("worktree"));
        assertEquals("cc/auth-refactor", runTask.awaitPidFileField("branch"));
        Files.createFile(go);
        RunTaskProcess.Result r = runTask.finish(run, Duration.ofSeconds(60));
        assertEquals(0, r.exitCode(), r.toString());

        String branchLine = "Branch: cc/auth-refactor · 2 files changed, +3 −0 (uncommitted: 1)";
        List<String> texts = gateway.messageTexts();
        assertTrue(texts.get(0).startsWith("📡 🚀 *Claude Code started*\n*Label:* Auth refactor\n*Project:* " + project
                + "\n*Branch:* cc/auth-refactor\n*Timeout:* 120min\n"), texts.get(0));
        assertEquals("✅ Claude Code task complete!\n\nLabel: Auth refactor\nTask: Run echo hi with Bash\nProject: "
                + project + "\n" + branchLine + "\nResult (29 chars):\n\nDone: the command printed hi.\n\n"
                + "Cost: $0.10 · 2 turns · 84 tok\nFull output: " + runTask.output(), texts.get(texts.size() - 1));
        assertTrue(r.stderr().contains("\n🌿 Working in the worktree " + wt + " on the new branch cc/auth-refactor (from "
                + head.substring(0, 7) + ")\n"), r.stderr());

        assertEquals("", git(project, "status", "--porcelain"), "the main checkout is untouched");
        assertEquals(head, git(project, "rev-parse", "HEAD"));
        assertEquals("hello\n", Files.readString(project.resolve("README.md")));
        assertEquals("notes", git(project, "log", "-1", "--format=%s", "cc/auth-refactor"), "the commit is on the branch");
        assertEquals("hello\nmore\n", Files.readString(wt.resolve("README.md")));
        JsonNode entry = runTask.registryEntry();
        assertEquals(project.toString(), entry.path("project_dir").asText());
        assertEquals(wt.toString(), entry.path("worktree").asText());
        assertEquals("cc/auth-refactor", entry.path("branch").asText());
        assertEquals(head, entry.path("base").asText());

        // --resume-label continues in the same worktree
        Path env = sandbox.resolve("env.txt");
        runTask.env("FAKE_CLAUDE_RUN", null).env("FAKE_CLAUDE_ENV_FILE", env.toString()).transcript("resume.jsonl");
        RunTaskProcess.Result resumed = runTask.run(Duration.ofSeconds(60), "-t", "Go on", "--resume-label", "auth",
                "-s", KEY, "-o", sandbox.resolve("out2.txt").toString(), "--claude-bin",
                RunTaskProcess.FAKE_CLAUDE.toString(), "--pid-dir", runTask.pidDir().toString());
        assertEquals(0, resumed.exitCode(), resumed.toString());
        assertTrue(Files.readAllLines(env).contains("PWD=" + wt), "resumed in the worktree");
        assertTrue(resumed.stderr().contains("\n🌿 Working in the worktree " + wt + " on the branch cc/auth-refactor\n"),
                resumed.stderr());
        texts = gateway.messageTexts();
        assertTrue(texts.get(texts.size() - 1).contains("\nProject: " + project + "\n" + branchLine + "\n"),
                texts.get(texts.size() - 1));

        // a worktree removed by hand is made again from its branch: the commit is there, the forced-away edit not
        git(project, "worktree", "remove", "--force", wt.toString());
        RunTaskProcess.Result again = runTask.run(Duration.ofSeconds(60), "-t", "Go on", "--resume-label", "auth",
                "-s", KEY, "-o", sandbox.resolve("out3.txt").toString(), "--claude-bin",
                RunTaskProcess.FAKE_CLAUDE.toString(), "--pid-dir", runTask.pidDir().toString());
        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(again.stderr().contains("\n🌿 Working in the worktree " + wt + " on the branch cc/auth-refactor"
                + " (recreated from the branch)\n"), again.stderr());
        assertEquals("a\nb\n", Files.readString(wt.resolve("notes.txt")));
        texts = gateway.messageTexts();
        assertTrue(texts.get(texts.size() - 1).contains("\nBranch: cc/auth-refactor · 1 file changed, +2 −0\n"),
                texts.get(texts.size() - 1));
        runTask.assertNoPidFiles();
    }

    @Test
    void dryRunNamesTheBranchAndTheWorktreeItWouldUse() throws Exception {
        String head = repository();
        RunTaskProcess.Result r = runTask.run(Duration.ofSeconds(30), args("--worktree", "fix-login", "--dry-run"));
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("\n  cwd:      " + worktree("fix-login") + "\n  worktree: new branch cc/fix-login"
                + " from HEAD (" + head.substring(0, 7) + ") of " + project.toRealPath() + "\n"), r.stdout());
        assertFalse(Files.exists(worktree("fix-login")), "a dry run makes nothing");
        assertEquals("", git(project, "branch", "--list", "cc/*"));
    }

    @Test
    void withoutARepositoryOrACommitAWorktreeLaunchIsOneLineExitTwoAndStartsNothing() throws Exception {
        Files.createDirectories(project);
        RunTaskProcess.Result none = runTask.run(Duration.ofSeconds(30), args("--worktree"));
        assertEquals(2, none.exitCode(), none.toString());
        assertEquals("--worktree needs a git repository, and " + project + " is not in one: run git init and commit"
                + " there first, or leave out --worktree\n", none.stderr());

        git(project, "init", "-q");
        RunTaskProcess.Result empty = runTask.run(Duration.ofSeconds(30), args("--worktree"));
        assertEquals(2, empty.exitCode(), empty.toString());
        assertEquals("--worktree needs a commit to start from, and the repository " + project.toRealPath()
                + " has none yet: commit once there first\n", empty.stderr());

        repository();
        RunTaskProcess.Result base = runTask.run(Duration.ofSeconds(30), args("--worktree", "--base", "nope"));
        assertEquals(2, base.exitCode(), base.toString());
        assertEquals("--base nope is not a commit of " + project.toRealPath() + ": name a branch, tag or commit\n",
                base.stderr());

        assertFalse(Files.exists(runTask.output()), "no output file");
        runTask.assertNoPidFiles();
        assertEquals(List.of("❌ Claude Code not started: --worktree needs a git repository, and " + project
                + " is not in one: run git init and commit there first, or leave out --worktree"),
                gateway.messageTexts().subList(0, 1));
        assertFalse(Files.exists(runTask.stateDir().resolve("claude-code-task/worktrees")));
    }

    /** basic.jsonl with {@code @SESSION_ID@}: each run gets a session of its own. */
    private void sessionPerRun() throws IOException {
        Path transcript = sandbox.resolve("per-run.jsonl");
        Files.writeString(transcript, Files.readString(RunTaskProcess.FIXTURES.resolve("basic.jsonl"))
                .replace("bb27ef18-6f34-4fe4-8f95-ea52f704dffe", "@SESSION_ID@"));
        runTask.env("FAKE_CLAUDE_TRANSCRIPT", transcript.toString());
    }

    @Test
    void cleanupRemovesACleanWorktreeKeepsADirtyOneAndNeverABranch() throws Exception {
        repository();
        sessionPerRun();
        RunTaskProcess.Result clean = runTask.run(Duration.ofSeconds(60), args("--worktree", "clean"));
        assertEquals(0, clean.exitCode(), clean.toString());
        runTask.env("FAKE_CLAUDE_RUN", "echo draft > scratch.txt");
        RunTaskProcess.Result dirty = runTask.run(Duration.ofSeconds(60), args("--worktree", "dirty", "-o",
                sandbox.resolve("out2.txt").toString()));
        assertEquals(0, dirty.exitCode(), dirty.toString());
        assertTrue(gateway.messageTexts().get(gateway.messageTexts().size() - 1)
                .contains("\nBranch: cc/dirty · 1 file changed, +1 −0 (uncommitted: 1)\n"));

        RunTaskProcess.Result r = runTask.run(Duration.ofSeconds(60), "sessions", "cleanup", "--days", "0",
                "--worktrees");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("Removed 2 session(s)\nRemoved 1 worktree(s); their branches are kept\nKept the worktree "
                + worktree("dirty") + " (branch cc/dirty): 1 uncommitted change(s); commit or discard them, then:"
                + " git worktree remove " + worktree("dirty") + "\n", r.stdout());
        assertFalse(Files.exists(worktree("clean")));
        assertEquals("draft\n", Files.readString(worktree("dirty").resolve("scratch.txt")));
        assertEquals("cc/clean\ncc/dirty", git(project, "branch", "--list", "cc/*", "--format=%(refname:short)"));
    }

    @Test
    void aRunInAFolderWhereAnotherRunWorksIsWarnedToUseAWorktree() throws Exception {
        Path go = sandbox.resolve("go");
        runTask.env("FAKE_CLAUDE_RUN", "while [ ! -e " + go + " ]; do sleep 0.05; done");
        Process first = runTask.start(args("--session-label", "research"));
        runTask.awaitPidFileField("claude_pid");
        Process second = runTask.start(args("-o", sandbox.resolve("out2.txt").toString()));
        String warning = "⚠ another task is working in this folder: \"research\" (PID " + first.pid() + "); use"
                + " --worktree to keep them apart";
        RunTaskProcess.await("the second start message", () -> gateway.messageTexts().stream()
                .anyMatch(t -> t.contains("*PID:* " + second.pid() + "\n")));
        Files.createFile(go);
        RunTaskProcess.Result r = runTask.finish(second, Duration.ofSeconds(60));
        assertEquals(0, runTask.finish(first, Duration.ofSeconds(60)).exitCode());
        assertEquals(0, r.exitCode(), r.toString());
        String start = gateway.messageTexts().stream().filter(t -> t.contains("*PID:* " + second.pid() + "\n"))
                .findFirst().orElseThrow();
        assertTrue(start.endsWith("*PID:* " + second.pid() + "\n" + warning + "\nPrompt: Run echo hi with Bash"), start);
        assertTrue(r.stderr().contains("\n" + warning + "\n"), r.stderr());
        String firstStart = gateway.messageTexts().stream().filter(t -> t.contains("*PID:* " + first.pid() + "\n"))
                .findFirst().orElseThrow();
        assertFalse(firstStart.contains("⚠"), firstStart);
    }

    private String git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("git"));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(GIT_IDENTITY);
        pb.environment().put("HOME", runTask.home().toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "git " + argv + ": " + out);
        return out.stripTrailing();
    }
}
