package dev.cctask.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.cctask.registry.SessionRegistry.Completion;
import dev.cctask.registry.SessionRegistry.Registration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionRegistryTest {
    static final LocalDateTime T0 = LocalDateTime.of(2026, 11, 24, 2, 15, 0, 123_456_789);

    @TempDir
    Path tmp;

    final List<String> warnings = new ArrayList<>();
    final MutableClock clock = new MutableClock(T0);

    SessionRegistry registry(Path stateDir) {
        return new SessionRegistry(stateDir, warnings::add, clock);
    }

    static Registration reg(String id, String label) {
        return new Registration(id, label, "Do the research", "/home/dev/project", "agent:main:main", "/tmp/cc-1.txt",
                "run-1", 4242);
    }

    static String text(Path f) throws IOException {
        return Files.readString(f);
    }

    @Test
    void firstRegistrationWritesTheEntryInSpecOrderWithPrivateModes() throws Exception {
        Path stateDir = tmp.resolve("state/nested");
        SessionRegistry r = registry(stateDir);
        r.register(reg("sid-1", "Research 🚀"));

        assertEquals("{\n"
                + "  \"sessions\": {\n"
                + "    \"sid-1\": {\n"
                + "      \"session_id\": \"sid-1\",\n"
                + "      \"label\": \"Research \\ud83d\\ude80\",\n"
                + "      \"task_summary\": \"Do the research\",\n"
                + "      \"project_dir\": \"/home/dev/project\",\n"
                + "      \"created_at\": \"2026-11-24T02:15:00.123456\",\n"
                + "      \"last_accessed\": \"2026-11-24T02:15:00.123456\",\n"
                + "      \"status\": \"running\",\n"
                + "      \"openclaw_session\": \"agent:main:main\",\n"
                + "      \"output_file\": \"/tmp/cc-1.txt\",\n"
                + "      \"cost_estimate\": null,\n"
                + "      \"run_id\": \"run-1\",\n"
                + "      \"runner_pid\": 4242\n"
                + "    }\n"
                + "  }\n"
                + "}", text(r.file()));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(r.file())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(stateDir)));
        assertEquals("Research 🚀", r.get("sid-1").orElseThrow().label());
        assertTrue(warnings.isEmpty());
    }

    @Test
    void timestampsWithoutMicrosecondsHaveNoFraction() throws Exception {
        clock.set(LocalDateTime.of(2026, 1, 2, 3, 4, 5));
        SessionRegistry r = registry(tmp);
        r.register(reg("sid", null));
        assertEquals("2026-01-02T03:04:05", r.get("sid").orElseThrow().text("created_at"));
        assertTrue(text(r.file()).contains("\"label\": null,"));
    }

    @Test
    void taskSummaryIsTwoHundredCodePointsAndProjectIsMadeAbsoluteLikePython() throws Exception {
        SessionRegistry r = registry(tmp);
        String task = "😀".repeat(250);
        r.register(new Registration("sid", null, task, "rel/./x/../y", null, "/o", "run", 1));
        Session s = r.get("sid").orElseThrow();
        assertEquals("😀".repeat(200), s.taskSummary());
        assertEquals(Path.of("").toAbsolutePath() + "/rel/x/../y", s.projectDir());
    }

    @Test
    void finishRecordsStatusCostAndExtrasInOrder() throws Exception {
        SessionRegistry r = registry(tmp);
        Registration reg = reg("sid-1", "Research");
        r.register(reg);
        clock.advance(Duration.ofMinutes(5));
        r.finish(reg, new Completion("completed", "sid-1", 0.0998, 0, 2, 5123L, 84L));

        String file = text(r.file());
        assertTrue(file.contains("      \"created_at\": \"2026-11-24T02:15:00.123456\",\n"
                + "      \"last_accessed\": \"2026-11-24T02:20:00.123456\",\n"
                + "      \"status\": \"completed\",\n"
                + "      \"openclaw_session\": \"agent:main:main\",\n"
                + "      \"output_file\": \"/tmp/cc-1.txt\",\n"
                + "      \"cost_estimate\": 0.0998,\n"
                + "      \"run_id\": \"run-1\",\n"
                + "      \"runner_pid\": 4242,\n"
                + "      \"exit_code\": 0,\n"
                + "      \"num_turns\": 2,\n"
                + "      \"duration_ms\": 5123,\n"
                + "      \"output_tokens\": 84\n"
                + "    }\n"), file);
    }

    @Test
    void unknownExtrasStayAbsentUntilKnown() throws Exception {
        SessionRegistry r = registry(tmp);
        Registration reg = reg("sid", null);
        r.finish(reg, new Completion("failed", null, null, 1, null, null, null));
        Session s = r.get("sid").orElseThrow();
        assertEquals(List.of("session_id", "label", "task_summary", "project_dir", "created_at", "last_accessed",
                "status", "openclaw_session", "output_file", "cost_estimate", "run_id", "runner_pid", "exit_code"),
                fieldNames(s));
        assertEquals("failed", s.status());
    }

    @Test
    void finishMovesTheEntryWhenTheResultNamesAnotherSession() throws Exception {
        SessionRegistry r = registry(tmp);
        Registration reg = reg("init-id", "L");
        r.register(reg);
        r.finish(reg, new Completion("completed", "result-id", 0.5, 0, 1, 10L, 3L));
        assertTrue(r.get("init-id").isEmpty());
        Session moved = r.get("result-id").orElseThrow();
        assertEquals("result-id", moved.text("session_id"));
        assertEquals("L", moved.label());
        assertEquals("2026-11-24T02:15:00.123456", moved.text("created_at"));
    }

    @Test
    void resumeUpdatesInPlaceKeepingCreatedAtLabelAndUnknownFields() throws Exception {
        Files.writeString(tmp.resolve(SessionRegistry.FILE_NAME), "{\"sessions\": {\"sid\": {"
                + "\"session_id\": \"sid\", \"label\": \"Old label\", \"task_summary\": \"old\", \"project_dir\": \"/p\","
                + "\"created_at\": \"2025-01-01T00:00:00\", \"last_accessed\": \"2025-01-01T00:00:00\", \"status\": \"completed\","
                + "\"openclaw_session\": null, \"output_file\": \"/o\", \"cost_estimate\": 0.25, \"custom\": [1],"
                + "\"run_id\": \"old-run\", \"runner_pid\": 1, \"exit_code\": 0, \"num_turns\": 3}}, \"other\": true}");
        SessionRegistry r = registry(tmp);
        r.register(reg("sid", null));
        Session s = r.get("sid").orElseThrow();
        assertEquals("Old label", s.label());
        assertEquals("2025-01-01T00:00:00", s.text("created_at"));
        assertEquals("Do the research", s.taskSummary());
        assertEquals("running", s.status());
        assertEquals("[1]", s.json().get("custom").toString());
        assertEquals(List.of("session_id", "label", "task_summary", "project_dir", "created_at", "last_accessed",
                "status", "openclaw_session", "output_file", "cost_estimate", "custom", "run_id", "runner_pid"),
                fieldNames(s));
        assertTrue(text(r.file()).endsWith("  },\n  \"other\": true\n}"), "top-level extras survive");

        r.register(reg("sid", "New label"));
        assertEquals("New label", r.get("sid").orElseThrow().label());
    }

    @Test
    void markLostSucceedsOnlyForTheRunningToLostTransition() throws Exception {
        SessionRegistry r = registry(tmp);
        r.register(reg("sid", null));
        clock.advance(Duration.ofSeconds(1));
        assertTrue(r.markLost("sid"));
        assertFalse(r.markLost("sid"));
        assertFalse(r.markLost("unknown"));
        Session s = r.get("sid").orElseThrow();
        assertEquals("lost", s.status());
        assertEquals("2026-11-24T02:15:01.123456", s.text("last_accessed"));
    }

    @Test
    void aPausedRunWhoseRunnerDiedIsLostToo() throws Exception {
        SessionRegistry r = registry(tmp);
        r.register(reg("sid", null));
        assertTrue(r.update("sid", java.util.Map.of("status", SessionRegistry.STATUS_PAUSED)));
        assertTrue(r.markLost("sid"));
        assertEquals("lost", r.get("sid").orElseThrow().status());
        r.register(reg("limited", null));
        r.finish(reg("limited", null), new SessionRegistry.Completion("limited", null, null, 1, null, null, null));
        assertFalse(r.markLost("limited"), "a run that stopped at the limit has ended");
    }

    @Test
    void recentIsNewestFirstAndSkipsUnparseableTimestamps() throws Exception {
        Files.writeString(tmp.resolve(SessionRegistry.FILE_NAME), "{\"sessions\": {"
                + "\"a\": {\"last_accessed\": \"2026-11-23T10:00:00\"},"
                + "\"old\": {\"last_accessed\": \"2026-11-20T02:15:00\"},"
                + "\"b\": {\"last_accessed\": \"2026-11-24T01:00:00.5\"},"
                + "\"bad\": {\"last_accessed\": \"yesterday\"},"
                + "\"none\": {},"
                + "\"notanobject\": 5,"
                + "\"c\": {\"last_accessed\": \"2026-11-21T02:16:00\"}}}");
        SessionRegistry r = registry(tmp);
        assertEquals(List.of("b", "a", "c"), ids(r.recent(72)));
        assertEquals(List.of("b"), ids(r.recent(2)));
    }

    @Test
    void getLeavesTheFileUntouched() throws Exception {
        SessionRegistry r = registry(tmp);
        r.register(reg("sid", null));
        String before = text(r.file());
        Files.setLastModifiedTime(r.file(), java.nio.file.attribute.FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        clock.advance(Duration.ofHours(1));
        assertTrue(r.get("sid").isPresent());
        r.recent(72);
        r.matchLabel("x");
        assertEquals(before, text(r.file()));
        assertEquals(Instant.parse("2020-01-01T00:00:00Z"), Files.getLastModifiedTime(r.file()).toInstant());
    }

    @Test
    void labelSearchPrefersExactMatchesIgnoresCaseAndToleratesNullLabels() throws Exception {
        Files.writeString(tmp.resolve(SessionRegistry.FILE_NAME), "{\"sessions\": {"
                + "\"n\": {\"label\": null},"
                + "\"m\": {},"
                + "\"long\": {\"label\": \"Research API v2\"},"
                + "\"exact\": {\"label\": \"research api\"},"
                + "\"dotless\": {\"label\": \"TITLE\"}}}");
        SessionRegistry r = registry(tmp);
        assertEquals(List.of("exact"), ids(r.matchLabel("RESEARCH API")));
        assertEquals(List.of("long"), ids(r.matchLabel("api v")));
        assertEquals(List.of("long", "exact"), ids(r.matchLabel("research")));
        assertTrue(r.matchLabel("nothing like it").isEmpty());
        assertEquals(List.of("n", "m"), ids(r.matchLabel("")), "empty text matches null and missing labels as \"\"");
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(Locale.forLanguageTag("tr"));
            assertEquals(List.of("dotless"), ids(r.matchLabel("title")));
        } finally {
            Locale.setDefault(saved);
        }
        assertEquals(List.of("research api", "Research API v2"), r.closestLabels("reserch api", 2));
    }

    @Test
    void cleanupRemovesOldAndUnparseableEntriesButKeepsRunningAndPausedOnes() throws Exception {
        Files.writeString(tmp.resolve(SessionRegistry.FILE_NAME), "{\"sessions\": {"
                + "\"old\": {\"status\": \"completed\", \"last_accessed\": \"2026-10-01T00:00:00\"},"
                + "\"oldRunning\": {\"status\": \"running\", \"last_accessed\": \"2026-10-01T00:00:00\"},"
                + "\"oldPaused\": {\"status\": \"paused\", \"last_accessed\": \"2026-10-01T00:00:00\"},"
                + "\"fresh\": {\"status\": \"failed\", \"last_accessed\": \"2026-11-20T00:00:00\"},"
                + "\"bad\": {\"status\": \"lost\", \"last_accessed\": \"?\"},"
                + "\"missing\": {\"status\": \"completed\"}}}");
        SessionRegistry r = registry(tmp);
        assertEquals(3, r.cleanup(30).size());
        assertEquals(List.of("oldRunning", "oldPaused", "fresh"), ids(r.all()));
        assertEquals(0, r.cleanup(30).size());
    }

    @Test
    void updateChangesOnlyExistingKeysLikeTheOriginal() throws Exception {
        SessionRegistry r = registry(tmp);
        r.register(reg("sid", null));
        clock.advance(Duration.ofSeconds(2));
        assertTrue(r.update("sid", Map.of("status", "completed", "invented", "x")));
        assertFalse(r.update("nope", Map.of("status", "completed")));
        Session s = r.get("sid").orElseThrow();
        assertEquals("completed", s.status());
        assertFalse(s.json().has("invented"));
        assertEquals("2026-11-24T02:15:02.123456", s.text("last_accessed"));
    }

    @Test
    void corruptFileIsQuarantinedReportedOnceAndReplaced() throws Exception {
        Path file = tmp.resolve(SessionRegistry.FILE_NAME);
        Files.writeString(file, "{\"sessions\": {\"x\": ");
        SessionRegistry r = registry(tmp);
        r.register(reg("sid", null));
        r.register(reg("sid2", null));
        Path quarantined = tmp.resolve("claude_sessions.json.corrupt-20261124-021500");
        assertEquals(List.of("⚠️ Registry was corrupt; moved to " + quarantined), warnings);
        assertEquals("{\"sessions\": {\"x\": ", text(quarantined));
        assertEquals(List.of("sid", "sid2"), ids(r.all()));
    }

    @Test
    void validJsonOfTheWrongShapeCountsAsCorrupt() throws Exception {
        for (String wrong : List.of("{\"foo\": 1}", "{\"sessions\": []}", "[]", "")) {
            Path dir = Files.createTempDirectory(tmp, "shape");
            Files.writeString(dir.resolve(SessionRegistry.FILE_NAME), wrong);
            warnings.clear();
            SessionRegistry r = registry(dir);
            assertEquals(List.of(), r.all(), wrong);
            assertEquals(1, warnings.size(), wrong);
            assertEquals("{\n  \"sessions\": {}\n}", text(r.file()), "a read quarantines and starts afresh: " + wrong);
            assertEquals(wrong, text(dir.resolve("claude_sessions.json.corrupt-20261124-021500")));
        }
    }

    @Test
    void missingStateDirReadsAsEmptyWithoutCreatingAnything() throws Exception {
        Path stateDir = tmp.resolve("absent");
        assertEquals(List.of(), registry(stateDir).recent(72));
        assertFalse(Files.exists(stateDir));
    }

    @Test
    void stateDirThatIsAFileFailsWithAnIoError() throws Exception {
        Path notADir = Files.writeString(tmp.resolve("file"), "x");
        SessionRegistry r = registry(notADir);
        assertThrows(IOException.class, () -> r.register(reg("sid", null)));
        assertEquals("x", text(notADir));
    }

    @Test
    void readOnlyStateDirFailsWithAnIoErrorAndKeepsTheOldFile() throws Exception {
        SessionRegistry r = registry(tmp);
        r.register(reg("sid", null));
        String before = text(r.file());
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("r-x------"));
        try {
            // root (CAP_DAC_OVERRIDE) writes anyway; stateDirThatIsAFileFailsWithAnIoError covers the error path there
            assumeFalse(Files.isWritable(tmp), "this user can write into read-only directories");
            assertThrows(IOException.class, () -> r.register(reg("sid2", null)));
        } finally {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx------"));
        }
        assertEquals(before, text(r.file()));
    }

    @Test
    void noTempFilesAreLeftBehind() throws Exception {
        SessionRegistry r = registry(tmp);
        r.register(reg("sid", null));
        r.markLost("sid");
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(List.of("claude_sessions.json", "claude_sessions.json.lock"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    static List<String> ids(List<Session> sessions) {
        return sessions.stream().map(Session::id).toList();
    }

    static List<String> fieldNames(Session s) {
        List<String> names = new ArrayList<>();
        s.json().fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** A clock the test moves by hand, in the system zone (timestamps are naive local time). */
    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(LocalDateTime start) {
            set(start);
        }

        void set(LocalDateTime t) {
            now = t.atZone(ZoneId.systemDefault()).toInstant();
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneId.systemDefault();
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
