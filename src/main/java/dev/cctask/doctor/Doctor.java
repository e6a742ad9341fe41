package dev.cctask.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cctask.Env;
import dev.cctask.Subprocess;
import dev.cctask.claude.ClaudeCommand;
import dev.cctask.claude.ClaudeNotFoundException;
import dev.cctask.delivery.Outbox;
import dev.cctask.gateway.Bodies;
import dev.cctask.gateway.GatewayClient;
import dev.cctask.gateway.GatewayConfig;
import dev.cctask.gateway.Outcome;
import dev.cctask.gateway.Route;
import dev.cctask.gateway.Routes;
import dev.cctask.gateway.Transport;
import dev.cctask.registry.PidFile;
import dev.cctask.registry.PidFiles;
import dev.cctask.registry.SessionRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code run-task doctor} (SPEC §1.4, D15): checks the set-up a run depends on, in the order a run needs it, and
 * says for every problem how to fix it. The gateway is probed side-effect free (GATEWAY.md §3.2): tool calls with
 * empty arguments that the gateway rejects with 400 when the tool is reachable, {@code sessions_list}, and a
 * {@code message} dry run. No chat message is posted and no agent is woken. The token is named by its source only.
 */
public final class Doctor {
    static final Duration VERSION_LIMIT = Duration.ofSeconds(10);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final int SESSIONS_LIMIT = 500;
    private static final String[] SKILL_CONFIG = {"gateway.auth.token", "gateway.tools.allow", "tools.sessions.visibility"};

    /**
     * What to check against.
     *
     * @param sessionKey also check this session: its route (message dry run) and that the gateway knows it; or null
     * @param claudeBin  {@code --claude-bin}, or null for {@code CLAUDE_BIN} / {@code PATH}
     * @param gatewayUrl {@code --gateway-url}, or null for the config
     * @param tokenEnv   {@code --token-env}, or null
     * @param pidDir     {@code --pid-dir}, or null for the default
     */
    public record Options(String sessionKey, String claudeBin, String gatewayUrl, String tokenEnv, Path pidDir) {}

    private final Env env;
    private final Options options;
    /** The running JVM's version; tests set an old one. */
    Runtime.Version javaVersion = Runtime.version();
    /** Whether this process runs as root; tests set it. */
    boolean root = runsAsRoot();

    public Doctor(Env env, Options options) {
        this.env = env;
        this.options = options;
    }

    /** Runs every check; never throws for a problem it can describe. */
    public Report run() {
        List<Check> checks = new ArrayList<>();
        checks.add(java());
        checks.add(claude());
        checks.add(user());
        GatewayConfig config = GatewayConfig.load(env, options.gatewayUrl(), options.tokenEnv());
        checks.add(configFile(config));
        checks.add(token(config));
        try (GatewayClient client = new GatewayClient(config)) {
            new GatewayChecks(config, client, checks).run();
        }
        if (config.hooks().enabled()) {
            checks.add(hooks(config));
        }
        checks.add(skill(config));
        checks.add(stateDir());
        checks.add(registry());
        checks.add(outbox());
        checks.add(pidFiles());
        return new Report(checks);
    }

    // ---------------------------------------------------------------- host

    private Check java() {
        String detail = "Java " + javaVersion + " (" + System.getProperty("java.home") + ")";
        return javaVersion.feature() >= 17 ? Check.ok("java", detail)
                : Check.fail("java", detail + " is too old", "install Java 17 or newer and put its java first on PATH");
    }

    private Check claude() {
        Path bin;
        try {
            bin = ClaudeCommand.resolveExecutable(options.claudeBin(), env);
        } catch (ClaudeNotFoundException e) {
            return Check.fail("claude", e.getMessage(), "not installed? npm install -g @anthropic-ai/claude-code, then"
                    + " run claude once to log in. Installed? " + e.hint());
        }
        try {
            return Check.ok("claude", bin + " (" + version(bin) + ")");
        } catch (IOException e) {
            return Check.fail("claude", bin + " --version failed: " + e.getMessage(),
                    "run \"" + bin + " --version\" yourself; reinstall Claude Code if it fails");
        }
    }

