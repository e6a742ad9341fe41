package dev.cctask.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The real peers installed by {@code scripts/e2e-setup}, read from {@code <cache>/peers.env}. The cache is
 * {@code -Dcctask.e2e.cache}, else {@code $CCTASK_E2E_CACHE}, else {@code ~/.cache/claude-code-task/e2e} (the
 * script's default). Missing peers FAIL the suite: under -Pe2e a real peer is never silently skipped.
 */
record E2ePeers(Path claudeBin, Path node24Bin, Path openclawBin) {

    static final String CLAUDE_VERSION = "2.1.332";
    static final String OPENCLAW_VERSION = "2026.9.6";

    static E2ePeers locate() {
        Path cache = cacheDir();
        Path env = cache.resolve("peers.env");
        if (!Files.isRegularFile(env)) {
            fail("Real peers not installed: " + env + " is missing. Run scripts/e2e-setup first"
                    + " (it installs claude-code " + CLAUDE_VERSION + ", Node 24 and openclaw " + OPENCLAW_VERSION
                    + " into " + cache + "; set CCTASK_E2E_CACHE to use another folder).");
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(env, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new AssertionError("Cannot read " + env, e);
        }
        if (!CLAUDE_VERSION.equals(p.getProperty("CLAUDE_VERSION"))
                || !OPENCLAW_VERSION.equals(p.getProperty("OPENCLAW_VERSION"))) {
            fail(env + " names other peer versions than this suite pins (claude-code " + CLAUDE_VERSION
                    + ", openclaw " + OPENCLAW_VERSION + "): run scripts/e2e-setup again");
        }
        E2ePeers peers = new E2ePeers(path(p, env, "CLAUDE_BIN"), path(p, env, "NODE24_BIN"), path(p, env, "OPENCLAW_BIN"));
        for (Path exe : new Path[] {peers.claudeBin, peers.node24Bin.resolve("node"), peers.openclawBin}) {
            if (!Files.isExecutable(exe)) {
                fail(exe + " (from " + env + ") is not an executable: run scripts/e2e-setup again");
            }
        }
        return peers;
    }

    private static Path cacheDir() {
        String dir = System.getProperty("cctask.e2e.cache");
        if (dir == null || dir.isBlank()) {
            dir = System.getenv("CCTASK_E2E_CACHE");
        }
        if (dir == null || dir.isBlank()) {
            return Path.of(System.getProperty("user.home"), ".cache", "claude-code-task", "e2e");
        }
        return Path.of(dir);
    }

    private static Path path(Properties p, Path env, String key) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            fail(env + " lacks " + key + ": run scripts/e2e-setup again");
        }
        return Path.of(v);
    }
}
