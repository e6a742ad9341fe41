package dev.cctask.gateway;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cctask.Env;
import dev.cctask.Executables;
import dev.cctask.Subprocess;
import dev.cctask.Text;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code notify} subcommand's work (SPEC §11), free of picocli: find the route, then post it in the background
 * with the {@code message} tool or hand it to the agent with {@code openclaw agent}, and answer with a
 * {@link NotifyStatus}. Never throws for an operational failure: it becomes an error status. (Without a route
 * option, inside a supervised run, {@code notify} posts to the run's relay instead: {@code control.NotifyRelayClient}.)
 */
public final class Notifier {
    /** The background prefix of every {@code notify --bg} text. */
    public static final String BACKGROUND_PREFIX = "📡 ";

    private final Env env;

    public Notifier(Env env) {
        this.env = env;
    }

    /**
     * What the user asked for. At most one route source is set: {@code group}, {@code sessionKey}, or
     * {@code channel} with {@code target} (the command line enforces it); none means the run's notify relay.
     */
    public record Request(
            String group,
            String sessionKey,
            String channel,
            String target,
            String message,
            int timeoutSeconds,
            boolean background,
            String gatewayUrl,
            String tokenEnv) {}

    public NotifyStatus send(Request request) {
        Optional<Route> route = route(request);
        if (route.isEmpty()) {
            return NotifyStatus.error("Session key " + request.sessionKey() + " names no chat (no channel and peer in"
                    + " it): pass -g JID or --channel CH --target T instead");
        }
        return request.background()
                ? postInBackground(route.get(), request)
                : deliverViaAgent(route.get(), request.message(), request.timeoutSeconds());
    }

    /** Call first thing when a notify is coming: the JSON machinery is made ready on another core meanwhile. */
    public static void warmUp() {
        Json.warmUp();
    }

    /** {@code -g} is a WhatsApp group; {@code --session} resolves by SPEC §6; {@code --channel/--target} as given. */
    static Optional<Route> route(Request r) {
        if (r.group() != null) {
            return Optional.of(new Route("whatsapp", r.group(), null, null, "group"));
        }
        return Routes.resolve(r.sessionKey(), r.channel(), r.target(), null);
    }

    /** {@code --bg}: one {@code message} post of {@code "📡 " + text}, no retry. */
    private NotifyStatus postInBackground(Route route, Request request) {
        GatewayConfig config = GatewayConfig.load(env, request.gatewayUrl(), request.tokenEnv());
        if (config.problem() != null) {
            return NotifyStatus.error(config.problem());
        }
        try (GatewayClient client = new GatewayClient(config, HttpPost.oneShot())) {
            Outcome outcome = client.sendMessage(route, BACKGROUND_PREFIX + request.message(), false);
            return outcome.accepted() ? NotifyStatus.ok(null) : NotifyStatus.error(outcome.describe());
        }
    }

    /**
     * Default mode: {@code openclaw agent --channel CH --to T -m TEXT --deliver --json} wakes the agent, which
     * answers in the chat; its reply texts come back in {@code result.payloads[].text}. {@code openclaw agent} can
     * hang in scripts (openclaw #39298), hence the wall limit. The route's thread is not passed in this mode.
     */
    private NotifyStatus deliverViaAgent(Route route, String message, int timeoutSeconds) {
        try {
            Path openclaw = Executables.onPath(env.get("PATH"), "openclaw");
            if (openclaw == null) {
                return NotifyStatus.error("openclaw not found on PATH: install OpenClaw, or post with --bg");
            }
            Subprocess.Result r = Subprocess.run(List.of(openclaw.toString(), "agent", "--channel", route.channel(),
                    "--to", route.target(), "-m", message, "--deliver", "--json"), null, env.vars(),
                    Duration.ofSeconds(timeoutSeconds));
            if (r.timedOut()) {
                return NotifyStatus.timeout("Agent didn't respond within " + timeoutSeconds + "s");
            }
            if (r.exitCode() != 0 || r.stdout().isBlank()) {
                return NotifyStatus.error(r.stderr().isEmpty() ? "exit code " + r.exitCode() : Text.cut(r.stderr(), 500));
            }
            return NotifyStatus.ok(replyText(Json.mapper().readTree(r.stdout())));
        } catch (JacksonException e) {
            return NotifyStatus.error(e.getOriginalMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return NotifyStatus.error("Interrupted");
        } catch (IOException e) {
            return NotifyStatus.error(e.getMessage() == null || e.getMessage().isBlank()
                    ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    /** Every non-empty {@code result.payloads[].text}, joined by LF and trimmed. */
    private static String replyText(JsonNode json) {
        List<String> texts = new ArrayList<>();
        for (JsonNode payload : json.path("result").path("payloads")) {
            String text = payload.path("text").asText("");
            if (!text.isEmpty()) {
                texts.add(text);
            }
        }
        return String.join("\n", texts).strip();
    }

}
