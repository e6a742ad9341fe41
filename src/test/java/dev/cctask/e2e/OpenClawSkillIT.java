package dev.cctask.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code openclaw} CLI 2026.9.6 loads this SKILL.md from a throwaway workspace's {@code skills/} folder,
 * as a user's OpenClaw would: it recognises the skill, parses its description, emoji and {@code metadata.openclaw}
 * requirements, and holds it back while a required binary or config key is missing. No gateway is needed.
 */
class OpenClawSkillIT {
    private static final Path BASEDIR = Path.of(System.getProperty("project.basedir", ".")).toAbsolutePath();
    private static final String FULL_CONFIG = "{gateway: {mode: 'local', auth: {mode: 'token', token: 'skill-it'},"
            + " tools: {allow: ['sessions_send']}}, tools: {sessions: {visibility: 'all'}}}";
    private static final List<String> CONFIG_KEYS =
            List.of("gateway.auth.token", "gateway.tools.allow", "tools.sessions.visibility");

    private static E2ePeers peers;

    @TempDir
    Path dir;

    @BeforeAll
    static void peers() {
        peers = E2ePeers.locate();
    }

    /** Runs {@code openclaw <args> --json} with the skill installed in a fresh home; returns the parsed output. */
    private JsonNode openclaw(String config, boolean claudeOnPath, String... args) throws IOException {
        Path home = dir.resolve("home");
        Path stateDir = home.resolve(".openclaw");
        Path skill = Files.createDirectories(stateDir.resolve("workspace/skills/claude-code-task"));
        Files.copy(BASEDIR.resolve("SKILL.md"), skill.resolve("SKILL.md"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(stateDir.resolve("openclaw.json"), config, StandardCharsets.UTF_8);

        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow()).getParent();
        String path = peers.node24Bin() + ":" + java + (claudeOnPath ? ":" + peers.claudeBin().getParent() : "");
        Map<String, String> env = new TreeMap<>();
        env.put("PATH", path);
        env.put("LANG", "C");
        env.put("HOME", home.toString());
        env.put("OPENCLAW_HOME", home.toString());
        env.put("OPENCLAW_STATE_DIR", stateDir.toString());
        env.put("OPENCLAW_CONFIG_PATH", stateDir.resolve("openclaw.json").toString());
        env.put("OPENCLAW_NO_AUTO_UPDATE", "1");
        env.put("NO_COLOR", "1");
        List<String> cmd = new ArrayList<>(List.of(peers.openclawBin().toString(), "skills"));
        cmd.addAll(List.of(args));
        cmd.add("--json");
        try (Proc p = Proc.start(cmd, env, dir, dir.resolve("logs"), "openclaw-skills-" + args[0], null)) {
            int code = p.waitFor(Duration.ofSeconds(120));
            assertEquals(0, code, cmd + "\nstdout:\n" + p.stdout() + "\nstderr:\n" + p.stderr());
            return Json.parse(p.stdout());
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String description() throws IOException {
        Matcher m = Pattern.compile("(?m)^description: \"([^\"]+)\"$")
                .matcher(Files.readString(BASEDIR.resolve("SKILL.md"), StandardCharsets.UTF_8));
        assertTrue(m.find(), "no description line in SKILL.md");
        return m.group(1);
    }

    @Test
    void realOpenClawRecognisesTheSkillParsesItsRequirementsAndMakesItEligible() throws IOException {
        JsonNode info = openclaw(FULL_CONFIG, true, "info", "claude-code-task");

        assertEquals("claude-code-task", info.path("name").asText(), info.toString());
        assertEquals("openclaw-workspace", info.path("source").asText());
        assertEquals(description(), info.path("description").asText());
        assertEquals("🛠️", info.path("emoji").asText());
        assertEquals(List.of("java", "claude"), strings(info.path("requirements").path("bins")));
        assertEquals(CONFIG_KEYS, strings(info.path("requirements").path("config")));
        for (String kind : List.of("bins", "anyBins", "env", "config", "os")) {
            assertEquals(List.of(), strings(info.path("missing").path(kind)), kind + " missing: " + info);
        }
        assertTrue(info.path("eligible").asBoolean(), info.toString());
        assertTrue(info.path("modelVisible").asBoolean(), "the agent must see the skill: " + info);
    }

    @Test
    void skillIsHeldBackWhileConfigKeysItNeedsAreUnset() throws IOException {
        JsonNode list = openclaw("{gateway: {mode: 'local', auth: {mode: 'token', token: 'skill-it'}}}", true, "list");

        JsonNode skill = null;
        for (JsonNode s : list.path("skills")) {
            if (s.path("name").asText().equals("claude-code-task")) {
                skill = s;
            }
        }
        assertTrue(skill != null, "openclaw skills list does not show claude-code-task: " + list);
        assertFalse(skill.path("eligible").asBoolean(true), skill.toString());
        assertEquals(List.of("gateway.tools.allow", "tools.sessions.visibility"),
                strings(skill.path("missing").path("config")), skill.toString());
        assertEquals(List.of(), strings(skill.path("missing").path("bins")), skill.toString());
    }

    @Test
    void skillIsHeldBackWhileClaudeIsNotOnThePath() throws IOException {
        JsonNode info = openclaw(FULL_CONFIG, false, "info", "claude-code-task");

        assertFalse(info.path("eligible").asBoolean(true), info.toString());
        assertEquals(List.of("claude"), strings(info.path("missing").path("bins")), info.toString());
    }
}
