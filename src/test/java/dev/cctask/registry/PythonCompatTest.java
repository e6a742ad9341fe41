package dev.cctask.registry;

import dev.cctask.support.PythonCheck;
import dev.cctask.PythonJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cctask.registry.SessionRegistry.Completion;
import dev.cctask.registry.SessionRegistry.Registration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files written by the port keep working with the Python skill's registry functions (SPEC §8.3, acceptance 36),
 * and files Python rewrites are byte-identical to what the port would write.
 */
class PythonCompatTest {
    @TempDir
    Path stateDir;

    Path reader;
    final List<String> warnings = new ArrayList<>();

    @BeforeEach
    void needsPython() throws Exception {
        assumeTrue(PythonCheck.available(), "python3 not on PATH");
        reader = Path.of(getClass().getResource("/registry/session_registry_reader.py").toURI());
    }

    String python(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(stateDir.resolve(SessionRegistry.FILE_NAME).toString()));
        all.addAll(List.of(args));
        return PythonCheck.runFile(reader, all.toArray(String[]::new));
    }

    static Registration reg(String id, String label) {
        return new Registration(id, label, "Task for " + id + " ✓", "/home/dev/p", "agent:main:main", "/tmp/o.txt",
                "run-" + id, 100);
    }

    /** Three sessions: completed with extras (oldest), running with an emoji label, lost (newest), all recent. */
    void writeWithJava() throws Exception {
        SessionRegistryTest.MutableClock clock = new SessionRegistryTest.MutableClock(LocalDateTime.now().minusHours(3));
        SessionRegistry r = new SessionRegistry(stateDir, warnings::add, clock);
        r.register(reg("done", "Research"));
        r.finish(reg("done", "Research"), new Completion("completed", "done", 0.0005, 0, 2, 1234L, 84L));
        clock.set(LocalDateTime.now().minusHours(2));
        r.register(reg("running", "Deploy 🚀 bot"));
        clock.set(LocalDateTime.now().minusHours(1));
        r.register(reg("gone", "Crashy"));
        assertTrue(r.markLost("gone"));
    }

    @Test
    void originalFunctionsReadWhatThePortWrote() throws Exception {
        writeWithJava();
        assertEquals("[\"gone\", \"running\", \"done\"]", python("list", "72"));
        // (argv stays ASCII: under LANG=C the JVM cannot pass other characters to a child)
        assertEquals("\"running\"", python("find", "DEPLOY"));
        assertEquals("\"done\"", python("find", "RESEARCH"));
        JsonNode entry = PythonJson.mapper().readTree(python("get", "done"));
        assertEquals(0.0005, entry.get("cost_estimate").doubleValue());
        assertEquals(84, entry.get("output_tokens").intValue());
        assertEquals("Task for done ✓", entry.get("task_summary").textValue());
    }

    @Test
    void filesPythonRewritesAreByteIdenticalToOurFormatAndStayReadable() throws Exception {
        writeWithJava();
        assertEquals("true", python("update", "running", "status=\"completed\"", "invented=1"));
        Path file = stateDir.resolve(SessionRegistry.FILE_NAME);
        String pythonText = Files.readString(file);
        assertEquals(pythonText, PythonJson.write(PythonJson.mapper().readTree(pythonText)));

        SessionRegistry r = new SessionRegistry(stateDir, warnings::add);
        Session s = r.get("running").orElseThrow();
        assertEquals("completed", s.status());
        assertEquals("Deploy 🚀 bot", s.label());
        assertEquals(List.of("session_id", "label", "task_summary", "project_dir", "created_at", "last_accessed",
                "status", "openclaw_session", "output_file", "cost_estimate", "run_id", "runner_pid"),
                SessionRegistryTest.fieldNames(s));
        assertTrue(warnings.isEmpty());
    }

    @Test
    void theOriginalFunctionsReadPausedAndLimitedRuns() throws Exception {
        SessionRegistry r = new SessionRegistry(stateDir, warnings::add);
        r.register(reg("waiting", "Nightly"));
        r.update("waiting", java.util.Map.of("status", SessionRegistry.STATUS_PAUSED));
        r.register(reg("stopped", "Weekly"));
        r.finish(reg("stopped", "Weekly"), new Completion("limited", "stopped", 0.02, 1, 3, 900L, 40L));
        assertEquals("\"waiting\"", python("find", "NIGHTLY"));
        assertEquals("paused", PythonJson.mapper().readTree(python("get", "waiting")).get("status").textValue());
        assertEquals("limited", PythonJson.mapper().readTree(python("get", "stopped")).get("status").textValue());
        assertEquals(2, PythonJson.mapper().readTree(python("list", "72")).size());
    }

    @Test
    void pythonCleanupAndOurNullLabelsCoexist() throws Exception {
        SessionRegistryTest.MutableClock clock = new SessionRegistryTest.MutableClock(LocalDateTime.now().minusDays(40));
        SessionRegistry r = new SessionRegistry(stateDir, warnings::add, clock);
        r.finish(reg("ancient", null), new Completion("failed", null, null, 1, null, null, null));
        clock.set(LocalDateTime.now());
        r.register(reg("fresh", null));
        assertEquals("[\"fresh\"]", python("list", "72"));
        assertEquals("1", python("cleanup", "30"));
        assertEquals(List.of("fresh"), SessionRegistryTest.ids(r.all()));
        assertTrue(Files.readString(r.file()).startsWith(
                "{\n  \"sessions\": {\n    \"fresh\": {\n      \"session_id\": \"fresh\",\n      \"label\": null,\n"));
    }
}
