package dev.cctask.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The real OpenClaw gateway 2026.9.6 as a loopback test peer (GATEWAY.md §9): a throwaway home, state dir, config and
 * token under the test's folder, a free port passed with {@code --port}, Telegram pointed at a {@link FakeTelegram}
 * and the default model at a {@link FakeModelProvider}, Node 24 first on PATH. Ready when its log says
 * {@code [gateway] ready}; {@link #close()} ends it with its whole process tree. Starting takes ≈ 25 s: start it
 * once per test class and change {@code gateway.tools.allow} with {@link #allowTools} (hot reload, ≈ 2 s).
 */
final class OpenClawGateway implements AutoCloseable {
    static final Duration START_LIMIT = Duration.ofSeconds(150);
    private static final MediaType JSON = MediaType.get("application/json");
    private static final String READY = "[gateway] ready";
    private static final String RELOADED = "config hot reload applied";

    private final Path dir;
    private final Path configPath;
    private final int port;
    private final String token = "e2e-" + UUID.randomUUID();
    private final FakeTelegram telegram;
    private final FakeModelProvider model;
    private final OkHttpClient http = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(40)).build();
    private Proc proc;
    private List<String> allowed = List.of();

    /** One HTTP answer of the gateway. */
    record Reply(int status, JsonNode body) {}

    private OpenClawGateway(Path dir, FakeTelegram telegram, FakeModelProvider model) {
        this.dir = dir;
        this.configPath = dir.resolve("home/.openclaw/openclaw.json");
        this.port = freePort();
        this.telegram = telegram;
        this.model = model;
    }

    /** Starts the gateway with {@code gateway.tools.allow = allow} and waits until it is ready. */
    static OpenClawGateway start(E2ePeers peers, Path dir, FakeTelegram telegram, FakeModelProvider model,
            List<String> allow) {
        OpenClawGateway gw = new OpenClawGateway(dir, telegram, model);
        boolean ready = false;
        try {
            Files.createDirectories(gw.configPath.getParent());
            Files.createDirectories(dir.resolve("tmp"));
            gw.writeConfig(allow);
            List<String> cmd = List.of(peers.openclawBin().toString(), "gateway", "run", "--port",
                    String.valueOf(gw.port), "--bind", "loopback", "--verbose");
            gw.proc = Proc.start(cmd, gw.env(peers), dir, dir, "gateway", null);
            long t0 = System.nanoTime();
            gw.awaitLog(READY, 1, START_LIMIT);
            System.out.printf("openclaw gateway ready on port %d in %.1f s%n", gw.port, (System.nanoTime() - t0) / 1e9);
            ready = true;
            return gw;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (!ready) {
                gw.close();
            }
        }
    }

    int port() {
        return port;
    }

    String token() {
        return token;
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** The gateway's own config file: run-task finds port and token in it, as on a real host. */
    Path configPath() {
        return configPath;
    }

    /** A copy of this gateway's config with another token: a client configured with the wrong token. */
    Path configWithToken(Path file, String otherToken) {
        try {
            ObjectNode root = (ObjectNode) Json.parse(Files.readString(configPath, StandardCharsets.UTF_8));
            ((ObjectNode) root.path("gateway").path("auth")).put("token", otherToken);
            Files.createDirectories(file.getParent());
            Files.writeString(file, Json.write(root), StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** stdout and stderr of the gateway so far. */
    String log() {
        return proc == null ? "" : proc.stdout() + proc.stderr();
    }

    /** Rewrites {@code gateway.tools.allow} and waits for the gateway's hot reload of it (no-op when unchanged). */
    void allowTools(List<String> allow) {
        if (allow.equals(allowed)) {
            return;
        }
        int before = count(log(), RELOADED);
        long t0 = System.nanoTime();
        writeConfig(allow);
        awaitLog(RELOADED, before + 1, Duration.ofSeconds(60));
        System.out.printf("openclaw gateway: gateway.tools.allow=%s reloaded in %.1f s%n", allow, (System.nanoTime() - t0) / 1e9);
    }

    /** {@code POST /tools/invoke} with this gateway's token. */
    Reply invoke(JsonNode body) {
        return invoke(body, token);
    }

    Reply invoke(JsonNode body, String bearer) {
        Request req = new Request.Builder().url(baseUrl().resolve("/tools/invoke").toString())
                .header("Authorization", "Bearer " + bearer)
                .post(RequestBody.create(Json.write(body), JSON)).build();
        try (Response res = http.newCall(req).execute()) {
            String text = res.body().string();
            return new Reply(res.code(), text.isBlank() ? Json.object() : Json.parse(text));
        } catch (IOException e) {
            throw new UncheckedIOException("POST /tools/invoke failed", e);
        }
    }

    private Map<String, String> env(E2ePeers peers) {
        Path home = dir.resolve("home");
        Map<String, String> env = new TreeMap<>();
        env.put("PATH", peers.node24Bin() + ":/usr/local/bin:/usr/bin:/bin");
        env.put("LANG", "C");
        env.put("HOME", home.toString());
        env.put("TMPDIR", dir.resolve("tmp").toString());
        env.put("OPENCLAW_HOME", home.toString());
        env.put("OPENCLAW_STATE_DIR", configPath.getParent().toString());
        env.put("OPENCLAW_CONFIG_PATH", configPath.toString());
        for (String flag : List.of("OPENCLAW_DISABLE_BONJOUR", "OPENCLAW_NO_AUTO_UPDATE",
                "OPENCLAW_SKIP_BROWSER_CONTROL_SERVER", "OPENCLAW_SKIP_CANVAS_HOST", "OPENCLAW_SKIP_GMAIL_WATCHER",
                "OPENCLAW_NO_RESPAWN", "NO_COLOR")) {
            env.put(flag, "1");
        }
        return env;
    }

    /** The config of GATEWAY.md §9.2, §9.4 and §9.5, written as JSON (valid JSON5). */
    private void writeConfig(List<String> allow) {
        allowed = List.copyOf(allow);
        ObjectNode root = Json.object();
        ObjectNode gateway = root.putObject("gateway").put("mode", "local").put("port", port).put("bind", "loopback");
        gateway.putObject("auth").put("mode", "token").put("token", token);
        allow.forEach(gateway.putObject("tools").putArray("allow")::add);
        root.putObject("logging").put("file", dir.resolve("openclaw-file.log").toString());
        ObjectNode tg = root.putObject("channels").putObject("telegram").put("enabled", true)
                .put("botToken", FakeTelegram.BOT_TOKEN).put("apiRoot", telegram.apiRoot())
                .put("groupPolicy", "open");
        tg.putArray("groupAllowFrom").add("*");
        tg.putObject("groups").putObject(FakeTelegram.GROUP).put("groupPolicy", "open").put("requireMention", false);
        root.putObject("agents").putObject("defaults").putObject("model").put("primary", "fake/" + FakeModelProvider.MODEL);
        ObjectNode fake = root.putObject("models").put("mode", "merge").putObject("providers").putObject("fake")
                .put("baseUrl", model.apiBase()).put("apiKey", "sk-fake").put("api", "openai-completions");
        ObjectNode m = fake.putArray("models").addObject().put("id", FakeModelProvider.MODEL).put("name", "Fake")
                .put("reasoning", false);
        m.putArray("input").add("text");
        m.putObject("cost").put("input", 0).put("output", 0).put("cacheRead", 0).put("cacheWrite", 0);
        m.put("contextWindow", 32000).put("maxTokens", 1024);
        try {
            Path tmp = configPath.resolveSibling("openclaw.json.tmp");
            Files.writeString(tmp, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root),
                    StandardCharsets.UTF_8);
            Files.move(tmp, configPath, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Polls the gateway's output until {@code line} occurs {@code times} times; fails early if it died. */
    private void awaitLog(String line, int times, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        Predicate<String> done = log -> count(log, line) >= times;
        while (!done.test(log())) {
            if (!proc.isAlive()) {
                fail("openclaw gateway exited (" + proc.handle().pid() + ") before '" + line + "':\n" + tail());
            }
            if (System.nanoTime() > deadline) {
                fail("openclaw gateway: no '" + line + "' after " + limit.toSeconds() + " s:\n" + tail());
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    String tail() {
        String log = log();
        return log.length() > 6000 ? log.substring(log.length() - 6000) : log;
    }

    static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (proc != null) {
            long t0 = System.nanoTime();
            proc.close();
            System.out.printf("openclaw gateway stopped in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        }
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
