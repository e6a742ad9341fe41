package dev.cctask.cli;

import dev.cctask.gateway.Notifier;
import dev.cctask.gateway.NotifyStatus;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code run-task notify} (SPEC §11): parse, hand over to {@link Notifier}, print its status JSON. */
@Command(
        name = "notify",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Post a progress message to a chat (--bg), or hand it to the agent with 'openclaw agent' (default).",
            "Prints a status JSON object; exit 0 iff its status is ok."
        })
public final class NotifyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    RouteOptions route;

    /** Exactly one route source; picocli reports two as a usage error. */
    static final class RouteOptions {
        @Option(names = {"-g", "--group"}, paramLabel = "JID", description = "WhatsApp group JID.")
        String group;

        @Option(names = "--session", paramLabel = "KEY", description = "OpenClaw session key: route from the key.")
        String session;

        @ArgGroup(exclusive = false)
        ExplicitRoute explicit;
    }

    static final class ExplicitRoute {
        @Option(names = "--channel", required = true, paramLabel = "CH", description = "Channel (with --target).")
        String channel;

        @Option(names = "--target", required = true, paramLabel = "T", description = "Target (with --channel).")
        String target;
    }

    @Option(names = {"-m", "--message"}, required = true, paramLabel = "TEXT", description = "The message.")
    String message;

    @Option(names = {"-t", "--timeout"}, defaultValue = "120", paramLabel = "SECONDS",
            description = "Wall limit for 'openclaw agent' (default: ${DEFAULT-VALUE}).")
    int timeout;

    @Option(names = "--bg", description = "Post '📡 TEXT' with the gateway message tool instead of waking the agent.")
    boolean background;

    @Mixin
    GatewayOptions gateway = new GatewayOptions();

    @Override
    public Integer call() {
        if (route == null) {
            // SPEC §14: once the notify relay exists, RUN_TASK_NOTIFY_URL without a route option goes there.
            throw new ParameterException(spec.commandLine(),
                    "Missing route: give one of -g/--group, --session, or --channel with --target");
        }
        if (timeout < 1) {
            throw new ParameterException(spec.commandLine(), "--timeout must be at least 1 second");
        }
        ExplicitRoute explicit = route.explicit != null ? route.explicit : new ExplicitRoute();
        NotifyStatus status = new Notifier(CliEnv.get()).send(new Notifier.Request(route.group, route.session,
                explicit.channel, explicit.target, message, timeout, background, gateway.url, gateway.tokenEnv));
        PrintWriter out = spec.commandLine().getOut();
        out.print(status.toJson() + "\n");
        out.flush();
        return status.isOk() ? 0 : 1;
    }
}
