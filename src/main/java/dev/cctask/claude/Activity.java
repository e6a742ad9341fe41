package dev.cctask.claude;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cctask.Text;
import java.util.Locale;

/** The activity strings of SPEC §3.1–3.2, byte for byte (emoji code points per SPEC §5.6). */
public final class Activity {
    /** {@code 🧠 Thinking...} (U+1F9E0). */
    public static final String THINKING = "\uD83E\uDDE0 Thinking...";
    /** {@code ✍️ Writing...} (U+270D U+FE0F). */
    public static final String WRITING = "\u270D\uFE0F Writing...";
    /** {@code ✅ finishing...} (U+2705). */
    public static final String FINISHING = "\u2705 finishing...";

    private static final int BASH_COMMAND_LIMIT = 50;
    private static final int TASK_DESCRIPTION_LIMIT = 50;

    private Activity() {
    }

    /** Rule 4: {@code ▶️ {name} starting...} (U+25B6 U+FE0F); a missing or empty name shows as {@code ?}. */
    public static String toolStarting(String name) {
        return "\u25B6\uFE0F " + (name == null || name.isEmpty() ? "?" : name) + " starting...";
    }

    /**
     * §3.2: the activity for a {@code tool_use} block of an assistant message. Non-string fields fall back to their
     * defaults; a missing or non-object {@code input} counts as {@code {}}.
     */
    public static String forToolUse(JsonNode block) {
        String name = textOr(block.get("name"), "?");
        JsonNode input = block.get("input");
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.equals("write") || lower.equals("edit")) {
            return "\uD83D\uDCDD " + name + ": " + basename(nonEmptyField(input, "file_path")); // 📝
        }
        if (lower.equals("read")) {
            return "\uD83D\uDC41 read: " + basename(nonEmptyField(input, "file_path")); // 👁 without FE0F
        }
        if (lower.equals("bash")) {
            return "\uD83D\uDCBB bash: " + Text.cut(nonEmptyField(input, "command"), BASH_COMMAND_LIMIT); // 💻
        }
        if (lower.contains("search") || lower.contains("grep")) {
            return "\uD83D\uDD0D " + name; // 🔍
        }
        return "\uD83D\uDD27 " + name; // 🔧
    }

    /**
     * While only background work runs: {@code 🤖 Agent: Run the test matrix} (U+1F916), the tool that runs it
     * ({@code Agent} for a subagent, {@code Bash} for a shell command, else {@code Task}) and its description, cut
     * to 50 code points on one line; without a description the tool alone.
     */
    public static String background(String type, String description) {
        String t = type == null ? "" : type;
        String tool = t.contains("agent") ? "Agent" : t.contains("bash") || t.contains("shell") ? "Bash" : "Task";
        return "\uD83E\uDD16 " + tool + (description == null || description.isBlank() ? ""
                : ": " + Text.oneLine(description, TASK_DESCRIPTION_LIMIT));
    }

    private static String basename(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** {@code input.field or "?"}: a missing, non-string or empty value gives {@code ?}. */
    private static String nonEmptyField(JsonNode input, String field) {
        String value = input == null || !input.isObject() ? null : textOr(input.get(field), null);
        return value == null || value.isEmpty() ? "?" : value;
    }

    private static String textOr(JsonNode node, String fallback) {
        return node != null && node.isTextual() ? node.textValue() : fallback;
    }
}
