package dev.cctask.task;

import dev.cctask.Env;
import dev.cctask.UserException;
import dev.cctask.gateway.GatewayConfig;
import dev.cctask.gateway.Route;
import dev.cctask.gateway.Routes;

/**
 * Where a run's messages and wake go, decided before anything starts (SPEC §2.1 step 2): the chat route (§6),
 * the wake (§7.4) and the gateway configuration (§7.1), loaded only when something is to be sent.
 *
 * @param route   the chat route, or null (no launch, heartbeat or chat message)
 * @param wakeKey the {@code sessions_send} target key, or null
 * @param gateway the gateway configuration, or null when nothing is to be sent
 * @param worktree the run's own git worktree (issue 19: {@code --worktree}, or a resumed session's), or null
 */
public record RunPlan(TaskOptions options, Route route, String wakeKey, GatewayConfig gateway, Worktree.Plan worktree) {

    public static RunPlan resolve(TaskOptions o, Env env) {
        Route route = Routes.resolve(o.sessionKey(), o.notifyChannel(), o.notifyTarget(), o.notifyThreadId()).orElse(null);
        String wakeKey = o.wake() == WakeMode.SESSIONS_SEND ? blankToNull(o.sessionKey()) : null;
        boolean sends = route != null || wakeKey != null || o.wake() == WakeMode.HOOKS;
        GatewayConfig gateway = sends ? GatewayConfig.load(env, o.gatewayUrl(), o.tokenEnv()) : null;
        if (gateway != null && gateway.invalidSetting() != null) {
            throw UserException.config(gateway.invalidSetting());
        }
        if (o.wake() == WakeMode.HOOKS && gateway.hooks().problem() != null) {
            throw UserException.config("--wake hooks: " + gateway.hooks().problem());
        }
        return new RunPlan(o, route, wakeKey, gateway, Worktree.plan(o, env));
    }

    /** The variables a gateway secret may come from: neither Claude nor anything it starts may see them. */
    public java.util.Set<String> secretVariables(Env env) {
        GatewayConfig config = gateway != null ? gateway : GatewayConfig.load(env, options.gatewayUrl(), options.tokenEnv());
        return config.secretVariables();
    }

    /** Whether a wake is sent at the end of the run. */
    public boolean wakes() {
        return wakeKey != null || options.wake() == WakeMode.HOOKS;
    }

    /** The wake target of a thread/topic key's parent (P4), or null when the key has no such suffix. */
    public String wakeFallback() {
        if (wakeKey == null) {
            return null;
        }
        String parent = Routes.parentKey(wakeKey);
        return parent.equals(wakeKey) ? null : parent;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
