package dev.cctask.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cctask.Env;
import dev.cctask.support.CliRun;
import dev.cctask.support.Posted;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotifyRelayTest {
    static final MediaType TEXT = MediaType.get("text/plain; charset=utf-8");

    final Posted posted = new Posted();
    final AtomicLong clock = new AtomicLong(1_000_000_000_000L);
    final OkHttpClient http = new OkHttpClient();
    @TempDir
    Path dir;

    RunControl relay;
    Map<String, String> env;

    @BeforeEach
    void setUp() throws Exception {
        relay = RunControl.start(Map.of(ControlEnv.NOTIFY_PATH, new NotifyRelay(posted, clock::get)),
                dir.resolve("run.control"), line -> { });
        env = relay.childEnv();
    }

    @AfterEach
    void tearDown() {
        relay.close();
    }

    private Response post(String text, String secret) throws Exception {
        Request.Builder rb = new Request.Builder().url(env.get(NotifyRelay.URL_ENV)).post(RequestBody.create(text, TEXT));
        if (secret != null) {
            rb.header("Authorization", "Bearer " + secret);
        }
        return http.newCall(rb.build()).execute();
    }

    @Test
    void theChildGetsALoopbackUrlAndA128BitSecret() {
        assertTrue(env.get(NotifyRelay.URL_ENV).matches("http://127\\.0\\.0\\.1:\\d+/notify"), env.toString());
        assertTrue(env.get(NotifyRelay.SECRET_ENV).matches("[0-9a-f]{32}"), env.toString());
    }

    @Test
    void anAuthorisedMessageIsPostedAsGiven() throws Exception {
        try (Response r = post("Step 2/5 done ✅ «ок»", env.get(NotifyRelay.SECRET_ENV))) {
            assertEquals(200, r.code());
            assertEquals("{\"status\":\"ok\"}", r.body().string());
        }
        assertEquals(List.of("Step 2/5 done ✅ «ок»"), posted.await(1));
    }

    @Test
    void aMissingOrWrongSecretIs403AndNothingIsPosted() throws Exception {
        try (Response r = post("hi", null)) {
            assertEquals(403, r.code());
        }
        try (Response r = post("hi", "0".repeat(32))) {
            assertEquals(403, r.code());
            assertEquals("{\"status\":\"error\",\"error\":\"wrong or missing relay secret\"}", r.body().string());
        }
        assertEquals(List.of(), posted.await(0));
    }

    @Test
    void moreThan4000CodePointsIs413() throws Exception {
        String secret = env.get(NotifyRelay.SECRET_ENV);
        try (Response r = post("🚀".repeat(4000), secret)) {
            assertEquals(200, r.code(), "4000 code points (8000 UTF-16 units) is the limit, not over it");
        }
        try (Response r = post("x".repeat(4001), secret)) {
            assertEquals(413, r.code());
        }
        assertEquals(1, posted.await(1).size());
    }

    /**
     * Issue 12, item 10: a local client that announces a body and never sends it (no secret needed) held the relay's
     * only thread, and every notify after it hung for the run's lifetime.
     */
    @Test
    void aClientThatAnnouncesABodyAndNeverSendsItHoldsOnlyItsOwnSlot() throws Exception {
        URI url = URI.create(env.get(NotifyRelay.URL_ENV));
        try (Socket stalled = new Socket(InetAddress.getLoopbackAddress(), url.getPort())) {
            stalled.setSoTimeout((int) TimeUnit.SECONDS.toMillis(NotifyRelay.READ_LIMIT_SECONDS + 5));
            stalled.getOutputStream().write(("POST /notify HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n"
                    + "Expect: 100-continue\r\n\r\nonly a part").getBytes(StandardCharsets.US_ASCII));
            BufferedReader answer = new BufferedReader(new InputStreamReader(stalled.getInputStream(),
                    StandardCharsets.US_ASCII));
            // the relay says "continue" just before its handler starts reading the body that never comes
            assertEquals("HTTP/1.1 100 Continue", answer.readLine());

            CliRun notify = assertTimeoutPreemptively(Duration.ofSeconds(5),
                    () -> CliRun.run(new Env(env, Path.of("/nonexistent")), "notify", "-m", "still here"));
            assertEquals(new CliRun("{\n  \"status\": \"ok\"\n}\n", "", 0), notify);
            assertEquals(List.of("still here"), posted.await(1));

            // and the stalled request is dropped after the read limit, freeing its slot
            long start = System.nanoTime();
            try {
                while (answer.readLine() != null) {
                    // the blank line after "100 Continue", then the end of the connection
                }
            } catch (SocketException reset) {
                // dropped all the same
            }
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            assertTrue(seconds <= NotifyRelay.READ_LIMIT_SECONDS + 2, "dropped after " + seconds + " s");
        }
    }

    @Test
    void theSeventhMessageInAMinuteIs429WithRetryAfter() throws Exception {
        String secret = env.get(NotifyRelay.SECRET_ENV);
        for (int i = 1; i <= 6; i++) {
            clock.addAndGet(5_000_000_000L);
            try (Response r = post("m" + i, secret)) {
                assertEquals(200, r.code());
            }
        }
        try (Response r = post("m7", secret)) {
            assertEquals(429, r.code());
            assertEquals("35", r.header("Retry-After"), "the first of the six (at +5 s) leaves the window at +65 s; now is +30 s");
        }
        clock.addAndGet(35_000_000_000L);
        try (Response r = post("m8", secret)) {
            assertEquals(200, r.code());
        }
        assertEquals(List.of("m1", "m2", "m3", "m4", "m5", "m6", "m8"), posted.await(7));
    }
}
