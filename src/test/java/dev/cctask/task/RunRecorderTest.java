package dev.cctask.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cctask.claude.BackgroundTask;
import dev.cctask.claude.RunOutcome;
import dev.cctask.claude.RunState;
import dev.cctask.claude.RunTotals;
import dev.cctask.claude.StreamParser;
import dev.cctask.delivery.LogLines;
import dev.cctask.registry.PidFile;
import dev.cctask.registry.PidFiles;
import dev.cctask.registry.Session;
import dev.cctask.registry.SessionRegistry;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunRecorderTest {
    @TempDir
    Path tmp;

    final List<String> log = new ArrayList<>();

    PidFiles pids() {
        return new PidFiles(tmp.resolve("pids"));
    }

    SessionRegistry registry() {
        return new SessionRegistry(tmp.resolve("state"), log::add);
    }

    RunRecorder start(PidFiles pids) throws Exception {
        return RunRecorder.start(pids, registry(), new SessionRegistry.Registration(null, "nightly", "Do the research",
                "/home/dev/project", "agent:main:main", "/tmp/cc-1.txt", "run-1", 4242), log::add);
    }

    /** The totals of a run whose one result reported 84 output tokens. */
    static RunTotals totals84() {
        RunState state = new RunState();
        new StreamParser(state).accept("{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,"
                + "\"result\":\"done\",\"usage\":{\"output_tokens\":84}}");
        return state.totals();
    }

    PidFile only(PidFiles pids) throws Exception {
        List<PidFile> files = pids.list();
        assertEquals(1, files.size(), files.toString());
        return files.get(0);
    }

    @Test
    void thePidFileTellsWhoRunsThenLearnsClaudeAndTheSessionBeforeTheRegistryAndGoesAtTheEnd() throws Exception {
        PidFiles pids = pids();
        RunRecorder recorder = start(pids);
        PidFile f = only(pids);
        assertEquals("Do the research", f.task());
        assertEquals(List.of("agent:main:main", "/tmp/cc-1.txt", "nightly", "run-1", "/home/dev/project"),
                List.of(f.sessionKey(), f.output(), f.label(), f.runId(), f.project()));

        recorder.claudeStarted(777);
        recorder.sessionStarted("sid-1");
        f = only(pids);
        assertEquals(777L, f.claudePid());
        assertEquals("sid-1", f.sessionId());
        Session s = registry().get("sid-1").orElseThrow();
        assertEquals("running", s.text("status"));
        assertEquals("nightly", s.text("label"));
        assertEquals(List.of(LogLines.sessionRegistered("sid-1")), log);

        recorder.close();
        assertEquals(List.of(), pids.list(), "the PID file is removed");
    }

    @Test
    void theEndIsRecordedUnderTheRegisteredSession() throws Exception {
        try (RunRecorder recorder = start(pids())) {
            recorder.sessionStarted("sid-1");
            recorder.finished(new RunOutcome(RunOutcome.Status.COMPLETED, true, 0, "done", false, Optional.empty()),
                    totals84());
        }
        Session s = registry().get("sid-1").orElseThrow();
        assertEquals("completed", s.text("status"));
        assertEquals(84, s.json().get("output_tokens").asLong());
        assertEquals(0, s.json().get("exit_code").asInt());
    }

    @Test
    void thePidFileListsTheBackgroundTasksOnOneLineAndAnIncompleteRunIsRecordedSo() throws Exception {
        PidFiles pids = pids();
        try (RunRecorder recorder = start(pids)) {
            recorder.sessionStarted("sid-1");
            recorder.backgroundTasks(List.of(new BackgroundTask("a1", "local_agent", "Run \"the\" matrix\nnow", "general-purpose",
                    "running"), new BackgroundTask("b2", null, null, null, "killed")));
            assertEquals("[{\"task_id\":\"a1\",\"type\":\"local_agent\",\"description\":\"Run \\\"the\\\" matrix\\nnow\","
                    + "\"subagent_type\":\"general-purpose\",\"status\":\"running\"},{\"task_id\":\"b2\",\"type\":null,"
                    + "\"description\":null,\"subagent_type\":null,\"status\":\"killed\"}]",
                    only(pids).field(PidFile.BACKGROUND_TASKS));
            recorder.finished(new RunOutcome(RunOutcome.Status.INCOMPLETE, false, 0, "done", false, Optional.empty()), totals84());
        }
        assertEquals("incomplete", registry().get("sid-1").orElseThrow().text("status"));
    }

    @Test
    void aPauseSaysPausedInTheRegistryAndUntilWhenInThePidFileAndTheResumeUndoesBoth() throws Exception {
        PidFiles pids = pids();
        try (RunRecorder recorder = start(pids)) {
            recorder.claudeStarted(777);
            recorder.sessionStarted("sid-1");
            LocalDateTime resumeAt = LocalDateTime.of(2026, 12, 3, 14, 5, 30);

            recorder.paused(resumeAt);
            assertEquals("paused", registry().get("sid-1").orElseThrow().status());
            PidFile f = only(pids);
            assertEquals(Optional.of(resumeAt), f.pausedUntil());
            assertEquals("2026-12-03T14:05:30", f.field(PidFile.PAUSED_UNTIL));
            assertEquals(null, f.claudePid(), "Claude exited: no PID to cancel or reconcile");

            recorder.resumed();
            recorder.sessionStarted("sid-1"); // the resumed attempt's init
            assertEquals("running", registry().get("sid-1").orElseThrow().status());
            assertEquals(Optional.empty(), only(pids).pausedUntil());
            assertEquals(List.of(LogLines.sessionRegistered("sid-1")), log, "registered once");
        }
    }

    @Test
    void aCrashMarksTheRegisteredEntryFailed() throws Exception {
        try (RunRecorder recorder = start(pids())) {
            recorder.sessionStarted("sid-1");
            recorder.crashed(12);
        }
        Session s = registry().get("sid-1").orElseThrow();
        assertEquals("failed", s.text("status"));
        assertEquals(12, s.json().get("output_tokens").asLong());
    }

    @Test
    void aRunThatNamedNoSessionLeavesNoRegistryEntry() throws Exception {
        try (RunRecorder recorder = start(pids())) {
            recorder.finished(RunOutcome.of(new RunState(), 1, "not logged in", false, false, null), new RunTotals());
            recorder.crashed(0);
        }
        assertTrue(registry().all().isEmpty());
        assertFalse(log.stream().anyMatch(l -> l.contains("registry")), log.toString());
    }
}
