package dev.cctask.gateway;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.cctask.Env;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the gateway is and how to authenticate (SPEC §7.1, D16), read from the OpenClaw config file and the
 * environment. {@link #load} never throws: whatever keeps the client from working is one line in
 * {@link #problem()}. Secrets are held as {@link Secret}; {@link #toString()} shows none.
 */
public final class GatewayConfig {
    public static final int DEFAULT_PORT = 18789;
    public static final String DEFAULT_HOOKS_PATH = "/hooks";
    private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Z_][A-Z0-9_]*)}");
    private static final String ENV_TOKEN = "OPENCLAW_GATEWAY_TOKEN";
    private static final String ENV_PASSWORD = "OPENCLAW_GATEWAY_PASSWORD";
    private static final String ENV_PORT = "OPENCLAW_GATEWAY_PORT";

    /** Which precedence step located the config file (doctor shows it). */
    public enum ConfigStep {
        OPENCLAW_CONFIG_PATH("$OPENCLAW_CONFIG_PATH"),
        STATE_DIR("$OPENCLAW_STATE_DIR/openclaw.json"),
        HOME("~/.openclaw/openclaw.json"),
        NONE("none");

        private final String label;

        ConfigStep(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * The {@code hooks} block: {@code POST <base><path>/agent} with {@code token}.
     *
     * @param problem null when usable for {@code --wake hooks}, else one line saying what to fix
     */
    public record Hooks(boolean enabled, Secret token, String path, String problem) {}

    private final String baseUrl;
    private final Secret token;
    private final String tokenSource;
    private final String authMode;
    private final Path configPath;
    private final ConfigStep configStep;
    private final Hooks hooks;
    private final JsonNode root;
    private final String configError;
    private final String problem;
    private final Set<String> secretVariables;
    private final String invalidSetting;

    private GatewayConfig(Builder b) {
        this.baseUrl = b.baseUrl;
        this.token = b.token;
        this.tokenSource = b.tokenSource;
        this.authMode = b.authMode;
        this.configPath = b.file.path;
        this.configStep = b.file.step;
        this.hooks = b.hooks;
        this.root = b.file.root;
        this.configError = b.file.error;
        this.problem = b.problem;
        this.secretVariables = b.secretVariables;
        this.invalidSetting = b.invalidSetting;
    }

    /**
     * Reads the config: file {@code $OPENCLAW_CONFIG_PATH} → {@code $OPENCLAW_STATE_DIR/openclaw.json} →
     * {@code ~/.openclaw/openclaw.json} (first existing), then URL and token by the precedence of SPEC §7.1.
     *
     * @param gatewayUrlOverride {@code --gateway-url}, or null
     * @param tokenEnvName       {@code --token-env}: the variable holding the token, or null
     */
    public static GatewayConfig load(Env env, String gatewayUrlOverride, String tokenEnvName) {
        Builder b = new Builder();
        b.file = ConfigFile.locate(env);
        JsonNode gateway = b.file.root.path("gateway");
        if (gatewayUrlOverride != null && !gatewayUrlOverride.isBlank()) {
            b.baseUrl = stripTrailingSlashes(gatewayUrlOverride.strip());
        } else {
            b.port(env, gateway);
        }
        b.resolveToken(env, gateway.path("auth"), tokenEnvName);
        b.hooks = hooks(env, b.file, b.token);
        b.secretVariables = secretVariables(b.file.root, tokenEnvName);
        if (b.invalidSetting != null) {
            b.problem = b.invalidSetting;
        }
        return new GatewayConfig(b);
    }

    /** Gateway base URL without a trailing slash. */
    public String baseUrl() {
        return baseUrl;
    }

    /** The token or password for {@code Authorization: Bearer}, or null (none found, or auth mode {@code none}). */
    public Secret token() {
        return token;
    }

    /**
     * Where the token came from: {@code gateway.auth.token}, {@code gateway.auth.password},
     * {@code env OPENCLAW_GATEWAY_TOKEN}, {@code env OPENCLAW_GATEWAY_PASSWORD}, {@code env <NAME>} or {@code none}.
     */
    public String tokenSource() {
        return tokenSource;
    }

    /** {@code token}, {@code password} or {@code none} (no {@code Authorization} header). */
    public String authMode() {
        return authMode;
    }

    /** The config file read, or null when none was found. */
    public Path configPath() {
        return configPath;
    }

    public ConfigStep configStep() {
        return configStep;
    }

    public Hooks hooks() {
        return hooks;
    }

    /**
     * The parsed config tree ({@link MissingNode} when there is none), for checks such as
     * {@code tools.sessions.visibility}. It contains the raw secrets: never print it whole.
     */
    public JsonNode root() {
        return root;
    }

    /** What is wrong with the config file itself (not found, unreadable, unparsable), or null. */
    public String configError() {
        return configError;
    }

    /** Null when the client can authenticate; else one line: what is missing and how to fix it. */
    public String problem() {
        return problem;
    }

    /**
     * The environment variables a secret is or may be read from, set or not: {@code OPENCLAW_GATEWAY_TOKEN},
     * {@code OPENCLAW_GATEWAY_PASSWORD}, {@code --token-env}, and each variable that {@code gateway.auth.token},
     * {@code gateway.auth.password} or {@code hooks.token} names ({@code ${VAR}} or an env SecretRef). Claude's
     * environment goes without them.
     */
    public Set<String> secretVariables() {
        return secretVariables;
    }

    /**
     * A setting that is set but unusable (an out-of-range port), or null: a run refuses to start on it (exit 2),
     * and it is also the {@link #problem()}, so nothing is sent to a gateway it does not name.
     */
    public String invalidSetting() {
        return invalidSetting;
    }

    @Override
    public String toString() {
        return "GatewayConfig[" + baseUrl + ", token from " + tokenSource + ", config " + configPath + "]";
    }

    private static String stripTrailingSlashes(String url) {
        int end = url.length();
        while (end > 0 && url.charAt(end - 1) == '/') {
            end--;
        }
        return url.substring(0, end);
    }

    private static Hooks hooks(Env env, ConfigFile file, Secret gatewayToken) {
        JsonNode h = file.root.path("hooks");
        boolean enabled = h.path("enabled").asBoolean(false);
        SecretValue v = SecretValue.of(h.path("token"), "hooks.token", env);
        String path = h.path("path").asText("").strip();
        path = stripTrailingSlashes(path.isEmpty() ? DEFAULT_HOOKS_PATH : path.startsWith("/") ? path : "/" + path);
        String where = file.path == null ? "the OpenClaw config" : file.path.toString();
        String problem = null;
        if (!enabled) {
            problem = "hooks are disabled: set hooks.enabled to true and a hooks.token (different from the gateway token) in "
                    + where;
        } else if (v.secret == null) {
            problem = v.reason != null
                    ? v.reason + "; " + (v.fix != null ? v.fix : "use a plain value, \"${VAR}\" or an env SecretRef")
                    : "hooks.token is not set in " + where + "; set one different from the gateway token";
        } else if (v.secret.sameAs(gatewayToken)) {
            problem = "hooks.token equals the gateway token, which the gateway rejects; set a different hooks.token in "
                    + where;
        }
        return new Hooks(enabled, v.secret, path, problem);
    }

    private static Set<String> secretVariables(JsonNode root, String tokenEnvName) {
        Set<String> names = new TreeSet<>(List.of(ENV_TOKEN, ENV_PASSWORD));
        if (tokenEnvName != null && !tokenEnvName.isBlank()) {
            names.add(tokenEnvName);
        }
        JsonNode auth = root.path("gateway").path("auth");
        for (JsonNode field : List.of(auth.path("token"), auth.path("password"), root.path("hooks").path("token"))) {
            if (field.isTextual()) {
                Matcher m = ENV_REF.matcher(field.asText());
                while (m.find()) {
                    names.add(m.group(1));
                }
            } else if (field.path("source").asText("").equals("env") && !field.path("id").asText("").isBlank()) {
                names.add(field.path("id").asText());
            }
        }
        return Collections.unmodifiableSet(names);
    }

    /** The mutable state of one {@link #load}. */
    private static final class Builder {
        ConfigFile file;
        String baseUrl;
        Secret token;
        String tokenSource = "none";
        String authMode = "token";
        Hooks hooks;
        String problem;
        Set<String> secretVariables;
        String invalidSetting;

        /**
         * {@code OPENCLAW_GATEWAY_PORT}, else {@code gateway.port}, else 18789. A value that is set but is not a port
         * is an error, never silently replaced by the default (the client would talk to another gateway).
         */
        void port(Env env, JsonNode gateway) {
            String fromEnv = env.get(ENV_PORT);
            JsonNode fromFile = gateway.path("port");
            String port = Integer.toString(DEFAULT_PORT);
            if (fromEnv != null) {
                port = fromEnv.strip();
                if (!isPort(port)) {
                    invalidSetting = ENV_PORT + " is \"" + fromEnv + "\", not a port: set it to a number from 1 to"
                            + " 65535, or unset it";
                }
            } else if (!fromFile.isMissingNode() && !fromFile.isNull()) {
                port = fromFile.isValueNode() ? fromFile.asText().strip() : fromFile.toString();
                if (!fromFile.isIntegralNumber() && !fromFile.isTextual() || !isPort(port)) {
                    invalidSetting = "gateway.port in " + file.path + " is " + fromFile + ", not a port: set it to a"
                            + " number from 1 to 65535, or remove it for " + DEFAULT_PORT;
                }
            }
            // an unusable value stays in the URL, so that nothing is ever sent to a gateway it does not name
            baseUrl = "http://127.0.0.1:" + port;
        }

        private static boolean isPort(String text) {
            try {
                int p = Integer.parseInt(text);
                return p > 0 && p < 65536;
            } catch (NumberFormatException e) {
                return false;
            }
        }

        /** First hit wins: {@code --token-env}, the config, then the environment (SPEC §7.1). */
        void resolveToken(Env env, JsonNode auth, String tokenEnvName) {
            String mode = auth.path("mode").asText("");
            if (mode.equals("none")) {
                authMode = "none";
                return;
            }
            boolean password = mode.equals("password");
            authMode = password ? "password" : "token";
            String envFallback = password ? ENV_PASSWORD : ENV_TOKEN;
            List<String> why = new ArrayList<>(); // reasons in precedence order; the first one is reported
            if (tokenEnvName != null && !tokenEnvName.isBlank()) {
                if (found(env.get(tokenEnvName), "env " + tokenEnvName)) {
                    return;
                }
                why.add("--token-env " + tokenEnvName + " names an unset variable; export " + tokenEnvName);
            }
            if (file.error != null) {
                why.add(file.error + "; " + (file.path == null
                        ? "point OPENCLAW_CONFIG_PATH at openclaw.json or set " + envFallback
                        : "fix the file (the gateway reads it too) or set " + envFallback));
            }
            // In password mode the gateway checks the password, so gateway.auth.token is not consulted.
            String field = password ? "gateway.auth.password" : "gateway.auth.token";
            SecretValue v = SecretValue.of(auth.path(password ? "password" : "token"), field, env);
            if (v.secret != null) {
                token = v.secret;
                tokenSource = field;
                return;
            }
            if (v.reason != null) {
                why.add(v.reason + "; " + (v.fix != null
                        ? v.fix + " or set " + envFallback
                        : "pass --token-env <VAR> naming a variable that holds it, or set " + envFallback));
            }
            if (password && found(env.get(ENV_PASSWORD), "env " + ENV_PASSWORD)) {
                return;
            }
            if (found(env.get(ENV_TOKEN), "env " + ENV_TOKEN)) {
                return;
            }
            String missing = password
                    ? "gateway.auth.mode is \"password\" but gateway.auth.password is not set in " + file.path
                            + "; set it or " + ENV_PASSWORD
                    : "gateway.auth.token is not set in " + file.path + "; persist one with"
                            + " \"openclaw config set gateway.auth.token <token>\" or"
                            + " \"openclaw doctor --generate-gateway-token\" (then restart the gateway), or set "
                            + ENV_TOKEN;
            problem = (password ? "no gateway password: " : "no gateway token: ")
                    + (why.isEmpty() ? missing : why.get(0));
        }

        private boolean found(String value, String source) {
            token = Secret.ofNullable(value);
            if (token != null) {
                tokenSource = source;
            }
            return token != null;
        }
    }

    /**
     * A secret in the config: plain string, {@code "${VAR}"} or SecretRef {@code {source:"env", id:"VAR"}}.
     *
     * @param reason why a present value could not be resolved (null when absent or resolved)
     * @param fix    the value-specific fix, or null when the caller must suggest one
     */
    private record SecretValue(Secret secret, String reason, String fix) {
        static SecretValue of(JsonNode node, String field, Env env) {
            if (node.isMissingNode() || node.isNull()) {
                return new SecretValue(null, null, null);
            }
            if (node.isTextual()) {
                Matcher m = ENV_REF.matcher(node.asText());
                if (!m.matches()) {
                    return new SecretValue(Secret.ofNullable(node.asText()), null, null);
                }
                return fromEnv(env, m.group(1), field + " is \"${" + m.group(1) + "}\" but " + m.group(1) + " is not set");
            }
            if (node.isObject()) {
                String source = node.path("source").asText("");
                String id = node.path("id").asText("");
                if (source.equals("env") && !id.isBlank()) {
                    return fromEnv(env, id, field + " is a SecretRef to env " + id + ", which is not set");
                }
                return new SecretValue(null, field + " is a SecretRef with source \"" + source
                        + "\", which claude-code-task cannot resolve", null);
            }
            return new SecretValue(null, field + " is neither a string nor a SecretRef", null);
        }

        private static SecretValue fromEnv(Env env, String var, String unsetReason) {
            Secret s = Secret.ofNullable(env.get(var));
            return s != null ? new SecretValue(s, null, null) : new SecretValue(null, unsetReason, "export " + var);
        }
    }

    /** The located and parsed config file, or why there is none. */
    private record ConfigFile(Path path, ConfigStep step, JsonNode root, String error) {
        static ConfigFile locate(Env env) {
            List<Path> tried = new ArrayList<>();
            String explicit = env.get("OPENCLAW_CONFIG_PATH");
            if (explicit != null) {
                ConfigFile f = tryRead(Path.of(env.expandHome(explicit)), ConfigStep.OPENCLAW_CONFIG_PATH, tried);
                if (f != null) {
                    return f;
                }
            }
            if (env.get("OPENCLAW_STATE_DIR") != null) {
                ConfigFile f = tryRead(env.stateDir().resolve("openclaw.json"), ConfigStep.STATE_DIR, tried);
                if (f != null) {
                    return f;
                }
            }
            ConfigFile f = tryRead(env.home().resolve(".openclaw").resolve("openclaw.json"), ConfigStep.HOME, tried);
            if (f != null) {
                return f;
            }
            return new ConfigFile(null, ConfigStep.NONE, MissingNode.getInstance(),
                    "no OpenClaw config found (tried " + String.join(", ", tried.stream().map(Path::toString).toList())
                            + ")");
        }

        private static ConfigFile tryRead(Path path, ConfigStep step, List<Path> tried) {
            tried.add(path);
            if (!Files.isRegularFile(path)) {
                return null;
            }
            try {
                JsonNode root = Json.json5().readTree(Files.readAllBytes(path));
                if (!root.isObject()) {
                    return failed(path, step, path + " is not a JSON5 object");
                }
                return new ConfigFile(path, step, root, null);
            } catch (JacksonException e) {
                // The parser's message may quote file content (the token): report the position only.
                JsonLocation at = e.getLocation();
                return failed(path, step, "cannot parse " + path + " as JSON5"
                        + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()));
            } catch (IOException e) {
                return failed(path, step, "cannot read " + path + " (" + e.getClass().getSimpleName() + ")");
            }
        }

        private static ConfigFile failed(Path path, ConfigStep step, String error) {
            return new ConfigFile(path, step, MissingNode.getInstance(), error);
        }
    }
}
