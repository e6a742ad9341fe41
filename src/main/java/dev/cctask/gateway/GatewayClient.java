package dev.cctask.gateway;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cctask.Text;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.MalformedURLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Posts prepared bodies to the local OpenClaw gateway and classifies the answer (SPEC §7.2–§7.5). One instance
 * may be shared by threads. Plain HTTP only: the gateway listens on loopback without TLS.
 */
public final class GatewayClient implements AutoCloseable {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration MESSAGE_TIMEOUT = Duration.ofSeconds(15);
    static final Duration WAKE_TIMEOUT = Duration.ofSeconds(30);
    private static final String JSON = "application/json";
    private static final String THREAD_REJECTED = "cannot target a thread session";
    private static final List<String> PERMANENT_SEND_ERRORS =
            List.of("No session found", "cannot target the calling session", THREAD_REJECTED);
    private static final Set<String> SEND_ACCEPTED = Set.of("accepted", "ok", "queued");
    private static final String LOG_HINT =
            "the real cause is only in the gateway log: run \"openclaw logs\" or see /tmp/openclaw/openclaw-*.log";

    private final GatewayConfig config;
    private final Duration messageTimeout;
    private final Duration wakeTimeout;
    private final HttpPost http;

    /** A client for a process that posts many times: pooled connections. */
    public GatewayClient(GatewayConfig config) {
        this(config, HttpPost.pooled());
    }

    /** A client for a command that posts once or twice and exits, with one short limit for every call. */
    public static GatewayClient oneShot(GatewayConfig config, Duration timeout) {
        return new GatewayClient(config, HttpPost.oneShot(), timeout, timeout);
    }

    /** @param http {@link HttpPost#oneShot()} for a command that posts once */
    GatewayClient(GatewayConfig config, HttpPost http) {
        this(config, http, MESSAGE_TIMEOUT, WAKE_TIMEOUT);
    }

    /** Tests shorten the call timeouts. */
    GatewayClient(GatewayConfig config, HttpPost http, Duration messageTimeout, Duration wakeTimeout) {
        this.config = config;
        this.http = http;
        this.messageTimeout = messageTimeout;
        this.wakeTimeout = wakeTimeout;
    }

    /**
     * Sends an exact prepared body (what the outbox replays) and classifies the answer. A {@code sessions_send}
     * rejected with "cannot target a thread session" is retried once at once with the parent key [P4].
     *
     * @param idempotencyKey sent as {@code Idempotency-Key} for {@link Transport#HOOKS_AGENT}; ignored otherwise
     */
    public Outcome post(Transport transport, JsonNode body, String idempotencyKey) {
        String what = what(transport, body);
        Reply reply = exchange(transport, body, idempotencyKey);
        if (what.equals("sessions_send") && reply.sendError().contains(THREAD_REJECTED)) {
            String key = body.path("args").path("sessionKey").asText("");
            String parent = Routes.parentKey(key);
            if (!parent.equals(key)) {
                ObjectNode retry = body.deepCopy();
                if (retry.has("sessionKey")) {
                    retry.put("sessionKey", parent);
                }
                ((ObjectNode) retry.path("args")).put("sessionKey", parent);
                return withNote(classify(what, exchange(transport, retry, idempotencyKey)),
                        " (after retrying with parent key " + parent + ")");
            }
        }
        return classify(what, reply);
    }

    /**
     * One exchange without the thread-key retry, for side-effect-free probes ({@code run-task doctor}): the HTTP
     * status (-1 when no answer arrived), the parsed body ({@code MissingNode} when not JSON) and the classification.
     * The body may echo request data; print only the fields you need.
     */
    public Probe probe(Transport transport, JsonNode body) {
        Reply reply = exchange(transport, body, null);
        return new Probe(reply.status(), reply.json(), classify(what(transport, body), reply));
    }

    /** The raw answer of {@link #probe}. */
    public record Probe(int status, JsonNode json, Outcome outcome) {}

    /** Posts {@link Bodies#message} with {@code tools/invoke}. */
    public Outcome sendMessage(Route route, String text, boolean silent) {
        return post(Transport.TOOLS_INVOKE, Bodies.message(route, text, silent), null);
    }

    /** Ends the calls under way at once (they fail as connection errors); later calls work as before. */
    public void cancelCalls() {
        http.cancelAll();
    }

    @Override
    public void close() {
        http.close();
    }

    /** What the call is, for timeouts and texts: the tool name, or {@code hooks}. */
    private static String what(Transport transport, JsonNode body) {
        return transport == Transport.HOOKS_AGENT ? "hooks" : body.path("tool").asText("tool");
    }

