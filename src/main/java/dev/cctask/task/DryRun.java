package dev.cctask.task;

import dev.cctask.Env;
import dev.cctask.Text;
import dev.cctask.claude.ClaudeCommand;
import dev.cctask.claude.ClaudeNotFoundException;
import dev.cctask.delivery.Messages;
import dev.cctask.gateway.GatewayConfig;
import dev.cctask.gateway.Route;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;

/** {@code --dry-run}: what a run would do (SPEC §1.3); creates nothing, starts nothing, sends nothing. */
final class DryRun {
    private DryRun() {}

    static void print(RunPlan plan, Env env, LocalDateTime start, PrintWriter out) {
        TaskOptions o = plan.options();
        out.println("run-task dry run");
        out.println("  session:  " + (o.sessionKey() == null ? "none" : o.sessionKey()));
        out.println("  route:    " + route(plan));
        out.println("  wake:     " + wake(plan));
        out.println("  gateway:  " + gateway(plan.gateway()));
        out.println("  claude:   " + String.join(" ", ClaudeCommand.argv(claude(o, env), o.resume(), o.claudeArgs())));
        out.println("  prompt:   " + Text.length(o.task()) + " chars on stdin");
        out.println("  cwd:      " + Path.of(o.project()).toAbsolutePath().normalize());
        out.println("  output:   " + OutputFile.firstChoice(o.output(), start).toAbsolutePath());
        out.println("  timeout:  " + o.timeoutSeconds() + "s");
        out.println("  on limit: " + (o.onLimit() == OnLimit.STOP ? "stop"
                : "wait for the reset (at most " + Messages.span(o.maxPause()) + "), then resume the session"));
        out.flush();
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
