package dev.cctask.claude;

/**
 * Work Claude runs in the background, as its {@code system/task_*} and {@code background_tasks_changed} events
 * describe it (CLAUDE-STREAM.md §4.1, §4.6, §8.2): a subagent, a shell command started in the background, …
 *
 * @param id           {@code task_id}
 * @param type         {@code task_type}: {@code local_agent} for a subagent, {@code local_bash} for a shell command,
 *                     …; null when Claude did not say
 * @param description  what it does, in Claude's words; null when Claude did not say
 * @param subagentType {@code subagent_type} of a subagent ({@code general-purpose}, …), else null
 * @param status       {@value #RUNNING} until Claude reports its end, then the word it used: {@code completed},
 *                     {@code killed}, {@code stopped}, {@code failed}, …
 */
public record BackgroundTask(String id, String type, String description, String subagentType, String status) {
    public static final String RUNNING = "running";
    public static final String COMPLETED = "completed";

    public boolean running() {
        return RUNNING.equals(status);
    }

    public boolean completed() {
        return COMPLETED.equals(status);
    }
}
