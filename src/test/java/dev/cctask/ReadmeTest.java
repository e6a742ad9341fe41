package dev.cctask;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** What a new user reads first in README.md works as written and promises nothing untrue. */
class ReadmeTest {
    private static String readme() throws IOException {
        return Files.readString(DocsCommandsTest.BASEDIR.resolve("README.md"), StandardCharsets.UTF_8);
    }

    private static String section(String text, String heading) {
        int start = text.indexOf("\n## " + heading + "\n");
        assertTrue(start >= 0, "no section " + heading);
        int end = text.indexOf("\n## ", start + 1);
        return text.substring(start, end < 0 ? text.length() : end);
    }

    @Test
    void quickStartSaysWhatTheFullTestRunNeeds() throws IOException {
        String quickStart = section(readme(), "Quick start").replaceAll("\\s+", " ");
        for (String need : new String[] {"Java 17", "Maven", "Node.js and npm", "access to the npm and Maven registries",
                "about 1.2 GB of disk", "about 7 minutes the first time"}) {
            assertTrue(quickStart.contains(need), "Quick start does not say: " + need);
        }
    }

    @Test
    void installationHasNoPlaceholderToFillIn() throws IOException {
        String installation = section(readme(), "Installation");
        assertFalse(installation.contains("OWNER"), installation);
        assertTrue(installation.contains("\ncp -r . ~/.openclaw/workspace/skills/claude-code-task\n"), installation);
    }

    @Test
    void telegramProgressIsSaidToBeSoundlessNotSilent() throws IOException {
        String readme = readme();
        assertFalse(readme.contains("silent on Telegram"), "reads as \"not sent\"");
        assertTrue(readme.contains("Start (best effort; no notification sound on Telegram):"));
    }
}
