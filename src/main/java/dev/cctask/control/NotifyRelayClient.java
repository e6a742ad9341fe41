package dev.cctask.control;

import static dev.cctask.control.ControlEnv.SECRET_VARIABLE;
import static dev.cctask.control.ControlEnv.URL_VARIABLE;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cctask.Env;
import dev.cctask.Text;
import dev.cctask.gateway.GatewayClient;
import dev.cctask.gateway.HttpPost;
import dev.cctask.gateway.Json;
import dev.cctask.gateway.NotifyStatus;
import dev.cctask.gateway.Secret;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.MalformedURLException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The client side of a supervised run's notify relay (SPEC §14): the run puts the relay's URL and a per-run secret
 * into Claude's environment, and {@code notify -m TEXT} posts the text there instead of to the gateway, so Claude
 * needs neither the gateway token nor the chat id. The relay posts it on the run's own route.
 */
public final class NotifyRelayClient {
    private static final String TEXT = "text/plain; charset=utf-8";

    private NotifyRelayClient() {}

    /** Whether the environment names a run's relay ({@code notify} then needs no route). */
    public static boolean isSet(Env env) {
        return env.get(URL_VARIABLE) != null;
    }

    /** Posts {@code text} to the relay the environment names, once, with the JDK's HTTP client. */
    public static NotifyStatus post(Env env, String text) {
        return post(HttpPost.oneShot(), env.get(URL_VARIABLE), Secret.ofNullable(env.get(SECRET_VARIABLE)), text);
    }

    /** Posts {@code text} as a UTF-8 body; 200 is ok, anything else an error status saying why. */
    static NotifyStatus post(HttpPost http, String url, Secret secret, String text) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (secret != null) {
            headers.put("Authorization", "Bearer " + secret.value());
        }
        Duration timeout = GatewayClient.MESSAGE_TIMEOUT;
        try {
            HttpPost.Answer answer = http.post(url, headers, TEXT, text.getBytes(StandardCharsets.UTF_8), timeout);
            if (answer.status() == 200) {
                return NotifyStatus.ok(null);
            }
            String reason = Text.oneLine(reason(answer.body()), 200);
            return NotifyStatus.error(GatewayClient.redact("HTTP " + answer.status() + ": " + reason
                    + hint(answer.status(), answer.retryAfter()), secret));
        } catch (MalformedURLException e) {
            return NotifyStatus.error(URL_VARIABLE + " is not an http URL: " + url);
        } catch (ConnectException e) {
            return NotifyStatus.error("Notify relay not running on " + url + " (has the run that set "
                    + URL_VARIABLE + " ended?): post with -g, --session or --channel/--target instead");
        } catch (InterruptedIOException e) {
            return NotifyStatus.error("No answer from the notify relay on " + url + " within " + timeout.toSeconds()
                    + "s");
        } catch (IOException e) {
            return NotifyStatus.error(
                    GatewayClient.redact("Cannot reach the notify relay on " + url + ": " + e, secret));
        } finally {
            http.close();
        }
    }

    /** The control server answers {@code {"status":"error","error":REASON}}; anything else is shown as it came. */
    static String reason(String body) {
        try {
            JsonNode json = Json.mapper().readTree(body);
            return json != null && json.path("error").isTextual() ? json.path("error").textValue() : body;
        } catch (JacksonException e) {
            return body;
        }
    }

    private static String hint(int status, String retryAfter) {
        return switch (status) {
            case 403 -> " — the relay refused " + SECRET_VARIABLE + ": use the environment of the run that started"
                    + " Claude";
            case 413 -> " — shorten the message";
            case 429 -> " — retry after "
                    + GatewayClient.retryAfter(retryAfter, Instant.now()).toSeconds() + "s";
            default -> "";
        };
    }
}
