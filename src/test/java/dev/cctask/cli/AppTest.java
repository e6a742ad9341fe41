package dev.cctask.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AppTest {
    @Test
    void versionComesFromTheBuild() {
        StringWriter out = new StringWriter();
        int code = App.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "--version");
        assertEquals(0, code);
        assertEquals("run-task 0.1.0", out.toString().strip());
    }

    @ParameterizedTest
    @ValueSource(strings = {"notify", "sessions", "sessions list", "tasks", "cancel", "deliver", "doctor", "completion"})
    void everySubcommandPrintsTheVersion(String command) {
        StringWriter out = new StringWriter();
        String[] args = (command + " -V").split(" ");
        assertEquals(0, App.run(new PrintWriter(out), new PrintWriter(new StringWriter()), args));
        assertEquals("run-task 0.1.0", out.toString().strip());
    }

    @Test
    void unknownOptionIsAUsageErrorWithExitTwo() {
        StringWriter err = new StringWriter();
        int code = App.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "--validate-only");
        assertEquals(2, code);
        assertEquals("Unknown option: '--validate-only'\n"
                + "Usage: run-task [OPTIONS] [COMMAND]\n"
                + "See 'run-task --help'.\n", err.toString());
    }

    @Test
    void aSubcommandsUsageErrorIsThreeShortLines() {
        StringWriter err = new StringWriter();
        assertEquals(2, App.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "sessions", "show"));
        assertEquals("Missing required parameter: 'ID'\n"
                + "Usage: run-task sessions show [OPTIONS] ID\n"
                + "See 'run-task sessions show --help'.\n", err.toString());
    }

    @Test
    void anArgumentStartingWithAtIsTakenAsItIsNeverAsAFileToExpand(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("notes.txt"), "--claude-bin\n/bin/false\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = App.run(new PrintWriter(out), new PrintWriter(err), "--dry-run", "-p", dir.toString(), "-t",
                "@" + file);
        assertEquals(0, code, err.toString());
        assertTrue(out.toString().contains("  prompt:   " + ("@" + file).length() + " chars on stdin\n"), out.toString());
        assertEquals(1, App.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "sessions", "show",
                "@" + file), "the id is looked up as given, not read from the file");
    }

    @Test
    void helpListsEverySubcommand() {
        StringWriter out = new StringWriter();
        assertEquals(0, App.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "--help"));
        for (String name : java.util.List.of("notify", "sessions", "tasks", "cancel", "deliver", "doctor", "completion")) {
            assertTrue(out.toString().contains("\n  " + name + " "), name + " missing from:\n" + out);
        }
    }

    @Test
    void notifyBuildsOnlyItsOwnCommandModel() {
        PrintWriter sink = new PrintWriter(new StringWriter());
        assertEquals(java.util.Set.of("notify"), App.commandLine(sink, sink, "notify").getSubcommands().keySet());
        assertEquals(7, App.commandLine(sink, sink, "tasks").getSubcommands().size());
    }
}
