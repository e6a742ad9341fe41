package dev.cctask.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cctask.support.CliRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code run-task completion}: the generated script, sourced in a real bash, completes commands and options. */
class CompletionCommandTest {
    @TempDir
    Path dir;

    private Path script() throws IOException {
        CliRun r = CliRun.run(dir, "completion", "bash");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().startsWith("#!/usr/bin/env bash\n"), r.out());
        Path file = dir.resolve("run-task.bash");
        Files.writeString(file, r.out(), StandardCharsets.UTF_8);
        return file;
    }

    /** What bash offers for the words typed so far (the last word is the one being completed). */
    private String complete(Path script, String... words) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", "source \"$0\"; COMP_WORDS=(\"$@\");"
                + " COMP_CWORD=$(($# - 1)); COMP_LINE=\"$*\"; COMP_POINT=${#COMP_LINE}; COMPREPLY=();"
                + " _complete_run-task 2>/dev/null; echo \"${COMPREPLY[*]}\"", script.toString()));
        cmd.addAll(List.of(words));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return out;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "run-task d              | deny deliver doctor",
        "run-task doctor --s     | --session",
        "run-task sessions l     | list",
        "run-task --wa           | --wake",
        "run-task --att          | --attach",
        "run-task --attach a     | auto always",
        "run-task --approval-t   | --approval-timeout",
        "run-task --task-f       | --task-file",
        "run-task --on           | --on-limit",
        "run-task --max-pau      | --max-pause",
        "run-task --on-limit s   | stop",
        "run-task --permis       | --permissions",
        "run-task --permissions a | ask",
        "run-task ap             | approve",
        "run-task approve x 1 --a | --always",
        "run-task notify --b     | --bg",
        "run-task completion z   | zsh",
        "run-task --workt        | --worktree",
        "run-task --max-par      | --max-parallel",
        "run-task sessions cleanup --w | --worktrees",
    })
    void sourcedScriptCompletesSubcommandsAndTheirOwnOptions(String typed, String offered) throws Exception {
        assertEquals(offered, complete(script(), typed.split(" ")));
    }

    @Test
    void zshGetsTheSameScriptAndOtherShellsAreAUsageError() {
        CliRun bash = CliRun.run(dir, "completion");
        CliRun zsh = CliRun.run(dir, "completion", "zsh");
        assertEquals(0, zsh.exitCode());
        assertEquals(bash.out(), zsh.out());
        assertTrue(zsh.out().contains("ZSH_VERSION"), "the script enables bashcompinit under zsh");

        CliRun fish = CliRun.run(dir, "completion", "fish");
        assertEquals(2, fish.exitCode(), fish.toString());
        assertEquals("Invalid value for positional parameter at index 0 (SHELL): expected one of [bash, zsh]"
                + " (case-sensitive) but was 'fish'\nUsage: run-task completion [OPTIONS] [SHELL]\n"
                + "See 'run-task completion --help'.\n", fish.err());
    }
}
