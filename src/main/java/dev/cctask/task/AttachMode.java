package dev.cctask.task;

import java.util.Locale;

/** Whether a final message with a result also brings the full output as a chat document (issue 20, {@code --attach}). */
public enum AttachMode {
    /** When the result is longer than the message's preview. */
    AUTO,
    /** Whenever there is a result. */
    ALWAYS,
    NEVER;

    /** The word used on the command line and in the dry run. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static AttachMode parse(String word) {
        for (AttachMode m : values()) {
            if (m.word().equals(word)) {
                return m;
            }
        }
        throw new IllegalArgumentException("expected one of auto, always, never but was '" + word + "'");
    }
}
