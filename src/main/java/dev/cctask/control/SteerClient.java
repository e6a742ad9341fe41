package dev.cctask.control;

import dev.cctask.Text;
import dev.cctask.gateway.GatewayClient;
import dev.cctask.gateway.HttpPost;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The client side of the steer route (issue 17): reads the run's {@link ControlFile}, POSTs the message with the
 * control secret, and says how it went. A run that is starting Claude (503) or serving another control request
 * (429) is asked again every {@link #RETRY_EVERY} for at most {@link #PATIENCE}.
 */
public final class SteerClient {
    static final Duration PATIENCE = Duration.ofSeconds(15);
    static final Duration RETRY_EVERY = Duration.ofMillis(100);
    private static final String TEXT = "text/plain; charset=utf-8";

    private SteerClient() {}

    /** How a steer went. */
    public enum Outcome {
        /** Written to Claude's stdin. */
        SENT,
        /** Held: the run is paused at the plan's usage limit, and the message goes in when it resumes. */
        HELD,
        /** The run has finished: Claude's input is closed, or the run's control endpoint is gone. */
        FINISHED,
        /** Anything else; the reason says what. */
        FAILED
    }

    /** @param reason why it failed (null unless {@link Outcome#FAILED}) */
    public record Answer(Outcome outcome, String reason) {}

    /** Sends {@code text} to the run whose control file is {@code controlFile}, with the JDK's HTTP client. */
    public static Answer send(Path controlFile, String text) {
        return send(HttpPost.oneShot(), controlFile, text, PATIENCE);
    }

    static Answer send(HttpPost http, Path controlFile, String text, Duration patience) {
        Reply r = call(http, controlFile, ControlEnv.STEER_PATH, TEXT, text.getBytes(StandardCharsets.UTF_8), patience);
        switch (r.status()) {
            case Reply.GONE:
            case 409:
                return new Answer(Outcome.FINISHED, null);
            case 200:
                return new Answer(Outcome.SENT, null);
            case 202:
                return new Answer(Outcome.HELD, null);
            case Reply.FAILED:
                return failed(r.reason());
            case 429:
            case 503:
                return failed("The run did not take the message within " + patience.toSeconds() + " s: " + r.reason());
            default:
                return failed("The run refused the message (HTTP " + r.status() + "): " + r.reason());
        }
    }

    /**
     * A control route's answer: its HTTP status and reason, {@link #GONE} when the run has no endpoint any more (its
     * control file or server is gone: it has finished), {@link #FAILED} when there was no answer (the reason says why).
     */
    public record Reply(int status, String reason) {
        public static final int GONE = 0;
        public static final int FAILED = -1;
    }

    /**
     * POSTs {@code body} to the route {@code path} of the run whose control file is {@code controlFile}, with the
     * control secret. A run that is starting Claude (503) or serving another control request (429) is asked again
     * every {@link #RETRY_EVERY} for at most {@code patience}; then its last answer is returned.
     */
    public static Reply call(HttpPost http, Path controlFile, String path, String contentType, byte[] body,
            Duration patience) {
        ControlFile control;
        try {
            control = ControlFile.read(controlFile);
        } catch (NoSuchFileException gone) {
            return new Reply(Reply.GONE, null); // removed when the run stopped
        } catch (IOException e) {
            return new Reply(Reply.FAILED, "Cannot read the control file " + controlFile + ": " + e.getMessage());
        }
        String url = control.url() + path;
        long deadline = System.nanoTime() + patience.toNanos();
        try (http) {
            while (true) {
                HttpPost.Answer a;
                try {
                    a = http.post(url, Map.of("Authorization", "Bearer " + control.secret().value()), contentType,
                            body, SteerRoute.WRITE_WAIT.plusSeconds(5));
                } catch (ConnectException closed) {
                    return new Reply(Reply.GONE, null); // the run closed its endpoint when it stopped
                } catch (IOException e) {
                    return new Reply(Reply.FAILED, GatewayClient.redact("No answer from the run's control endpoint "
                            + url + ": " + e, control.secret()));
                }
                String reason = Text.oneLine(NotifyRelayClient.reason(a.body()), 300);
                if ((a.status() == 429 || a.status() == 503) && System.nanoTime() < deadline && pause()) {
                    continue;
                }
                return new Reply(a.status(), reason);
            }
        }
    }

    private static boolean pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(RETRY_EVERY.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Answer failed(String reason) {
        return new Answer(Outcome.FAILED, reason);
    }
}
