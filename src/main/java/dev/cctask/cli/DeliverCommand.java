package dev.cctask.cli;

import static java.time.format.DateTimeFormatter.ISO_LOCAL_DATE_TIME;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cctask.Env;
import dev.cctask.PythonJson;
import dev.cctask.UserException;
import dev.cctask.delivery.Deliverer.ItemReport;
import dev.cctask.delivery.Deliverer.Report;
import dev.cctask.delivery.Deliverer;
import dev.cctask.delivery.GatewaySenders;
import dev.cctask.delivery.LogLines;
import dev.cctask.delivery.Messages;
import dev.cctask.delivery.Outbox;
import dev.cctask.delivery.Sender;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code run-task deliver}: sends what the outbox still holds (SPEC §1.4, §8.5), each item at once whatever its
 * backoff, and names every outbox file it had to give up on; exit 0 iff nothing is left.
 */
@Command(
        name = "deliver",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Send the queued final messages and wakes (the outbox) now.")
public final class DeliverCommand implements Callable<Integer> {

    /** Builds the gateway sender; returns null when no token is configured (items then stay pending). */
    @FunctionalInterface
    public interface SenderFactory {
        Sender create(Env env, String gatewayUrl, String tokenEnv, PrintWriter err);
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--deadline", paramLabel = "SECONDS", defaultValue = "60",
            description = "Keep retrying for at most this long (default: ${DEFAULT-VALUE}).")
    long deadlineSeconds;

    @Option(names = "--retry-failed",
            description = "First move the items given up on (outbox/failed/) back into the outbox, and try them too.")
    boolean retryFailed;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Mixin
    GatewayOptions gateway = new GatewayOptions();

    /** Seams for tests; the defaults are the real environment and gateway. */
    Supplier<Env> env = CliEnv::get;

    SenderFactory senders = (env, url, tokenEnv, err) -> GatewaySenders.create(env, url, tokenEnv, line -> {
        err.println(line);
        err.flush();
    });

    @Override
    public Integer call() {
        if (deadlineSeconds < 0) {
            throw UserException.usage("--deadline must be >= 0, not " + deadlineSeconds);
        }
        Env environment = env.get();
        Outbox outbox = Outbox.in(environment.stateDir());
        Deliverer deliverer = new Deliverer(outbox,
                senders.create(environment, gateway.url, gateway.tokenEnv, spec.commandLine().getErr()));
        Report report;
        List<Outbox.Unreadable> unreadable;
        try {
            unreadable = outbox.quarantineUnreadable();
            Report expired = new Report(List.of());
            if (retryFailed) {
                outbox.requeueFailed(); // the person asked for them: not expired again at once
            } else {
                expired = deliverer.expire(Outbox.MAX_AGE);
            }
            report = expired.then(deliverer.flushNow(Duration.ofSeconds(deadlineSeconds)));
        } catch (IOException e) {
            throw UserException.failed("Cannot read the outbox " + outbox.dir() + ": " + Messages.errorText(e));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(toJson(report, unreadable));
        } else {
            out.println(LogLines.deliverSummary(report.delivered(), report.pending(),
                    report.failed() + unreadable.size()));
            for (Outbox.Unreadable file : unreadable) {
                out.println(LogLines.deliverUnreadable(file.fileName(), file.reason(), outbox.failedDir()));
            }
            for (ItemReport item : report.items()) {
                String line = LogLines.deliverItem(item);
                if (line != null) {
                    out.println(line);
                }
            }
        }
        out.flush();
        return report.pending() == 0 ? 0 : 1;
    }

    private static String toJson(Report report, List<Outbox.Unreadable> unreadable) {
        ObjectMapper mapper = PythonJson.mapper();
        ObjectNode root = mapper.createObjectNode()
                .put("delivered", report.delivered())
                .put("pending", report.pending())
                .put("failed", report.failed() + unreadable.size());
        ArrayNode items = root.putArray("items");
        for (ItemReport r : report.items()) {
            items.addObject()
                    .put("id", r.id())
                    .put("event", r.event().wireName())
                    .put("kind", r.kind().wireName())
                    .put("state", r.state().name().toLowerCase(Locale.ROOT))
                    .put("attempts", r.attempts())
                    .put("reason", r.reason())
                    .put("nextAttemptAt", r.nextAttemptAt() == null ? null : LocalDateTime.ofInstant(r.nextAttemptAt(),
                            ZoneId.systemDefault()).truncatedTo(ChronoUnit.SECONDS).format(ISO_LOCAL_DATE_TIME));
        }
        ArrayNode files = root.putArray("unreadable");
        unreadable.forEach(u -> files.addObject().put("file", u.fileName()).put("reason", u.reason()));
        return PythonJson.pretty(root);
    }
}
