package dev.cctask.task;

import dev.cctask.claude.Permissions;
import java.time.Duration;
import java.util.List;

/**
 * The validated options of one run (SPEC §1.2), free of picocli.
 *
 * @param project          the --project string as given (default {@code /tmp/cc-scratch})
 * @param projectExplicit  whether -p was given (resume by label may use the registered dir otherwise)
 * @param output           --output, or null for the default {@code /tmp/cc-<ts>.txt}
 * @param pidDir           --pid-dir, or null for the default
 * @param attach           --attach: when the full output goes to the chat as a document (issue 20)
 * @param worktree         --worktree: null without it, "" without a NAME (issue 19)
 * @param base             --base REF, or null for the project's HEAD
 * @param maxParallel      --max-parallel, else CCTASK_MAX_PARALLEL, else 4; 0 = no limit
 * @param onLimit          --on-limit: wait for the plan's usage limit to reset, or stop
 * @param maxPause         --max-pause: a reset further away than this ends the run as {@code stop} does
 * @param permissions      --permissions: whether Claude asks, and the chat answers (issue 18)
 * @param approvalTimeout  --approval-timeout: a permission request nobody answered within this is denied
 */
public record TaskOptions(
        String task,
        String project,
        boolean projectExplicit,
        String sessionKey,
        String output,
        int timeoutSeconds,
        String resume,
        String resumeLabel,
        String label,
        String notifyChannel,
        String notifyTarget,
        String notifyThreadId,
        WakeMode wake,
        int heartbeatIntervalSeconds,
        String claudeBin,
        List<String> claudeArgs,
        boolean dryRun,
        String pidDir,
        int deliveryDeadlineSeconds,
        String gatewayUrl,
        String tokenEnv,
        AttachMode attach,
        String worktree,
        String base,
        int maxParallel,
        OnLimit onLimit,
        Duration maxPause,
        Permissions permissions,
        Duration approvalTimeout) {

    public static final String DEFAULT_PROJECT = "/tmp/cc-scratch";

    /**
     * The largest prompt, in UTF-8 bytes (-t, --task-file, stdin). The supervisor's heap is 64 MB (scripts/run-task)
     * and holds the prompt several times over (argument, options, the bytes for Claude's stdin); 1 MiB is also more
     * text than Claude's context window takes.
     */
    public static final int MAX_PROMPT_BYTES = 1024 * 1024;

    public TaskOptions {
        claudeArgs = List.copyOf(claudeArgs);
    }

    /**
     * The task as shown in messages, the log banner, the PID file and the registry: without trailing whitespace (a
     * prompt file's final newlines). Claude gets {@link #task()} unchanged.
     */
    public String summary() {
        return task.stripTrailing();
    }

    /**
     * A copy resuming the given session (resolved from --resume-label), optionally in another project dir, named
     * {@code sessionLabel} (the registered label unless --session-label gave one).
     */
    public TaskOptions withResume(String sessionId, String projectDir, String sessionLabel) {
        return new TaskOptions(task, projectDir, projectExplicit, sessionKey, output, timeoutSeconds, sessionId,
                resumeLabel, sessionLabel, notifyChannel, notifyTarget, notifyThreadId, wake, heartbeatIntervalSeconds,
                claudeBin, claudeArgs, dryRun, pidDir, deliveryDeadlineSeconds, gatewayUrl, tokenEnv, attach, worktree, base,
                maxParallel, onLimit, maxPause, permissions, approvalTimeout);
    }
}
