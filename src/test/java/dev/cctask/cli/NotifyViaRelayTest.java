package dev.cctask.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cctask.Env;
import dev.cctask.support.CliRun;
import dev.cctask.support.Posted;
import dev.cctask.control.ControlEnv;
import dev.cctask.control.NotifyRelay;
import dev.cctask.control.RunControl;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code notify -m TEXT} inside a supervised run (SPEC §14): through {@code App.run} to the run's real relay. */
class NotifyViaRelayTest {
    private static final String OK = "{\n  \"status\": \"ok\"\n}\n";

    @TempDir
    Path home;

    private final Posted posted = new Posted();
    private final Map<String, String> vars = new HashMap<>();
    private RunControl relay;

    @BeforeEach
    void startRelay() throws IOException {
        relay = RunControl.start(Map.of(ControlEnv.NOTIFY_PATH, new NotifyRelay(posted)), home.resolve("run.control"),
                line -> { });
        vars.putAll(relay.childEnv());
    }

    @AfterEach
    void stopRelay() {
        relay.close();
    }

    private CliRun notify(String... args) {
        String[] argv = new String[args.length + 1];
        argv[0] = "notify";
        System.arraycopy(args, 0, argv, 1, args.length);
        CliRun run = CliRun.run(new Env(Map.copyOf(vars), home), argv);
        String secret = relay.childEnv().get(NotifyRelay.SECRET_ENV);
        assertTrue(!run.out().contains(secret) && !run.err().contains(secret), run.toString());
        return run;
    }

    private static String error(String text) {
        return "{\n  \"status\": \"error\",\n  \"error\": \"" + text + "\"\n}\n";
    }

    @Test
    void messageReachesTheRelayUnchangedAndPrintsOk() throws InterruptedException {
        String text = "Tests pass ✅ — \"quoted\", 'single', $HOME, ж, 😀\nsecond line\n";
        assertEquals(new CliRun(OK, "", 0), notify("-m", text));
        assertEquals(List.of(text), posted.await(1));
    }

    @Test
    void backgroundFlagAndTimeoutAreAcceptedInRelayMode() throws InterruptedException {
        assertEquals(new CliRun(OK, "", 0), notify("--bg", "--timeout", "30", "--message=hi"));
        assertEquals(List.of("hi"), posted.await(1));
    }

    @Test
    void wrongSecretIsAnErrorStatusThatDoesNotShowTheSecret() throws InterruptedException {
        vars.put(NotifyRelay.SECRET_ENV, "not-the-secret");
        assertEquals(new CliRun(error("HTTP 403: wrong or missing relay secret — the relay refused"
                + " RUN_TASK_NOTIFY_SECRET: use the environment of the run that started Claude"), "", 1), notify("-m", "x"));
        vars.remove(NotifyRelay.SECRET_ENV);
        assertEquals(1, notify("-m", "x").exitCode());
        assertEquals(List.of(), posted.await(0));
    }

    @Test
    void tooLongMessageIsRefusedBeforePosting() throws InterruptedException {
        String fits = "😀".repeat(4000);
        assertEquals(0, notify("-m", fits).exitCode());
        assertEquals(new CliRun(error("HTTP 413: message too long: at most 4000 characters — shorten the message"), "",
                1), notify("-m", fits + "x"));
        assertEquals(List.of(fits), posted.await(1));
    }

    @Test
    void seventhMessageInAMinuteIsRateLimitedWithTheWait() throws InterruptedException {
        for (int i = 1; i <= 6; i++) {
            assertEquals(0, notify("-m", "step " + i).exitCode());
        }
        CliRun limited = notify("-m", "step 7");
        assertEquals(1, limited.exitCode());
        assertTrue(limited.out().matches("(?s)\\{\n  \"status\": \"error\",\n  \"error\": \"HTTP 429: rate limit: at most 6"
                + " messages a minute — retry after (59|60)s\"\n}\n"), limited.out());
        assertEquals(6, posted.await(6).size());
    }

    @Test
    void endedRunSaysHowToPostWithoutTheRelay() {
        String url = relay.childEnv().get(NotifyRelay.URL_ENV);
        relay.close();
        assertEquals(new CliRun(error("Notify relay not running on " + url + " (has the run that set"
                + " RUN_TASK_NOTIFY_URL ended?): post with -g, --session or --channel/--target instead"), "", 1),
                notify("-m", "x"));
    }

    @Test
    void aRouteOptionGoesToTheGatewayEvenInsideARun() throws IOException, InterruptedException {
        try (MockWebServer gateway = new MockWebServer()) {
            gateway.start(InetAddress.getByName("127.0.0.1"), 0);
            gateway.enqueue(new MockResponse.Builder().code(200)
                    .body("{\"ok\":true,\"result\":{\"details\":{\"ok\":true}}}").build());
            vars.put("OPENCLAW_GATEWAY_TOKEN", "gateway-token-1234");
            vars.put("OPENCLAW_CONFIG_PATH", home.resolve("absent.json").toString());
            assertEquals(new CliRun(OK, "", 0), notify("--bg", "-g", "1@g.us", "-m", "direct",
                    "--gateway-url", gateway.url("/").toString()));
            assertTrue(gateway.takeRequest(5, TimeUnit.SECONDS).getBody().utf8().contains("📡 direct"));
        }
        assertEquals(List.of(), posted.await(0));
    }
}
