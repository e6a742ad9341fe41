package dev.cctask.gateway;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cctask.Env;
import dev.cctask.Executables;
import dev.cctask.Text;
import dev.cctask.Threads;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
        Process process = null;
        try {
            Path openclaw = Executables.onPath(env.get("PATH"), "openclaw");
            if (openclaw == null) {
                return NotifyStatus.error("openclaw not found on PATH: install OpenClaw, or post with --bg");
            }
            ProcessBuilder pb = new ProcessBuilder(openclaw.toString(), "agent", "--channel", route.channel(),
                    "--to", route.target(), "-m", message, "--deliver", "--json");
            pb.environment().clear();
            pb.environment().putAll(env.vars());
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            process = pb.start();
            CompletableFuture<String> stdout = drain(process.getInputStream());
            CompletableFuture<String> stderr = drain(process.getErrorStream());
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                return NotifyStatus.timeout("Agent didn't respond within " + timeoutSeconds + "s");
            }
            String out = stdout.get(10, TimeUnit.SECONDS);
            String err = stderr.get(10, TimeUnit.SECONDS);
            int code = process.exitValue();
            if (code != 0 || out.isBlank()) {
                return NotifyStatus.error(err.isEmpty() ? "exit code " + code : Text.cut(err, 500));
            }
            return NotifyStatus.ok(replyText(Json.mapper().readTree(out)));
        } catch (JacksonException e) {
            return NotifyStatus.error(e.getOriginalMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return NotifyStatus.error("Interrupted");
        } catch (IOException | ExecutionException | TimeoutException | UncheckedIOException e) {
            return NotifyStatus.error(message(e));
        } finally {
            if (process != null) {
                kill(process);
            }
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

    private static CompletableFuture<String> drain(InputStream in) {
        CompletableFuture<String> result = new CompletableFuture<>();
        Threads.daemon(() -> {
            try (in) {
                result.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                result.completeExceptionally(e);
            }
        }, "notify-drain").start();
        return result;
    }

    /** Kills what is still running (descendants first) and reaps it. No-op when it already exited. */
    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String message(Exception e) {
        Throwable t = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return t.getMessage() == null || t.getMessage().isBlank() ? t.getClass().getSimpleName() : t.getMessage();
    }
}
