package dev.cctask.claude;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How Claude Code asks for permission ({@code --permissions}, issue 18; CLAUDE-STREAM.md §8.3). {@link #BYPASS} asks
 * nothing ({@code --dangerously-skip-permissions}); {@link #ASK} and {@link #EDITS} send every request that Claude's
 * own rules do not settle to the runner on stdout ({@code --permission-prompt-tool stdio}), which relays it to the
 * chat: no request ever waits for a terminal nobody watches.
 */
public enum Permissions {
    /** Today's behaviour: no questions. */
    BYPASS(null),
    /** Claude's default mode: every permission request goes to the chat. */
    ASK("default"),
    /** {@code acceptEdits}: file edits in the project by Claude's own rules, everything else asks. */
    EDITS("acceptEdits");

    private final String mode;

    Permissions(String mode) {
        this.mode = mode;
    }

    /** The word on the command line. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Permissions parse(String word) {
        for (Permissions p : values()) {
            if (p.word().equals(word)) {
                return p;
            }
        }
        throw new IllegalArgumentException("expected one of bypass, ask, edits but was '" + word + "'");
    }

    /**
     * Claude's permission flags. In {@link #ASK} and {@link #EDITS} deny rules keep Claude away from the run's control
     * folder ({@code controlDir}: its secret answers the requests) and from {@code run-task approve|deny}: Claude
     * cannot answer its own request.
     */
    List<String> flags(String controlDir) {
        if (mode == null) {
            return List.of("--dangerously-skip-permissions");
        }
        List<String> flags = new ArrayList<>(List.of("--permission-mode", mode, "--permission-prompt-tool", "stdio",
                "--disallowedTools"));
        flags.addAll(denyRules(controlDir));
        return flags;
    }

    /** The deny rules of a run that asks ({@code //} makes a rule's path absolute). */
    static List<String> denyRules(String controlDir) {
        List<String> rules = new ArrayList<>();
        for (String tool : List.of("Read", "Edit", "Write")) {
            rules.add(tool + "(/" + controlDir + "/**)");
        }
        for (String command : List.of("approve", "deny")) {
            rules.add("Bash(run-task " + command + ":*)");
        }
        return rules;
    }
}