    /** The first line {@code <bin> --version} prints, within {@link #VERSION_LIMIT}. */
    private String version(Path bin) throws IOException {
        try {
            Subprocess.Result r = Subprocess.run(List.of(bin.toString(), "--version"), null, env.vars(), VERSION_LIMIT);
            if (r.timedOut()) {
                throw new IOException("no answer within " + VERSION_LIMIT.toSeconds() + "s");
            }
            String first = (r.stdout() + r.stderr()).strip().lines().findFirst().orElse("");
            if (r.exitCode() != 0) {
                throw new IOException("exit " + r.exitCode() + (first.isEmpty() ? "" : ": " + first));
            }
            return first.isEmpty() ? "no version printed" : first;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    /**
     * Claude Code refuses {@code --dangerously-skip-permissions} for uid 0 unless {@code IS_SANDBOX} is exactly
     * {@code 1} or {@code CLAUDE_CODE_BUBBLEWRAP} is set (CLAUDE-STREAM.md §3.3): then every run fails, so a FAIL.
     */
    private Check user() {
        String name = System.getProperty("user.name");
        if (!root) {
            return Check.ok("user", "running as " + name + ", not root");
        }
        String sandbox = env.get("IS_SANDBOX");
        if ("1".equals(sandbox)) {
            return Check.ok("user", "running as root with IS_SANDBOX=1");
        }
        String bubblewrap = env.get("CLAUDE_CODE_BUBBLEWRAP");
        if (bubblewrap != null && !bubblewrap.isEmpty()) {
            return Check.ok("user", "running as root with CLAUDE_CODE_BUBBLEWRAP set");
        }
        return Check.fail("user", "running as root"
                        + (sandbox == null ? "" : " with IS_SANDBOX=" + sandbox + " (only 1 counts)")
                        + ": Claude Code refuses --dangerously-skip-permissions as root, so every run fails",
                "run run-task as a normal user, or export IS_SANDBOX=1 if this is a disposable sandbox");
    }

    /** uid 0, whatever the account is called; the user name when {@code /proc} is not there. */
    private static boolean runsAsRoot() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (IOException | RuntimeException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    // ---------------------------------------------------------------- configuration

    private Check configFile(GatewayConfig config) {
        if (config.configError() != null) {
            return Check.fail("config", config.configError(), config.configPath() == null
                    ? "create ~/.openclaw/openclaw.json (openclaw onboard or openclaw setup), or point"
                            + " OPENCLAW_CONFIG_PATH at it"
                    : "fix the file at the position shown (it is JSON5); the gateway reads the same file");
        }
        if (config.root().has("$include")) {
            return Check.warn("config", config.configPath() + " (" + config.configStep().label() + ") uses $include,"
                            + " which run-task does not follow",
                    "keep the gateway section (port, auth, tools) in " + config.configPath() + " itself");
        }
        return Check.ok("config", config.configPath() + " (" + config.configStep().label() + ")");
    }

    private static Check token(GatewayConfig config) {
        if (config.authMode().equals("none")) {
            return Check.ok("token", "gateway.auth.mode is \"none\": no token sent");
        }
        if (config.token() == null) {
            String problem = config.problem() != null ? config.problem() : "no gateway token";
            int fix = problem.indexOf("; ");
            return fix < 0 ? Check.fail("token", problem, "set gateway.auth.token in the OpenClaw config")
                    : Check.fail("token", problem.substring(0, fix), problem.substring(fix + 2));
        }
        return Check.ok("token", config.authMode() + " from " + config.tokenSource() + " (value not shown)");
    }

    private static Check hooks(GatewayConfig config) {
        GatewayConfig.Hooks h = config.hooks();
        if (h.problem() != null) {
            return Check.fail("hooks", "hooks.enabled is true but --wake hooks cannot work", h.problem());
        }
        return Check.ok("hooks", "enabled: --wake hooks posts to " + config.baseUrl() + h.path() + "/agent");
    }

    /** OpenClaw shows the skill to the agent only when its {@code requires.config} paths are truthy (SKILL.md). */
    private static Check skill(GatewayConfig config) {
        if (config.configPath() == null || config.configError() != null) {
            return Check.skip("skill", "no readable OpenClaw config");
        }
        List<String> missing = new ArrayList<>();
        for (String path : SKILL_CONFIG) {
            JsonNode node = config.root();
            for (String part : path.split("\\.")) {
                node = node.path(part);
            }
            if (!truthy(node)) {
                missing.add(path);
            }
        }
        if (missing.isEmpty()) {
            return Check.ok("skill", "the skill's required config keys are set (" + String.join(", ", SKILL_CONFIG) + ")");
        }
        return Check.warn("skill", "OpenClaw hides the claude-code-task skill from the agent while "
                        + String.join(", ", missing) + (missing.size() == 1 ? " is" : " are") + " not set in "
                        + config.configPath(),
                "set them in the config (see README \"Configuration\"), e.g. "
                        + String.join("; ", missing.stream().map(Doctor::configSetCommand).toList()));
    }

    private static String configSetCommand(String path) {
        return switch (path) {
            case "gateway.tools.allow" -> "openclaw config set gateway.tools.allow '[\"sessions_send\"]' --strict-json";
            case "tools.sessions.visibility" -> "openclaw config set tools.sessions.visibility all";
            default -> "openclaw config set gateway.auth.token \"$(openssl rand -hex 24)\"";
        };
    }

    /** JavaScript truthiness, as OpenClaw evaluates {@code requires.config}. */
    private static boolean truthy(JsonNode n) {
        if (n.isMissingNode() || n.isNull()) {
            return false;
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        if (n.isNumber()) {
            return n.doubleValue() != 0 && !Double.isNaN(n.doubleValue());
        }
        return !n.isTextual() || !n.textValue().isEmpty();
    }

    // ---------------------------------------------------------------- gateway

    /** The probes, in dependency order: reachable → token accepted → tools → visibility → the session. */
    private final class GatewayChecks {
        private final GatewayConfig config;
        private final GatewayClient client;
        private final List<Check> checks;

        GatewayChecks(GatewayConfig config, GatewayClient client, List<Check> checks) {
            this.config = config;
            this.client = client;
            this.checks = checks;
        }

        void run() {
            String key = blankToNull(options.sessionKey());
            String skipped;
            GatewayClient.Probe list = null;
            if (config.token() == null && !config.authMode().equals("none")) {
                skipped = "skipped: no gateway token";
                checks.add(Check.skip("gateway", skipped));
                checks.add(Check.skip("auth", skipped));
            } else {
                list = client.probe(Transport.TOOLS_INVOKE, tool("sessions_list", NODES.objectNode()
                        .put("limit", key != null ? SESSIONS_LIMIT : 1)));
                if (list.status() < 0) {
                    skipped = "skipped: gateway not reachable";
                    checks.add(Check.fail("gateway", list.outcome().describe(),
                            "start the gateway (openclaw gateway run, or openclaw gateway start for the service); if"
                                    + " it listens elsewhere, set gateway.port or pass --gateway-url"));
                    checks.add(Check.skip("auth", skipped));
                } else {
                    checks.add(Check.ok("gateway", config.baseUrl() + " answered (HTTP " + list.status() + ")"));
                    skipped = auth(list);
                }
            }
            checks.add(skipped != null ? Check.skip("message", skipped) : messageTool());
            checks.add(skipped != null ? Check.skip("sessions_send", skipped) : sessionsSend());
            checks.add(visibility());
            if (key != null) {
                checks.add(skipped != null ? Check.skip("session", skipped) : sessionKnown(key, list));
                checks.add(route(key, skipped));
            }
        }

        /** Null when the token was accepted, else why the later probes are skipped. */
        private String auth(GatewayClient.Probe p) {
            String source = config.authMode().equals("none") ? "no token (auth mode none)"
                    : config.authMode() + " from " + config.tokenSource();
            switch (p.status()) {
                case 401 -> {
                    checks.add(Check.fail("auth", "the gateway rejected the " + source + " (HTTP 401)",
                            "use the token the running gateway was started with: it must equal gateway.auth.token;"
                                    + " a gateway started without a persisted token uses a random one, so persist"
                                    + " one (openclaw config set gateway.auth.token <token>) and restart the gateway"));
                    return "skipped: token rejected";
                }
                case 429 -> {
                    checks.add(Check.fail("auth", "locked out after failed logins (HTTP 429): " + errorMessage(p),
                            "wait " + retryAfter(p) + " and check the token; during the lockout even the right"
                                    + " token is refused"));
                    return "skipped: auth lockout";
                }
                default -> {
                    if (p.status() >= 500) {
                        checks.add(Check.fail("auth", "the gateway answered HTTP " + p.status() + ": "
                                + errorMessage(p), "see the gateway log (openclaw logs); retry when it is up"));
                        return "skipped: gateway error";
                    }
                    checks.add(Check.ok("auth", source + " accepted"));
                    return null;
                }
            }
        }

        private Check messageTool() {
            GatewayClient.Probe p = client.probe(Transport.TOOLS_INVOKE, tool("message", NODES.objectNode()));
            if (p.status() == 400) {
                return Check.ok("message", "tool available (empty probe refused: \"" + errorMessage(p) + "\")");
            }
            if (p.status() == 404) {
                return Check.fail("message", "tool not available over HTTP: " + errorMessage(p),
                        "remove \"message\" from gateway.tools.deny and from any tools.deny / tool profile that"
                                + " filters it");
            }
            return Check.warn("message", "unexpected probe answer: " + p.outcome().describe(),
                    "see the gateway log (openclaw logs)");
        }

        private Check sessionsSend() {
            GatewayClient.Probe p = client.probe(Transport.TOOLS_INVOKE, tool("sessions_send", NODES.objectNode()));
            if (p.status() == 400) {
                return Check.ok("sessions_send", "allowed (empty probe refused: \"" + errorMessage(p)
                        + "\"; nobody woken)");
            }
            if (p.status() == 404) {
                return Check.fail("sessions_send", "denied over HTTP (" + errorMessage(p)
                                + "): the agent cannot be woken with the result",
                        "add \"sessions_send\" to gateway.tools.allow: \"gateway\": {\"tools\": {\"allow\":"
                                + " [\"sessions_send\"]}} (hot-reloaded), or run tasks with --wake hooks / --wake none");
            }
            return Check.warn("sessions_send", "unexpected probe answer: " + p.outcome().describe(),
                    "see the gateway log (openclaw logs)");
        }

        private Check visibility() {
            if (config.configPath() == null || config.configError() != null) {
                return Check.skip("visibility", "no readable OpenClaw config");
            }
            JsonNode v = config.root().path("tools").path("sessions").path("visibility");
            String value = v.isTextual() ? v.textValue() : null;
            if ("all".equals(value) || "agent".equals(value)) {
                return Check.ok("visibility", "tools.sessions.visibility is \"" + value + "\"");
            }
            String fix = "set tools.sessions.visibility to \"all\" (or \"agent\"):"
                    + " openclaw config set tools.sessions.visibility all";
            if (value == null) {
                return Check.warn("visibility", "tools.sessions.visibility is not set (gateway default: \"all\" in"
                        + " 2026.9.6, \"tree\" in older releases, which refuses the wake as forbidden)", fix);
            }
            return Check.warn("visibility", "tools.sessions.visibility is \"" + value + "\": the wake of a group or"
                    + " channel session is refused as forbidden", fix);
        }

        private Check sessionKnown(String key, GatewayClient.Probe list) {
            if (list.status() != 200) {
                return Check.warn("session", "cannot list sessions: " + list.outcome().describe(),
                        "allow sessions_list over HTTP (remove it from gateway.tools.deny)");
            }
            String parent = Routes.parentKey(key);
            for (JsonNode s : list.json().path("result").path("details").path("sessions")) {
                String k = s.path("key").asText("");
                if (k.equals(key) || k.equals(parent)) {
                    return Check.ok("session", "the gateway knows " + k);
                }
            }
            return Check.warn("session", "the gateway lists no session " + key
                            + " yet: a wake would fail with \"No session found\"",
                    "a session exists once its chat has had traffic: send a message in that chat; check the key"
                            + " (the agent sees its own with session_status)");
        }

        private Check route(String key, String skipped) {
            Route route = Routes.resolve(key, null, null, null).orElse(null);
            if (route == null) {
                return Check.warn("route", "no chat route in " + key
                                + ": no launch, progress or result messages in a chat; the agent is still woken",
                        "use the key of a group, channel or direct chat (agent:<id>:<channel>:<kind>:<peer>), or"
                                + " pass --notify-channel and --notify-target");
            }
            String where = route.channel() + " " + route.target()
                    + (route.threadId() != null ? " thread " + route.threadId() : "")
                    + (route.accountId() != null ? " account " + route.accountId() : "");
            if (skipped != null) {
                return Check.ok("route", where + " (not probed: " + skipped.replace("skipped: ", "") + ")");
            }
            ObjectNode body = Bodies.message(route, "run-task doctor probe", false);
            ((ObjectNode) body.get("args")).put("dryRun", true);
            GatewayClient.Probe p = client.probe(Transport.TOOLS_INVOKE, body);
            if (p.outcome().accepted()) {
                return Check.ok("route", where + " (message dry run accepted, nothing sent)");
            }
            return Check.fail("route", "the gateway cannot send to " + where + ": " + p.outcome().describe(),
                    "check that the " + route.channel() + " channel is configured and connected"
                            + " (openclaw channels status) and see openclaw logs for the cause");
        }

        private ObjectNode tool(String name, ObjectNode args) {
            ObjectNode body = NODES.objectNode().put("tool", name);
            body.set("args", args);
            return body;
        }

        private String errorMessage(GatewayClient.Probe p) {
            String m = p.json().path("error").path("message").asText("");
            return m.isEmpty() ? "HTTP " + p.status() : m;
        }

        private String retryAfter(GatewayClient.Probe p) {
            if (p.outcome() instanceof Outcome.Retryable r && !r.retryAfter().isZero()) {
                return r.retryAfter().toSeconds() + "s (Retry-After)";
            }
            return "a few minutes";
        }
    }

    // ---------------------------------------------------------------- state

    private Check stateDir() {
        Path dir = env.stateDir();
        if (!writableOrCreatable(dir)) {
            return Check.fail("state", dir + " is not writable",
                    "fix its owner/permissions, or point OPENCLAW_STATE_DIR at a writable directory");
        }
        return Check.ok("state", dir + (Files.isDirectory(dir) ? " writable" : " (created on the first run)"));
    }

    private Check registry() {
        List<String> warnings = new ArrayList<>();
        SessionRegistry registry = SessionRegistry.of(env, warnings::add);
        try {
            int n = registry.all().size();
            if (!warnings.isEmpty()) {
                return Check.warn("registry", warnings.get(0).strip(),
                        "nothing to do: the damaged file was kept at that path and a fresh registry started");
            }
            return Check.ok("registry", registry.file() + (Files.exists(registry.file()) ? " (" + n + " session(s))"
                    : " (created on the first run)"));
        } catch (IOException | RuntimeException e) {
            return Check.fail("registry", "cannot read " + registry.file() + ": " + e.getMessage(),
                    "fix its permissions, or move it away (a new one is started)");
        }
    }

    private Check outbox() {
        Outbox outbox = Outbox.in(env.stateDir());
        try {
            int pending = outbox.pending().size();
            int failed = outbox.failed().size();
            if (pending == 0 && failed == 0) {
                return Check.ok("outbox", "empty (" + outbox.dir() + ")");
            }
            String detail = pending + " item(s) waiting for delivery" + (failed == 0 ? ""
                    : ", " + failed + " given up in " + outbox.failedDir());
            return Check.warn("outbox", detail, pending > 0
                    ? "run \"run-task deliver\" once the gateway checks above pass"
                    : "read the items in " + outbox.failedDir() + " (lastError says why), then delete them");
        } catch (IOException | RuntimeException e) {
            return Check.fail("outbox", "cannot read " + outbox.dir() + ": " + e.getMessage(),
                    "fix its permissions (it must be writable by this user)");
        }
    }

    private Check pidFiles() {
        PidFiles pids = new PidFiles(options.pidDir() != null ? options.pidDir() : PidFiles.defaultDir(env));
        try {
            List<PidFile> all = pids.list();
            List<PidFile> dead = all.stream().filter(f -> !PidFiles.isAlive(f)).toList();
            Path dir = pids.dir();
            if (!writableOrCreatable(dir)) {
                return Check.fail("pids", dir + " is not writable", "fix its permissions, or pass --pid-dir DIR");
            }
            String detail = dir + ": " + (all.size() - dead.size()) + " running";
            if (dead.isEmpty()) {
                return Check.ok("pids", detail);
            }
            return Check.warn("pids", detail + ", " + dead.size() + " stale PID file(s) of runners that died",
                    "run \"run-task tasks\": it marks their sessions lost, sends the lost notice and removes the"
                            + " files");
        } catch (IOException | RuntimeException e) {
            return Check.fail("pids", "cannot read " + pids.dir() + ": " + e.getMessage(),
                    "fix its permissions, or pass --pid-dir DIR");
        }
    }

    /** The directory, or the nearest ancestor that exists, is a writable directory. */
    private static boolean writableOrCreatable(Path dir) {
        Path p = dir.toAbsolutePath();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        return p != null && Files.isDirectory(p) && Files.isWritable(p);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
