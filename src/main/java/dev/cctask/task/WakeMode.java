package dev.cctask.task;

import java.util.Locale;

/** How the agent is woken when a run ends (SPEC D3, {@code --wake}). */
public enum WakeMode {
    SESSIONS_SEND,
    HOOKS,
    NONE;

    /** The word used on the command line and in the dry run. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static WakeMode parse(String word) {
        for (WakeMode m : values()) {
            if (m.word().equals(word)) {
                return m;
            }
        }
        throw new IllegalArgumentException("expected one of sessions_send, hooks, none but was '" + word + "'");
    }
}
