package dev.cctask.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cctask.Env;
import dev.cctask.support.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --worktree}, {@code --base}, {@code --max-parallel} and {@code CCTASK_MAX_PARALLEL} given wrong (issue 19). */
class ParallelOptionsTest {
    static final String USAGE = "Usage: run-task [OPTIONS] [COMMAND]\nSee 'run-task --help'.\n";

    @TempDir
    Path tmp;

    final Map<String, String> vars = new HashMap<>();

    private CliRun run(String... extra) {
        vars.put("OPENCLAW_STATE_DIR", tmp.resolve("state").toString());
        vars.put("PATH", "/usr/bin:/bin");
        List<String> a = new ArrayList<>(List.of("-t", "x", "-p", tmp.resolve("project").toString(), "--claude-bin",
                "/bin/true", "--pid-dir", tmp.resolve("pids").toString()));
        a.addAll(List.of(extra));
        return CliRun.run(new Env(Map.copyOf(vars), tmp.resolve("home")), a.toArray(String[]::new));
    }

    private void assertRefused(CliRun r, String stderr) {
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals(stderr, r.err());
        assertFalse(Files.exists(tmp.resolve("project")), "project created");
        assertFalse(Files.exists(tmp.resolve("pids")), "PID dir created");
    }

    @Test
    void theLimitComesFromTheOptionElseTheVariableAndMustBeFromZeroTo64() {
        assertRefused(run("--max-parallel", "65"), "--max-parallel must be from 0 (no limit) to 64 (was 65)\n" + USAGE);
        assertRefused(run("--max-parallel", "-1"), "--max-parallel must be from 0 (no limit) to 64 (was -1)\n" + USAGE);
        vars.put("CCTASK_MAX_PARALLEL", "lots");
        assertRefused(run(), "CCTASK_MAX_PARALLEL=lots is not a number from 0 (no limit) to 64: set it to how many"
                + " Claude processes may run at once, or unset it for 4\n");
        assertEquals(0, run("--max-parallel", "0", "--dry-run").exitCode(), "the option wins over the variable");
    }

    @Test
    void baseNeedsWorktreeAndAWorktreeNameMustMakeABranchName() {
        assertRefused(run("--base", "main"),
                "--base needs --worktree: it names the commit the worktree's branch starts from\n" + USAGE);
        assertRefused(run("--worktree", "a b"), "--worktree a b cannot name the branch cc/a b: use letters, digits,"
                + " '.', '_' and '-' (at most 100, the first a letter or digit)\n" + USAGE);
        assertRefused(run("--worktree=..x"), "--worktree ..x cannot name the branch cc/..x: use letters, digits,"
                + " '.', '_' and '-' (at most 100, the first a letter or digit)\n" + USAGE);
    }

    @Test
    void worktreeWithoutANameIsAFlagBeforeAnotherOption() {
        CliRun r = run("--worktree", "--dry-run");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("--worktree needs a git repository, and "), r.err());
    }
}
