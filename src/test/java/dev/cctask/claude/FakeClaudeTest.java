package dev.cctask.claude;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** examples/fake-claude names its session like the real CLI: a new id per run, the resumed id on --resume. */
class FakeClaudeTest {
    private static final Pattern SESSION_ID = Pattern.compile("\"session_id\":\"([^\"]*)\"");
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");

    /** The distinct session ids of one replay of the demo transcript. */
    private static Set<String> sessionIds(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of(Fixtures.fakeClaude().toString(), "-p"));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().remove("FAKE_CLAUDE_TRANSCRIPT");
        pb.environment().remove("FAKE_CLAUDE_SESSION_ID");
        pb.environment().put("FAKE_CLAUDE_DELAY", "0");
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        Set<String> ids = new java.util.TreeSet<>();
        Matcher m = SESSION_ID.matcher(out);
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    @Test
    void everyRunOfTheDemoTranscriptGetsAFreshUuid() throws Exception {
        Set<String> first = sessionIds(Map.of());
        Set<String> second = sessionIds(Map.of());
        assertEquals(1, first.size(), first.toString());
        assertTrue(UUID.matcher(first.iterator().next()).matches(), first.toString());
        assertNotEquals(first, second);
    }

    @Test
    void resumeKeepsTheResumedIdAndTheEnvironmentCanFixOne() throws Exception {
        String resumed = "11111111-2222-4333-8444-555555555555";
        assertEquals(Set.of(resumed), sessionIds(Map.of(), "--resume", resumed));
        assertEquals(Set.of("fixed-id"), sessionIds(Map.of("FAKE_CLAUDE_SESSION_ID", "fixed-id"), "--resume", resumed));
    }

    @Test
    void aTranscriptWithLiteralIdsKeepsThem() throws Exception {
        assertEquals(Set.of("bb27ef18-6f34-4fe4-8f95-ea52f704dffe"),
                sessionIds(Map.of("FAKE_CLAUDE_TRANSCRIPT", Fixtures.transcript("basic.jsonl").toString())));
    }
}
