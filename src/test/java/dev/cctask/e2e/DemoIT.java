package dev.cctask.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code examples/demo}, as a new user runs it from the checkout: the pretend gateway shows the start message,
 * heartbeats, the result and the wake; the runner's log is shown; nothing is left behind. Needs the built jar
 * (hence an IT) but no real peer.
 */
class DemoIT {
    private static final Path BASEDIR = Path.of(System.getProperty("project.basedir", ".")).toAbsolutePath();

    @TempDir
    Path tmp;

    @Test
    void demoShowsLaunchHeartbeatsResultAndWakeAndCleansUp() throws IOException {
        RunTask.jar();
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow()).getParent();
        Map<String, String> env = new TreeMap<>();
        env.put("PATH", java + ":/usr/bin:/bin");
        env.put("LANG", "C");
        env.put("HOME", Files.createDirectories(tmp.resolve("home")).toString());
        env.put("TMPDIR", Files.createDirectories(tmp.resolve("tmp")).toString());

        try (Proc demo = Proc.start(List.of(BASEDIR.resolve("examples/demo").toString()), env, BASEDIR,
                tmp.resolve("logs"), "demo", null)) {
            int exit = demo.waitFor(Duration.ofSeconds(120));
            String out = demo.stdout();
            String err = demo.stderr();
            String shown = "stdout:\n" + out + "\nstderr:\n" + err;

            assertEquals(0, exit, shown);
            assertTrue(out.contains("💬 chat telegram -1001234567890\n   │ 📡 🚀 *Claude Code started*\n"
                    + "   │ *Label:* demo\n"), shown);
            assertTrue(Pattern.compile("(?m)^   │ 📡 🟢 CC \\(0min\\) \\| .+$").matcher(out).find(), "a heartbeat: " + shown);
            assertTrue(out.contains("💬 chat telegram -1001234567890\n   │ ✅ Claude Code task complete!\n"), shown);
            assertTrue(out.contains("   │ Cost: $0.10 · 2 turns · 84 tok\n"), shown);
            assertTrue(out.contains("🔔 wake agent:main:telegram:group:-1001234567890 (the agent would now summarise"
                    + " the result in the chat)\n   │ [CLAUDE_CODE_RESULT]\n"), shown);
            assertTrue(out.contains("demo: run-task exited with 0; the output file held:\n"
                    + "   │ Done: the command printed hi.\n"), shown);
            assertTrue(out.indexOf("🚀") < out.indexOf("✅ Claude Code task complete!")
                    && out.indexOf("✅ Claude Code task complete!") < out.indexOf("🔔 wake"), shown);
            assertTrue(err.contains("log │ 🔧 Starting Claude Code...\n"), shown);
            assertTrue(err.contains("log │ ✓ Agent notified via sessions_send\n"), shown);
        }
        try (Stream<Path> left = Files.list(tmp.resolve("tmp"))) {
            assertEquals(List.of(), left.toList(), "the demo left files behind");
        }
        String tmpDir = tmp.resolve("tmp").toString();
        assertTrue(ProcessHandle.allProcesses().noneMatch(p -> p.info().arguments().map(List::of).orElse(List.of())
                .stream().anyMatch(a -> a.startsWith(tmpDir))), "the pretend gateway is still running");
    }
}
