package dev.cctask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The parts of SKILL.md OpenClaw reads (frontmatter: name, description, {@code metadata.openclaw} as JSON5) and the
 * rules the agent must be taught. The real {@code openclaw} CLI reading it is checked by {@code e2e.OpenClawSkillIT}.
 */
class SkillFileTest {
    private static final JsonMapper JSON5 = JsonMapper.builder(JsonFactory.builder()
                    .enable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES, JsonReadFeature.ALLOW_TRAILING_COMMA,
                            JsonReadFeature.ALLOW_SINGLE_QUOTES, JsonReadFeature.ALLOW_JAVA_COMMENTS)
                    .build())
            .build();

    private static String skill() throws IOException {
        return Files.readString(DocsCommandsTest.BASEDIR.resolve("SKILL.md"), StandardCharsets.UTF_8);
    }

    /** The YAML frontmatter between the first two {@code ---} lines. */
    private static String frontmatter(String skill) {
        assertTrue(skill.startsWith("---\n"), "SKILL.md must start with YAML frontmatter");
        return skill.substring(4, skill.indexOf("\n---\n", 4));
    }

    @Test
    void frontmatterNamesTheSkillAndItsRequirements() throws IOException {
        String fm = frontmatter(skill());
        assertTrue(fm.contains("\nname: claude-code-task\n") || fm.startsWith("name: claude-code-task\n"), fm);
        Matcher description = Pattern.compile("(?m)^description: \"([^\"]+)\"$").matcher(fm);
        assertTrue(description.find(), "description must be one double-quoted line:\n" + fm);
        assertTrue(description.group(1).contains("Claude Code") && description.group(1).length() <= 600,
                description.group(1));

        JsonNode metadata = JSON5.readTree(fm.substring(fm.indexOf("\nmetadata:") + "\nmetadata:".length()));
        JsonNode openclaw = metadata.path("openclaw");
        assertEquals(List.of("java", "claude"), JSON5.convertValue(openclaw.path("requires").path("bins"), List.class));
        assertEquals(List.of("gateway.auth.token", "gateway.tools.allow", "tools.sessions.visibility"),
                JSON5.convertValue(openclaw.path("requires").path("config"), List.class));
        assertFalse(openclaw.path("emoji").asText("").isEmpty(), openclaw.toString());
    }

    @Test
    void everyLaunchUsesNohupATaskFileAndTheSessionKey() throws IOException {
        List<DocsCommandsTest.DocCommand> launches = DocsCommandsTest.commands("SKILL.md").stream()
                .filter(c -> c.text().contains("--task-file"))
                .toList();
        assertTrue(launches.size() >= 4, launches.toString());
        for (DocsCommandsTest.DocCommand c : launches) {
            assertTrue(c.text().startsWith("nohup {baseDir}/scripts/run-task --task-file /tmp/cc-prompt-"), c.toString());
            assertTrue(c.text().contains(" -s \"<session key>\""), c.toString());
            assertTrue(c.text().matches(".* > /tmp/cc-run-[a-z0-9-]+\\.log 2>&1 &"), c.toString());
        }
        for (DocsCommandsTest.DocCommand c : DocsCommandsTest.commands("SKILL.md")) {
            assertFalse(c.text().matches(".*(\\s-t\\s|--task\\s|--task=|\\$\\(cat).*"), "an inline prompt: " + c);
        }
    }

    @Test
    void theAgentIsToldToSteerARunningTaskWithTheMessageInAFile() throws IOException {
        String skill = skill();
        assertTrue(skill.contains("cheaper than cancel and relaunch"), "why steering beats cancelling");
        List<DocsCommandsTest.DocCommand> steers = DocsCommandsTest.commands("SKILL.md").stream()
                .filter(c -> c.text().contains(" steer ")).toList();
        assertEquals(List.of("{baseDir}/scripts/run-task steer \"auth refactor\" --file /tmp/cc-steer-auth.txt"),
                steers.stream().map(DocsCommandsTest.DocCommand::text).toList(), "the exact command, the text in a file");
    }

    @Test
    void theAgentIsToldHowToAnswerAWake() throws IOException {
        String skill = skill();
        for (String must : List.of("[CLAUDE_CODE_RESULT]", "`message`", "`NO_REPLY`", "session_status",
                "--resume-label", "--resume <session id>", "sessions list", "tasks", "cancel", "notify -m",
                "doctor")) {
            assertTrue(skill.contains(must), "SKILL.md does not mention " + must);
        }
    }

    @Test
    void theAgentLearnsTheLogCheckTheRootRowThePromptFilesPermissionsAndTheLabelRuleOnce() throws IOException {
        String skill = skill();
        assertTrue(skill.contains("You may check the log once, about a second after launching"
                + " (`sleep 1; cat /tmp/cc-run-auth.log`)"), "the one log check after launching");
        assertTrue(skill.contains("\n| `❌ … error` with `--dangerously-skip-permissions cannot be used with root/sudo"
                + " privileges` |"), "a When-things-go-wrong row for running as root");
        assertTrue(skill.contains("The file gets your umask's permissions") && skill.contains("mkdir -m 700"),
                "the prompt file's permissions and a private folder");
        assertEquals(1, skill.split("the exact label \\(ignoring\\s+case\\) wins", -1).length - 1,
                "the label rule, said once");
    }
}
