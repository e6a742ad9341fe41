package dev.cctask.task;

import dev.cctask.Env;
import dev.cctask.Text;
import dev.cctask.claude.ClaudeCommand;
import dev.cctask.claude.ClaudeNotFoundException;
import dev.cctask.delivery.Messages;
import dev.cctask.gateway.GatewayConfig;
import dev.cctask.gateway.Route;
import java.io.PrintWriter;
import dev.cctask.registry.PidFiles;
import java.nio.file.Path;
import java.time.LocalDateTime;

/** {@code --dry-run}: what a run would do (SPEC §1.3); creates nothing, starts nothing, sends nothing. */
final class DryRun {
    private DryRun() {}

    /** Returns the exit status, 0. */
    static int print(RunPlan plan, Env env, LocalDateTime start, PrintWriter out) {
        TaskOptions o = plan.options();
        out.println("run-task dry run");
        out.println("  session:  " + (o.sessionKey() == null ? "none" : o.sessionKey()));
        out.println("  route:    " + route(plan));
        out.println("  wake:     " + wake(plan));
        out.println("  gateway:  " + gateway(plan.gateway()));
        out.println("  claude:   " + String.join(" ", ClaudeCommand.argv(claude(o, env), o.resume(), o.permissions(),
                (o.pidDir() != null ? Path.of(o.pidDir()) : PidFiles.defaultDir(env)).toAbsolutePath().normalize()
                        .toString(), o.claudeArgs())));
        String ceiling = env.get(ClaudeCommand.BG_WAIT_CEILING);
        out.println("  env:      " + ClaudeCommand.BG_WAIT_CEILING + "=" + ClaudeCommand.bgWaitCeiling(ceiling)
                + (ceiling == null ? " (background tasks are waited for, up to --timeout)" : " (from your environment)"));
        out.println("  prompt:   " + Text.length(o.task()) + " chars on stdin, the first stream-json user message"
                + " (stdin stays open for steer)");
        Worktree worktree = plan.worktree() == null ? null : plan.worktree().preview();
        out.println("  cwd:      " + (worktree != null ? worktree.cwd() : Path.of(o.project()).toAbsolutePath().normalize()));
        if (worktree != null) {
            out.println("  worktree: " + plan.worktree().describe(worktree));
        }
        out.println("  output:   " + OutputFile.firstChoice(o.output(), start).toAbsolutePath());
        out.println("  attach:   " + attach(plan));
        out.println("  timeout:  " + o.timeoutSeconds() + "s");
        out.println("  on limit: " + (o.onLimit() == OnLimit.STOP ? "stop"
                : "wait for the reset (at most " + Messages.span(o.maxPause()) + "), then resume the session"));
        out.flush();
        return 0;
    }

    private static String route(RunPlan plan) {
        Route r = plan.route();
        if (r == null) {
            return plan.options().sessionKey() == null ? "none (no --session)" : "none (no routable channel in session key)";
        }
        StringBuilder s = new StringBuilder("channel=" + r.channel() + " target=" + r.target());
        if (r.threadId() != null) {
            s.append(" threadId=").append(r.threadId());
        }
        if (r.accountId() != null) {
            s.append(" accountId=").append(r.accountId());
        }
        return s.toString();
    }

    private static String wake(RunPlan plan) {
        switch (plan.options().wake()) {
            case NONE:
                return "none";
            case HOOKS:
                return plan.route() == null ? "hooks (no chat route: the agent runs, nothing is posted)"
                        : "hooks to=" + plan.route().target();
            default:
                if (plan.wakeKey() == null) {
                    return "none (no session key)";
                }
                String fallback = plan.wakeFallback();
                return "sessions_send sessionKey=" + plan.wakeKey() + (fallback == null ? "" : " (fallback " + fallback + ")");
        }
    }

    private static String attach(RunPlan plan) {
        AttachMode mode = plan.options().attach();
        String limit = ", at most " + Messages.megabytes(Attachment.MAX_BYTES) + ")";
        return switch (mode) {
            case NEVER -> "never";
            case AUTO -> plan.route() == null ? "none (no chat route)"
                    : "auto (the full output as a document when longer than " + Messages.PREVIEW_LIMIT + " chars" + limit;
            case ALWAYS -> plan.route() == null ? "none (no chat route)" : "always (the full output as a document" + limit;
        };
    }

    private static String gateway(GatewayConfig g) {
        if (g == null) {
            return "not used (nothing to send)";
        }
        String config = g.configPath() == null ? "no config file" : "config " + g.configPath();
        return g.baseUrl() + " (" + config + "; token from " + g.tokenSource() + ")";
    }

    private static String claude(TaskOptions o, Env env) {
        try {
            return ClaudeCommand.resolveExecutable(o.claudeBin(), env).toString();
        } catch (ClaudeNotFoundException e) {
            String name = o.claudeBin() != null ? o.claudeBin() : env.get("CLAUDE_BIN") != null ? env.get("CLAUDE_BIN") : "claude";
            return name + " (not found)";
        }
    }
}
