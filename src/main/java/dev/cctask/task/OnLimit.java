package dev.cctask.task;

import java.util.Locale;

/** What a run does at its plan's usage limit ({@code --on-limit}, issue 15). */
public enum OnLimit {
    /** Pause until the reset, then resume the same session. */
    WAIT,
    /** End at once, naming the reset and the command that resumes the session later. */
    STOP;

    /** The word used on the command line and in the dry run. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static OnLimit parse(String word) {
        for (OnLimit m : values()) {
            if (m.word().equals(word)) {
                return m;
            }
        }
        throw new IllegalArgumentException("expected one of wait, stop but was '" + word + "'");
    }
}