    /** The answer of one HTTP exchange; {@code failure} set when none arrived. */
    private record Reply(int status, String body, JsonNode json, String retryAfter, Outcome failure) {
        JsonNode details() {
            return json.path("result").path("details");
        }

        String sendError() {
            return failure == null ? details().path("error").asText("") : "";
        }
    }

    private Reply exchange(Transport transport, JsonNode body, String idempotencyKey) {
        String what = what(transport, body);
        Secret secret = transport == Transport.HOOKS_AGENT ? config.hooks().token() : config.token();
        if (secret == null && (transport == Transport.HOOKS_AGENT || !config.authMode().equals("none"))) {
            String why = transport == Transport.HOOKS_AGENT ? config.hooks().problem() : config.problem();
            return failed(new Outcome.NeedsFix(-1, why != null ? why : "no gateway token"));
        }
        String path = transport == Transport.HOOKS_AGENT ? config.hooks().path() + "/agent" : "/tools/invoke";
        Map<String, String> headers = new LinkedHashMap<>();
        if (secret != null) {
            headers.put("Authorization", "Bearer " + secret.value());
        }
        if (transport == Transport.HOOKS_AGENT && idempotencyKey != null) {
            headers.put("Idempotency-Key", idempotencyKey);
        }
        // a document (up to 2 MB, passed on to the chat before the answer; tried once) gets twice a wake's limit
        Duration timeout = body.path("args").has("buffer") ? wakeTimeout.multipliedBy(2)
                : what.equals("sessions_send") || what.equals("hooks") ? wakeTimeout : messageTimeout;
        try {
            HttpPost.Answer answer = http.post(config.baseUrl() + path, headers, JSON, toBytes(body), timeout);
            return new Reply(answer.status(), answer.body(), parse(answer.body()), answer.retryAfter(), null);
        } catch (MalformedURLException e) {
            return failed(new Outcome.NeedsFix(-1, "invalid gateway URL " + config.baseUrl()
                    + ": pass --gateway-url http://127.0.0.1:<port>"));
        } catch (IOException e) {
            return failed(new Outcome.Retryable(-1, redact(ioFailure(e, timeout)), Duration.ZERO));
        }
    }

    private static Reply failed(Outcome outcome) {
        return new Reply(-1, "", MissingNode.getInstance(), null, outcome);
    }

    private String ioFailure(IOException e, Duration timeout) {
        if (e instanceof ConnectException) {
            return "gateway not running on " + config.baseUrl() + ": start it with \"openclaw gateway run\"";
        }
        if (e instanceof InterruptedIOException) {
            return "no answer from the gateway on " + config.baseUrl() + " within " + timeout.toSeconds() + "s";
        }
        return "cannot reach the gateway on " + config.baseUrl() + ": " + e;
    }

    /** SPEC §7.5: HTTP status, then {@code ok}, then {@code result.details}. */
    private Outcome classify(String what, Reply r) {
        if (r.failure() != null) {
            return r.failure();
        }
        int status = r.status();
        if (status >= 200 && status < 300) {
            return classifyOk(what, r);
        }
        String body = redact(Text.oneLine(r.body(), 200));
        String line = redact("HTTP " + status + ": " + body + hint(what, status, r));
        if (status == 400 || status == 413) {
            return new Outcome.Permanent(status, line, body);
        }
        if (status == 401 || status == 403 || status == 404) {
            return new Outcome.NeedsFix(status, line, body);
        }
        if (status == 408 || status == 429 || status >= 500) {
            return new Outcome.Retryable(status, line, retryAfter(r.retryAfter(), Instant.now()), body);
        }
        return new Outcome.Permanent(status, line, body);
    }

    private Outcome classifyOk(String what, Reply r) {
        int status = r.status();
        if (!r.json().path("ok").asBoolean(false)) {
            return new Outcome.Retryable(status, redact("HTTP " + status + ": unexpected answer: " + Text.oneLine(r.body(), 200)),
                    Duration.ZERO);
        }
        JsonNode details = r.details();
        if (what.equals("hooks")) {
            return new Outcome.Accepted(status, "hooks accepted (runId " + r.json().path("runId").asText("?") + ")");
        }
        if (details.path("ok").isBoolean() && !details.path("ok").booleanValue()) {
            return new Outcome.Retryable(status, redact(what + " failed: " + Text.oneLine(
                    details.has("error") ? details.path("error").asText() : details.toString(), 200)), Duration.ZERO);
        }
        String detailStatus = details.path("status").asText("");
        if (detailStatus.equals("suppressed")) {
            return new Outcome.Accepted(status, what + " suppressed by the gateway ("
                    + details.path("reason").asText("no reason given") + "): nothing was posted");
        }
        if (!what.equals("sessions_send") || detailStatus.isEmpty() || SEND_ACCEPTED.contains(detailStatus)) {
            return new Outcome.Accepted(status, what + " accepted"
                    + (detailStatus.isEmpty() ? "" : " (status " + detailStatus + ")"));
        }
        String error = details.path("error").asText("");
        String line = redact("sessions_send status " + detailStatus + (error.isEmpty() ? "" : ": " + Text.oneLine(error, 200))
                + sendHint(detailStatus, error));
        if (PERMANENT_SEND_ERRORS.stream().anyMatch(error::contains)) {
            return new Outcome.Permanent(status, line);
        }
        return new Outcome.Retryable(status, line, Duration.ZERO);
    }

