package dev.cctask.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cctask.Env;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayConfigTest {
    @TempDir
    Path home;

    private final Map<String, String> vars = new HashMap<>();

    private Env env() {
        return new Env(vars, home);
    }

    private GatewayConfig load() {
        return GatewayConfig.load(env(), null, null);
    }

    private Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    private Path homeConfig(String text) throws IOException {
        return write(home.resolve(".openclaw/openclaw.json"), text);
    }

    @Test
    void plainTokenFromTheHomeConfigAndTheDefaultUrl() throws IOException {
        Path file = homeConfig("{\"gateway\":{\"auth\":{\"token\":\"tok-plain\"}}}");
        GatewayConfig c = load();
        assertEquals("tok-plain", c.token().value());
        assertEquals("gateway.auth.token", c.tokenSource());
        assertEquals("token", c.authMode());
        assertEquals("http://127.0.0.1:18789", c.baseUrl());
        assertEquals(file, c.configPath());
        assertEquals(GatewayConfig.ConfigStep.HOME, c.configStep());
        assertNull(c.problem());
        assertNull(c.configError());
    }

    @Test
    void configPathVariableBeatsStateDirWhichBeatsHome() throws IOException {
        homeConfig("{gateway:{auth:{token:'from-home'}}}");
        Path state = write(home.resolve("state/openclaw.json"), "{gateway:{auth:{token:'from-state'}}}");
        Path explicit = write(home.resolve("elsewhere/my.json"), "{gateway:{auth:{token:'from-explicit'}}}");
        vars.put("OPENCLAW_STATE_DIR", home.resolve("state").toString());
        vars.put("OPENCLAW_CONFIG_PATH", "~/elsewhere/my.json");
        GatewayConfig c = load();
        assertEquals("from-explicit", c.token().value());
        assertEquals(explicit, c.configPath());
        assertEquals(GatewayConfig.ConfigStep.OPENCLAW_CONFIG_PATH, c.configStep());

        vars.put("OPENCLAW_CONFIG_PATH", home.resolve("missing.json").toString());
        c = load();
        assertEquals("from-state", c.token().value());
        assertEquals(state, c.configPath());
        assertEquals(GatewayConfig.ConfigStep.STATE_DIR, c.configStep());

        vars.put("OPENCLAW_STATE_DIR", home.resolve("empty-state").toString());
        assertEquals("from-home", load().token().value());
    }

    @Test
    void json5CommentsUnquotedKeysSingleQuotesTrailingCommasAndOddNumbers() throws IOException {
        homeConfig("""
                // OpenClaw config
                /* block
                   comment */
                {
                  gateway: {
                    mode: 'local',
                    port: +18800,
                    auth: { mode: "token", token: 'json5-token', },
                    tools: { allow: ['sessions_send',], },
                  },
                  weights: [.5, 1., NaN, Infinity, -Infinity],
                }
                """);
        GatewayConfig c = load();
        assertNull(c.configError());
        assertEquals("json5-token", c.token().value());
        assertEquals("http://127.0.0.1:18800", c.baseUrl());
        assertEquals("sessions_send", c.root().path("gateway").path("tools").path("allow").get(0).asText());
        assertEquals(0.5, c.root().path("weights").get(0).asDouble());
        assertTrue(Double.isNaN(c.root().path("weights").get(2).asDouble()));
    }

    @Test
    void unparsableFileNamesPathLineAndColumnButNoContent() throws IOException {
        Path file = homeConfig("{\n  gateway: {\n    auth: { token: secret-value-123 }\n  }\n}\n");
        GatewayConfig c = load();
        assertNull(c.token());
        assertEquals("cannot parse " + file + " as JSON5 at line 3, column 20", c.configError());
        assertEquals("no gateway token: cannot parse " + file + " as JSON5 at line 3, column 20;"
                + " fix the file (the gateway reads it too) or set OPENCLAW_GATEWAY_TOKEN", c.problem());
        assertFalse(c.problem().contains("secret-value"), c.problem());
    }

    @Test
    void aConfigThatIsNotAnObjectIsReported() throws IOException {
        Path file = homeConfig("[1, 2]");
        assertEquals(file + " is not a JSON5 object", load().configError());
    }

    @Test
    void missingFileListsEveryPathTried() {
        vars.put("OPENCLAW_CONFIG_PATH", "/nowhere/openclaw.json");
        vars.put("OPENCLAW_STATE_DIR", "/nostate");
        GatewayConfig c = load();
        assertNull(c.token());
        assertNull(c.configPath());
        assertEquals(GatewayConfig.ConfigStep.NONE, c.configStep());
        assertTrue(c.root().isMissingNode());
        String tried = "/nowhere/openclaw.json, /nostate/openclaw.json, " + home.resolve(".openclaw/openclaw.json");
        assertEquals("no OpenClaw config found (tried " + tried + ")", c.configError());
        assertEquals("no gateway token: no OpenClaw config found (tried " + tried + ");"
                + " point OPENCLAW_CONFIG_PATH at openclaw.json or set OPENCLAW_GATEWAY_TOKEN", c.problem());
    }

    @Test
    void missingFileWithTheEnvironmentTokenIsFine() {
        vars.put("OPENCLAW_GATEWAY_TOKEN", "env-tok");
        GatewayConfig c = load();
        assertEquals("env-tok", c.token().value());
        assertEquals("env OPENCLAW_GATEWAY_TOKEN", c.tokenSource());
        assertNull(c.problem());
        assertTrue(c.configError().startsWith("no OpenClaw config found"));
    }

    @Test
    void configWithoutTokenSaysHowToPersistOne() throws IOException {
        Path file = homeConfig("{gateway: {mode: 'local'}}");
        GatewayConfig c = load();
        assertNull(c.token());
        assertEquals("none", c.tokenSource());
        assertEquals("no gateway token: gateway.auth.token is not set in " + file + "; persist one with"
                + " \"openclaw config set gateway.auth.token <token>\" or \"openclaw doctor --generate-gateway-token\""
                + " (then restart the gateway), or set OPENCLAW_GATEWAY_TOKEN", c.problem());
    }

    @Test
    void envVarReferenceIsResolved() throws IOException {
        homeConfig("{gateway:{auth:{token:'${MY_GW_TOKEN}'}}}");
        vars.put("MY_GW_TOKEN", "resolved-tok");
        GatewayConfig c = load();
        assertEquals("resolved-tok", c.token().value());
        assertEquals("gateway.auth.token", c.tokenSource());
    }

    @Test
    void unsetEnvVarReferenceFallsBackToTheEnvironmentTokenOrExplains() throws IOException {
        homeConfig("{gateway:{auth:{token:'${MY_GW_TOKEN}'}}}");
        assertEquals("no gateway token: gateway.auth.token is \"${MY_GW_TOKEN}\" but MY_GW_TOKEN is not set;"
                + " export MY_GW_TOKEN or set OPENCLAW_GATEWAY_TOKEN", load().problem());
        vars.put("OPENCLAW_GATEWAY_TOKEN", "env-tok");
        assertEquals("env OPENCLAW_GATEWAY_TOKEN", load().tokenSource());
    }

    @Test
    void aReferenceToAnInvalidVariableNameIsAPlainToken() throws IOException {
        homeConfig("{gateway:{auth:{token:'${lower}'}}}");
        assertEquals("${lower}", load().token().value());
    }

    @Test
    void envSecretRefIsResolved() throws IOException {
        homeConfig("{gateway:{auth:{token:{source:'env', provider:'default', id:'GW_SECRET'}}}}");
        vars.put("GW_SECRET", "ref-tok");
        assertEquals("ref-tok", load().token().value());
        vars.remove("GW_SECRET");
        assertEquals("no gateway token: gateway.auth.token is a SecretRef to env GW_SECRET, which is not set;"
                + " export GW_SECRET or set OPENCLAW_GATEWAY_TOKEN", load().problem());
    }

    @Test
    void secretVariablesNameEveryVariableASecretIsOrMayBeReadFrom() throws IOException {
        homeConfig("{gateway: {auth: {mode: 'token', token: '${GW_TOKEN}', password: 'pre-${GW_PASS}-${GW_PASS2}'}},"
                + " hooks: {token: {source: 'env', id: 'HOOKS_TOKEN'}}, channels: {telegram: {botToken: '${NOT_OURS}'}}}");
        assertEquals(Set.of("OPENCLAW_GATEWAY_TOKEN", "OPENCLAW_GATEWAY_PASSWORD", "MY_TOKEN", "GW_TOKEN", "GW_PASS",
                "GW_PASS2", "HOOKS_TOKEN"), GatewayConfig.load(env(), null, "MY_TOKEN").secretVariables());
        assertEquals(Set.of("OPENCLAW_GATEWAY_TOKEN", "OPENCLAW_GATEWAY_PASSWORD"),
                GatewayConfig.load(new Env(vars, home.resolve("nowhere")), null, null).secretVariables(), "no config");
    }

    @Test
    void nonEnvSecretRefPointsAtTokenEnv() throws IOException {
        homeConfig("{gateway:{auth:{token:{source:'file', provider:'default', id:'/run/secret'}}}}");
        GatewayConfig c = load();
        assertNull(c.token());
        assertEquals("no gateway token: gateway.auth.token is a SecretRef with source \"file\", which claude-code-task"
                + " cannot resolve; pass --token-env <VAR> naming a variable that holds it, or set"
                + " OPENCLAW_GATEWAY_TOKEN", c.problem());
    }

    @Test
    void passwordModeUsesThePasswordThenItsVariable() throws IOException {
        homeConfig("{gateway:{auth:{mode:'password', password:'pw-1', token:'stale-token'}}}");
        GatewayConfig c = load();
        assertEquals("pw-1", c.token().value());
        assertEquals("gateway.auth.password", c.tokenSource());
        assertEquals("password", c.authMode());

        homeConfig("{gateway:{auth:{mode:'password'}}}");
        vars.put("OPENCLAW_GATEWAY_PASSWORD", "pw-env");
        c = load();
        assertEquals("pw-env", c.token().value());
        assertEquals("env OPENCLAW_GATEWAY_PASSWORD", c.tokenSource());

        vars.clear();
        Path file = home.resolve(".openclaw/openclaw.json");
        assertEquals("no gateway password: gateway.auth.mode is \"password\" but gateway.auth.password is not set in "
                + file + "; set it or OPENCLAW_GATEWAY_PASSWORD", load().problem());
    }

    @Test
    void tokenEnvComesFirst() throws IOException {
        homeConfig("{gateway:{auth:{token:'cfg-tok'}}}");
        vars.put("CUSTOM_TOKEN", "custom-tok");
        vars.put("OPENCLAW_GATEWAY_TOKEN", "env-tok");
        GatewayConfig c = GatewayConfig.load(env(), null, "CUSTOM_TOKEN");
        assertEquals("custom-tok", c.token().value());
        assertEquals("env CUSTOM_TOKEN", c.tokenSource());
    }

    @Test
    void configTokenBeatsTheEnvironmentToken() throws IOException {
        homeConfig("{gateway:{auth:{token:'cfg-tok'}}}");
        vars.put("OPENCLAW_GATEWAY_TOKEN", "env-tok");
        assertEquals("cfg-tok", load().token().value());
    }

    @Test
    void unsetTokenEnvFallsThroughButIsTheReportedReason() throws IOException {
        homeConfig("{gateway:{auth:{token:'cfg-tok'}}}");
        assertEquals("cfg-tok", GatewayConfig.load(env(), null, "NOPE").token().value());
        homeConfig("{gateway:{}}");
        assertEquals("no gateway token: --token-env NOPE names an unset variable; export NOPE",
                GatewayConfig.load(env(), null, "NOPE").problem());
    }

    @Test
    void authModeNoneNeedsNoToken() throws IOException {
        homeConfig("{gateway:{auth:{mode:'none'}}}");
        vars.put("OPENCLAW_GATEWAY_TOKEN", "env-tok");
        GatewayConfig c = load();
        assertEquals("none", c.authMode());
        assertNull(c.token());
        assertEquals("none", c.tokenSource());
        assertNull(c.problem());
    }

    @Test
    void portFromEnvironmentBeatsConfigAndUrlOverrideBeatsBoth() throws IOException {
        homeConfig("{gateway:{port:19001, auth:{token:'t'}}}");
        assertEquals("http://127.0.0.1:19001", load().baseUrl());
        vars.put("OPENCLAW_GATEWAY_PORT", "19002");
        assertEquals("http://127.0.0.1:19002", load().baseUrl());
        vars.put("OPENCLAW_GATEWAY_PORT", "70000");
        assertEquals("http://gw.local:1234", GatewayConfig.load(env(), "http://gw.local:1234//", null).baseUrl());
        assertNull(GatewayConfig.load(env(), "http://gw.local:1234//", null).problem(), "the URL names the port");
    }

    @Test
    void aPortVariableThatIsNotAPortIsAnErrorNotTheDefault() throws IOException {
        homeConfig("{gateway:{port:19001, auth:{token:'t'}}}");
        for (String bad : new String[] {"0", "65536", "-1", "not-a-port"}) {
            vars.put("OPENCLAW_GATEWAY_PORT", bad);
            GatewayConfig c = load();
            assertEquals("OPENCLAW_GATEWAY_PORT is \"" + bad + "\", not a port: set it to a number from 1 to 65535,"
                    + " or unset it", c.invalidSetting());
            assertEquals(c.invalidSetting(), c.problem());
            assertEquals("http://127.0.0.1:" + bad, c.baseUrl(), "never replaced by 18789");
        }
    }

    @Test
    void aConfigPortThatIsNotAPortIsAnErrorNotTheDefault() throws IOException {
        for (String bad : new String[] {"70000", "0", "'x'", "true", "{}"}) {
            Path file = homeConfig("{gateway:{port:" + bad + ", auth:{token:'t'}}}");
            GatewayConfig c = load();
            String shown = bad.equals("'x'") ? "\"x\"" : bad;
            assertEquals("gateway.port in " + file + " is " + shown + ", not a port: set it to a number from 1 to"
                    + " 65535, or remove it for 18789", c.invalidSetting());
            assertEquals(c.invalidSetting(), c.problem());
            assertFalse(c.baseUrl().endsWith(":18789"), c.baseUrl());
        }
        homeConfig("{gateway:{port:'19003', auth:{token:'t'}}}");
        assertNull(load().invalidSetting());
        assertEquals("http://127.0.0.1:19003", load().baseUrl());
    }

    @Test
    void hooksBlock() throws IOException {
        homeConfig("{gateway:{auth:{token:'gw-tok'}}, hooks:{enabled:true, token:'${HOOK_TOK}', path:'hooks2/'}}");
        vars.put("HOOK_TOK", "hook-tok");
        GatewayConfig.Hooks h = load().hooks();
        assertTrue(h.enabled());
        assertEquals("hook-tok", h.token().value());
        assertEquals("/hooks2", h.path());
        assertNull(h.problem());
    }

    @Test
    void hooksProblems() throws IOException {
        Path file = homeConfig("{gateway:{auth:{token:'gw-tok'}}}");
        GatewayConfig.Hooks h = load().hooks();
        assertEquals("/hooks", h.path());
        assertEquals("hooks are disabled: set hooks.enabled to true and a hooks.token (different from the gateway"
                + " token) in " + file, h.problem());

        homeConfig("{gateway:{auth:{token:'gw-tok'}}, hooks:{enabled:true}}");
        assertEquals("hooks.token is not set in " + file + "; set one different from the gateway token",
                load().hooks().problem());

        homeConfig("{gateway:{auth:{token:'gw-tok'}}, hooks:{enabled:true, token:'gw-tok'}}");
        assertEquals("hooks.token equals the gateway token, which the gateway rejects; set a different hooks.token in "
                + file, load().hooks().problem());

        homeConfig("{gateway:{auth:{token:'gw-tok'}}, hooks:{enabled:true, token:{source:'exec', id:'x'}}}");
        assertEquals("hooks.token is a SecretRef with source \"exec\", which claude-code-task cannot resolve;"
                + " use a plain value, \"${VAR}\" or an env SecretRef", load().hooks().problem());
    }

    @Test
    void noSecretInToString() throws IOException {
        homeConfig("{gateway:{auth:{token:'gw-secret-tok'}}, hooks:{enabled:true, token:'hook-secret-tok'}}");
        GatewayConfig c = load();
        String shown = c + " " + c.hooks() + " " + c.token();
        assertFalse(shown.contains("secret-tok"), shown);
        assertTrue(shown.contains("token from gateway.auth.token"), shown);
    }
}
