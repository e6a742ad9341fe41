package dev.cctask.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cctask.PythonJson;
import dev.cctask.registry.IsoLocal;
import dev.cctask.registry.SessionRegistry;
import dev.cctask.support.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionsCommandTest {
    @TempDir
    Path state;

    Path file;
    String fiveHoursAgo;

    @BeforeEach
    void registry() throws Exception {
        LocalDateTime now = LocalDateTime.now();
        fiveHoursAgo = IsoLocal.format(now.minusHours(5));
        file = state.resolve(SessionRegistry.FILE_NAME);
        Files.writeString(file, "{\"sessions\": {"
                + entry("sid-old", "Ancient", "completed", IsoLocal.format(now.minusDays(40)), "null") + ","
                + entry("sid-api", "Research API v2", "completed", IsoLocal.format(now.minusHours(2)), "0.1") + ","
                + entry("sid-rocket", "Deploy 🚀", "running", fiveHoursAgo, "null") + ","
                + "\"sid-nolabel\": {\"session_id\": \"sid-nolabel\", \"label\": null, \"status\": \"failed\","
                + "\"last_accessed\": \"" + IsoLocal.format(now.minusHours(1)) + "\", \"task_summary\": \"x\\ny\"}}}");
    }

    static String entry(String id, String label, String status, String lastAccessed, String cost) {
        return "\"" + id + "\": {\"session_id\": \"" + id + "\", \"label\": \"" + label + "\", \"task_summary\": \"Task of "
                + id + " " + "y".repeat(80) + "\", \"project_dir\": \"/p/" + id + "\", \"created_at\": \"" + lastAccessed
                + "\", \"last_accessed\": \"" + lastAccessed + "\", \"status\": \"" + status
                + "\", \"openclaw_session\": null, \"output_file\": \"/tmp/o\", \"cost_estimate\": " + cost + "}";
    }

    CliRun run(String... args) {
        return CliRun.run(state, args);
    }

    @Test
    void listPrintsAnAlignedTableNewestFirst() {
        CliRun r = run("sessions", "list");
        assertEquals(0, r.exitCode(), r::toString);
        List<String> lines = r.out().lines().toList();
        assertEquals(4, lines.size(), r::toString);
        String header = lines.get(0);
        assertTrue(header.startsWith("SESSION_ID   STATUS     LAST_ACCESSED     AGE  LABEL            PROJECT"), header);
        assertTrue(lines.get(1).startsWith("sid-nolabel  failed     "), lines.get(1));
        assertTrue(lines.get(2).startsWith("sid-api      completed  "), lines.get(2));
        assertTrue(lines.get(3).startsWith("sid-rocket   running    "), lines.get(3));
        int label = header.indexOf("LABEL");
        assertEquals("-      ", lines.get(1).substring(label, label + 7), "null label");
        assertTrue(lines.get(2).substring(label).startsWith("Research API v2  /p/sid-api     $0.10  Task of sid-api yyy"), r.out());
        assertTrue(lines.get(2).endsWith("y".repeat(60 - "Task of sid-api ".length())), "task cut to 60 code points");
        assertTrue(lines.get(1).endsWith("x y"), "newline in a task shown as a space");
        assertTrue(lines.get(3).contains(" 5h   "), lines.get(3));
        assertEquals("", r.err());
    }

    @Test
    void listHoursNarrowsTheWindowAndJsonIsTheEntries() throws Exception {
        CliRun r = run("sessions", "list", "--hours", "3", "--json");
        assertEquals(0, r.exitCode(), r::toString);
        JsonNode array = PythonJson.mapper().readTree(r.out());
        List<String> ids = new ArrayList<>();
        array.forEach(e -> ids.add(e.get("session_id").textValue()));
        assertEquals(List.of("sid-nolabel", "sid-api"), ids);
        assertEquals(PythonJson.pretty(array) + "\n", r.out(), "Python indent=2 layout");
        assertTrue(run("sessions", "list", "--json").out().contains("\"label\": \"Deploy 🚀\""), "UTF-8, not \\u escapes");
    }

    @Test
    void emptyListSaysSo() {
        CliRun r = run("sessions", "list", "--hours", "0");
        assertEquals(0, r.exitCode());
        assertEquals("No sessions in the last 0 hour(s)\n", r.out());
    }

    @Test
    void showPrintsTheEntryAndLeavesTheFileAlone() throws Exception {
        String before = Files.readString(file);
        CliRun r = run("sessions", "show", "sid-rocket");
        assertEquals(0, r.exitCode(), r::toString);
        JsonNode expected = PythonJson.mapper().readTree(before).get("sessions").get("sid-rocket");
        assertEquals(PythonJson.pretty(expected) + "\n", r.out());
        assertTrue(r.out().contains("\"last_accessed\": \"" + fiveHoursAgo + "\""));
        assertEquals(before, Files.readString(file), "show does not touch last_accessed [P12]");
        assertEquals(r.out(), run("sessions", "show", "--json", "deploy").out(), "a label works too");
    }

    @Test
    void showOfAnUnknownSessionExitsOneWithTheClosestLabels() {
        CliRun r = run("sessions", "show", "reserch api");
        assertEquals(1, r.exitCode());
        assertEquals("", r.out());
        assertEquals("No session reserch api\nClosest labels: 'Research API v2', 'Deploy 🚀', 'Ancient'\n", r.err());
    }

    @Test
    void findPrefersExactLabelsAndToleratesNullLabels() throws Exception {
        CliRun r = run("sessions", "find", "API");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().lines().toList().get(1).startsWith("sid-api "), r.out());
        CliRun json = run("sessions", "find", "--json", "deploy 🚀");
        assertEquals("sid-rocket", PythonJson.mapper().readTree(json.out()).get("session_id").textValue());
    }

    @Test
    void findWithSeveralPartialMatchesListsThemAllNewestFirstAndExitsOne() throws Exception {
        LocalDateTime now = LocalDateTime.now();
        String older = IsoLocal.format(now.minusHours(3));
        String newer = IsoLocal.format(now.minusHours(1));
        Files.writeString(file, "{\"sessions\": {" + entry("sid-refactor", "auth refactor", "completed", older, "null")
                + "," + entry("sid-docs", "auth docs", "completed", newer, "null") + "}}");

        CliRun r = run("sessions", "find", "auth");

        assertEquals(1, r.exitCode(), r::toString);
        List<String> lines = r.out().lines().toList();
        assertEquals(3, lines.size(), r.out());
        assertTrue(lines.get(1).startsWith("sid-docs "), r.out());
        assertTrue(lines.get(2).startsWith("sid-refactor "), r.out());
        assertEquals("'auth' matches 2 sessions (newest first); give the session id or a more exact label\n", r.err());
        CliRun json = run("sessions", "find", "auth", "--json");
        assertEquals(1, json.exitCode());
        assertEquals("sid-docs", PythonJson.mapper().readTree(json.out()).get(0).get("session_id").textValue());
        CliRun show = run("sessions", "show", "auth");
        assertEquals(1, show.exitCode());
        assertEquals("", show.out());
        assertEquals("'auth' matches 2 sessions (newest first); give the session id or a more exact label:\n"
                + "  sid-docs  " + newer.substring(0, 16).replace('T', ' ') + "  completed  auth docs  /p/sid-docs\n"
                + "  sid-refactor  " + older.substring(0, 16).replace('T', ' ')
                + "  completed  auth refactor  /p/sid-refactor\n", show.err());
        CliRun exact = run("sessions", "find", "AUTH REFACTOR");
        assertEquals(0, exact.exitCode(), exact::toString);
        assertTrue(exact.out().lines().toList().get(1).startsWith("sid-refactor "), exact.out());
    }

    @Test
    void findWithoutMatchExitsOne() {
        CliRun r = run("sessions", "find", "deploi");
        assertEquals(1, r.exitCode());
        assertEquals("No session matches 'deploi'\nClosest labels: 'Deploy 🚀', 'Ancient', 'Research API v2'\n", r.err());
    }

    @Test
    void cleanupRemovesOldSessionsOnly() throws Exception {
        CliRun r = run("sessions", "cleanup", "--days", "1");
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("Removed 1 session(s)\n", r.out());
        assertTrue(!Files.readString(file).contains("sid-old") && Files.readString(file).contains("sid-rocket"));
    }

    @Test
    void negativeCleanupAgeIsAUsageErrorAndKeepsEverySession() throws Exception {
        String before = Files.readString(file);
        CliRun r = run("sessions", "cleanup", "--days", "-1");
        assertEquals(2, r.exitCode(), r::toString);
        assertEquals("--days must not be negative (was -1): give an age in days; 0 removes every session that is not"
                + " running\nUsage: run-task sessions cleanup [OPTIONS]\nSee 'run-task sessions cleanup --help'.\n", r.err());
        assertEquals("", r.out());
        assertEquals(before, Files.readString(file));
    }

    @Test
    void corruptRegistryIsReportedAndListedAsEmpty() throws Exception {
        Files.writeString(file, "{oops");
        CliRun r = run("sessions", "list");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.err().startsWith("⚠️ Registry was corrupt; moved to " + state.resolve("claude_sessions.json.corrupt-")),
                r.err());
        assertEquals("No sessions in the last 72 hour(s)\n", r.out());
    }

    @Test
    void sessionsAloneIsAUsageError() {
        CliRun r = run("sessions");
        assertEquals(2, r.exitCode());
        assertEquals("Missing required subcommand\nUsage: run-task sessions [OPTIONS] [COMMAND]\n"
                + "See 'run-task sessions --help'.\n", r.err());
    }
}