    private static String sendHint(String detailStatus, String error) {
        if (error.contains("No session found")) {
            return " — the session exists only after its chat has had traffic; check the key with"
                    + " \"run-task doctor --session <key>\"";
        }
        if (detailStatus.equals("forbidden")) {
            return " — set tools.sessions.visibility to \"agent\" or \"all\" in the OpenClaw config";
        }
        return "";
    }

    private String hint(String what, int status, Reply r) {
        return switch (status) {
            case 401 -> what.equals("hooks")
                    ? " — the gateway rejected hooks.token: check hooks.token in the OpenClaw config"
                    : " — wrong gateway " + (config.authMode().equals("password") ? "password" : "token") + " (from "
                            + config.tokenSource() + "): it must match gateway.auth."
                            + (config.authMode().equals("password") ? "password" : "token") + ";"
                            + " a gateway started without a persisted token uses a random one, so persist one with"
                            + " \"openclaw config set gateway.auth.token <token>\" and restart the gateway";
            case 403 -> " — blocked by the gateway's tool policy";
            case 404 -> switch (what) {
                case "hooks" -> " — no hooks endpoint at " + config.hooks().path()
                        + "/agent: check hooks.enabled and hooks.path";
                case "sessions_send" -> " — add \"sessions_send\" to gateway.tools.allow:"
                        + " \"gateway\": {\"tools\": {\"allow\": [\"sessions_send\"]}}";
                default -> " — tool " + what + " not available over HTTP: remove \"" + what
                        + "\" from gateway.tools.deny and the tool policy";
            };
            case 408 -> " — the gateway timed out reading the request";
            case 413 -> " — the request is too large for the gateway";
            case 429 -> " — rate limited (after failed logins even the right token is refused until the lockout ends);"
                    + " retry after " + retryAfter(r.retryAfter(), Instant.now()).toSeconds() + "s";
            default -> status >= 500 ? " — " + LOG_HINT : "";
        };
    }

    /** {@code Retry-After} as delta-seconds or HTTP-date; zero when absent, unparsable or past. */
    public static Duration retryAfter(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return Duration.ZERO;
        }
        String h = header.strip();
        try {
            if (h.chars().allMatch(Character::isDigit)) {
                return Duration.ofSeconds(Long.parseLong(h));
            }
            Duration d = Duration.between(now, ZonedDateTime.parse(h, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            return d.isNegative() ? Duration.ZERO : d;
        } catch (NumberFormatException | DateTimeParseException e) {
            return Duration.ZERO;
        }
    }

    private static Outcome withNote(Outcome o, String note) {
        if (o instanceof Outcome.Retryable r) {
            return new Outcome.Retryable(r.httpStatus(), r.describe() + note, r.retryAfter(), r.body());
        }
        if (o instanceof Outcome.Permanent p) {
            return new Outcome.Permanent(p.httpStatus(), p.describe() + note, p.body());
        }
        if (o instanceof Outcome.NeedsFix f) {
            return new Outcome.NeedsFix(f.httpStatus(), f.describe() + note, f.body());
        }
        return new Outcome.Accepted(o.httpStatus(), o.describe() + note);
    }

    /** Belt and braces: no secret may reach a description, even if a gateway echoed it. */
    private String redact(String line) {
        return redact(line, config.token(), config.hooks().token());
    }

    /** {@code line} with every given secret (nulls skipped) replaced by {@code ***}. */
    public static String redact(String line, Secret... secrets) {
        for (Secret s : secrets) {
            if (s != null && s.value().length() >= 4) { // shorter ones would garble the text, and are no secret
                line = line.replace(s.value(), "***");
            }
        }
        return line;
    }

    private static JsonNode parse(String text) {
        try {
            JsonNode json = Json.mapper().readTree(text);
            return json == null ? MissingNode.getInstance() : json;
        } catch (JacksonException e) {
            return MissingNode.getInstance();
        }
    }

    private static byte[] toBytes(JsonNode body) {
        try {
            return Json.mapper().writeValueAsBytes(body);
        } catch (JacksonException e) {
            throw new IllegalStateException("cannot serialise a JSON tree", e);
        }
    }
}
