package dev.cctask.gateway;

/** The two gateway endpoints claude-code-task posts to. */
public enum Transport {
    /** {@code POST /tools/invoke} with the gateway token. */
    TOOLS_INVOKE,
    /** {@code POST <hooks.path>/agent} with the hooks token. */
    HOOKS_AGENT
}
