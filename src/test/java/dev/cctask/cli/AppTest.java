package dev.cctask.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cctask.support.CliRun;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AppTest {
    @TempDir
    Path state;

    @Test
    void versionComesFromTheBuild() {
        assertEquals(new CliRun("run-task 0.1.0\n", "", 0), CliRun.run(state, "--version"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"notify", "sessions", "sessions list", "tasks", "cancel", "steer", "deliver", "doctor",
        "completion"})
    void everySubcommandPrintsTheVersion(String command) {
        assertEquals(new CliRun("run-task 0.1.0\n", "", 0), CliRun.run(state, (command + " -V").split(" ")));
    }

    @Test
    void unknownOptionIsAUsageErrorWithExitTwo() {
        assertEquals(new CliRun("", "Unknown option: '--validate-only'\n"
                + "Usage: run-task [OPTIONS] [COMMAND]\n"
                + "See 'run-task --help'.\n", 2), CliRun.run(state, "--validate-only"));
    }

    @Test
    void aSubcommandsUsageErrorIsThreeShortLines() {
        assertEquals(new CliRun("", "Missing required parameter: 'ID'\n"
                + "Usage: run-task sessions show [OPTIONS] ID\n"
                + "See 'run-task sessions show --help'.\n", 2), CliRun.run(state, "sessions", "show"));
    }

    @Test
    void anArgumentStartingWithAtIsTakenAsItIsNeverAsAFileToExpand(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("notes.txt"), "--claude-bin\n/bin/false\n");
        CliRun r = CliRun.run(state, "--dry-run", "-p", dir.toString(), "-t", "@" + file);
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("  prompt:   " + ("@" + file).length() + " chars on stdin, the first stream-json user message"), r.out());
        assertEquals(1, CliRun.run(state, "sessions", "show", "@" + file).exitCode(),
                "the id is looked up as given, not read from the file");
    }

    @Test
    void helpListsEverySubcommand() {
        CliRun r = CliRun.runAndEnsureExitCodeOk(state, "--help");
        for (String name : java.util.List.of("notify", "sessions", "tasks", "cancel", "steer", "deliver", "doctor",
                "completion")) {
            assertTrue(r.out().contains("\n  " + name + " "), name + " missing from:\n" + r.out());
        }
    }

    @Test
    void notifyBuildsOnlyItsOwnCommandModel() {
        PrintWriter sink = new PrintWriter(new StringWriter());
        assertEquals(java.util.Set.of("notify"), App.commandLine(sink, sink, "notify").getSubcommands().keySet());
        assertEquals(10, App.commandLine(sink, sink, "tasks").getSubcommands().size());
        assertEquals(java.util.Set.of("approve"), App.commandLine(sink, sink, "approve").getSubcommands().keySet());
    }
}
