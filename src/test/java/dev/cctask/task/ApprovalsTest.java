package dev.cctask.task;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ApprovalsTest {
    @Test
    void alwaysKeepsClaudesSuggestionsToThisSessionSoNothingIsWrittenIntoTheProject() throws Exception {
        // the suggestions of the recorded Bash request (stdin-permission-prompts.txt): as given, the CLI wrote the
        // rule into the project's .claude/settings.local.json
        String recorded = "[{\"type\":\"addRules\",\"rules\":[{\"toolName\":\"Bash\",\"ruleContent\":\"touch made-by-bash *\"}],"
                + "\"behavior\":\"allow\",\"destination\":\"localSettings\"},{\"type\":\"addDirectories\","
                + "\"directories\":[\"/tmp/obs-XXXX/project\"],\"destination\":\"session\"},{\"type\":\"setMode\","
                + "\"mode\":\"acceptEdits\",\"destination\":\"session\"}]";
        assertEquals(recorded.replace("localSettings", "session"),
                Approvals.forThisRun(new ObjectMapper().readTree(recorded)).toString());
    }
}
