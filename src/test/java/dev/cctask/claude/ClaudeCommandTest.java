package dev.cctask.claude;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cctask.Env;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClaudeCommandTest {
    @TempDir
    Path tmp;

    @Test
    void argvIsTheFixedTwoWayFlagsThenResumeThenExtras() {
        assertEquals(List.of("/bin/claude", "-p", "--dangerously-skip-permissions", "--verbose", "--input-format",
                "stream-json", "--output-format", "stream-json", "--include-partial-messages"),
                ClaudeCommand.argv("/bin/claude", null, List.of()));
        assertEquals(List.of("claude", "-p", "--dangerously-skip-permissions", "--verbose", "--input-format",
                "stream-json", "--output-format", "stream-json", "--include-partial-messages", "--resume", "abc",
                "--model", "sonnet"), ClaudeCommand.argv("claude", "abc", List.of("--model", "sonnet")));
        assertEquals(9, ClaudeCommand.argv("claude", "", List.of()).size(), "empty resume id adds nothing");
    }

    @Test
    void askAndEditsReplaceTheBypassWithAModeThatAsksOnStdinAndDenyTheControlFolderAndTheAnswerCommands() {
        List<String> deny = List.of("Read(//run/pids/**)", "Edit(//run/pids/**)", "Write(//run/pids/**)",
                "Bash(run-task approve:*)", "Bash(run-task deny:*)");
        List<String> ask = new java.util.ArrayList<>(List.of("claude", "-p", "--permission-mode", "default",
                "--permission-prompt-tool", "stdio", "--disallowedTools"));
        ask.addAll(deny);
        ask.addAll(List.of("--verbose", "--input-format", "stream-json", "--output-format", "stream-json",
                "--include-partial-messages", "--model", "sonnet"));
        assertEquals(ask, ClaudeCommand.argv("claude", null, Permissions.ASK, "/run/pids", List.of("--model", "sonnet")));
        List<String> edits = ClaudeCommand.argv("claude", null, Permissions.EDITS, "/run/pids", List.of());
        assertEquals(List.of("--permission-mode", "acceptEdits", "--permission-prompt-tool", "stdio"),
                edits.subList(2, 6), "every request goes to the runner: none waits for a terminal");
        assertEquals(ClaudeCommand.argv("claude", "abc", List.of()),
                ClaudeCommand.argv("claude", "abc", Permissions.BYPASS, "/run/pids", List.of()), "bypass: as before");
    }

    private Path executable(String dir, String name) throws IOException {
        Path d = Files.createDirectories(tmp.resolve(dir));
        return Files.createFile(d.resolve(name), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
    }

    private Env env(Map<String, String> vars) {
        return new Env(vars, tmp.resolve("home"));
    }

    @Test
    void claudeStopsBackgroundTasksOnlyAtACeilingTheUserSetToOtherThanZero() {
        assertFalse(ClaudeCommand.stopsBackground(null), "unset: run-task gives Claude 0, wait for them");
        assertFalse(ClaudeCommand.stopsBackground("0"));
        assertFalse(ClaudeCommand.stopsBackground(" 0 "));
        assertTrue(ClaudeCommand.stopsBackground("5000"));
        assertTrue(ClaudeCommand.stopsBackground("soon"), "a value Claude cannot read leaves its 10-minute default");
    }

    @Test
    void flagBeatsEnvironmentWhichBeatsPath() throws IOException {
        Path flag = executable("flag", "claude");
        Path fromEnv = executable("env", "claude");
        Path onPath = executable("path", "claude");
        Map<String, String> vars = Map.of("CLAUDE_BIN", fromEnv.toString(), "PATH", "/nonexistent:" + onPath.getParent());
        assertEquals(flag, ClaudeCommand.resolveExecutable(flag.toString(), env(vars)));
        assertEquals(fromEnv, ClaudeCommand.resolveExecutable(null, env(vars)));
        assertEquals(onPath, ClaudeCommand.resolveExecutable(" ", env(Map.of("PATH", "/nonexistent:" + onPath.getParent()))));
    }

    @Test
    void bareNamesAreLookedUpOnPathAndTildeIsExpanded() throws IOException {
        Path other = executable("bin2", "claude-2");
        assertEquals(other, ClaudeCommand.resolveExecutable("claude-2", env(Map.of("PATH", other.getParent().toString()))));
        Path inHome = executable("home/.local/bin", "claude");
        assertEquals(inHome, ClaudeCommand.resolveExecutable("~/.local/bin/claude", env(Map.of())));
    }

    @Test
    void missingOrNonExecutableIsNotFoundWithTheExactMessage() throws IOException {
        Path plain = Files.createFile(tmp.resolve("claude"));
        Files.createDirectories(tmp.resolve("dir/claude"));
        Map<String, String> vars = Map.of("PATH", tmp + ":" + tmp.resolve("dir"));
        ClaudeNotFoundException e = assertThrows(ClaudeNotFoundException.class,
                () -> ClaudeCommand.resolveExecutable(null, env(vars)));
        assertEquals("Claude executable not found: claude", e.getMessage());
        e = assertThrows(ClaudeNotFoundException.class,
                () -> ClaudeCommand.resolveExecutable(plain.toString(), env(vars)));
        assertEquals("Claude executable not found: " + plain, e.getMessage());
        e = assertThrows(ClaudeNotFoundException.class, () -> ClaudeCommand.resolveExecutable(null, env(Map.of())));
        assertEquals("Claude executable not found: claude", e.getMessage());
        String hint = e.hint();
        assertTrue(hint.contains("PATH") && hint.contains("--claude-bin") && hint.contains("CLAUDE_BIN")
                && hint.contains("cron") && hint.contains("NVM"), hint);
    }
}
