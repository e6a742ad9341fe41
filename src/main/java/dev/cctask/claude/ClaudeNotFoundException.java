package dev.cctask.claude;

/** The Claude executable could not be resolved (SPEC §2.2): a launch is refused ({@link ClaudeCommand#resolveForLaunch}). */
public final class ClaudeNotFoundException extends RuntimeException {
    private final String name;

    public ClaudeNotFoundException(String name) {
        super("Claude executable not found: " + name);
        this.name = name;
    }

    /** The name or path that was looked for. */
    public String name() {
        return name;
    }

    /** What to do about it, for {@code doctor} and the launch refusal. */
    public String hint() {
        return "Put the directory holding `claude` on PATH, or pass its full path with --claude-bin"
                + " (or set CLAUDE_BIN). Under cron or nohup the shell often lacks the NVM bin directory"
                + " (e.g. ~/.nvm/versions/node/<version>/bin) on PATH even though `claude` works in your terminal;"
                + " an absolute --claude-bin path avoids that.";
    }
}
