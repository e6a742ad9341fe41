package dev.cctask.cli;

import dev.cctask.Env;
import dev.cctask.UserException;
import dev.cctask.control.ControlEnv;
import dev.cctask.control.NotifyRelayClient;
import dev.cctask.gateway.Notifier;
import dev.cctask.gateway.NotifyStatus;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code run-task notify} (SPEC §11): parse, hand over to {@link Notifier}, print its status JSON. */
@Command(
        name = "notify",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Post a progress message to a chat (--bg), or hand it to the agent with 'openclaw agent' (default).",
            "Inside a supervised run (RUN_TASK_NOTIFY_URL set) and without a route option, the message goes to the"
                + " run's chat through the run.",
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

        @Option(names = {"-s", "--session"}, paramLabel = "KEY", description = "OpenClaw session key: route from the key.")
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

    @Option(names = "--timeout", defaultValue = "120", paramLabel = "SECONDS",
            description = "Wall limit for 'openclaw agent' (default: ${DEFAULT-VALUE}).")
    int timeout;

    /** The old short name of --timeout: {@code -t} is the task everywhere else. Kept for one release. */
    @Option(names = "-t", hidden = true, paramLabel = "SECONDS")
    Integer deprecatedTimeout;

    static final String T_DEPRECATED = "⚠ notify -t is deprecated and will be removed in the next release: use --timeout";

    @Option(names = "--bg", description = "Post '📡 TEXT' with the gateway message tool instead of waking the agent.")
    boolean background;

    @Mixin
    GatewayOptions gateway = new GatewayOptions();

    @Override
    public Integer call() {
        Env env = CliEnv.get();
        if (route == null && !NotifyRelayClient.isSet(env)) {
            throw UserException.usage(
                    "Missing route: give one of -g/--group, -s/--session, or --channel with --target"
                            + " (inside a supervised run, " + ControlEnv.URL_VARIABLE + " is set and none is needed)");
        }
        if (deprecatedTimeout != null) {
            spec.commandLine().getErr().println(T_DEPRECATED);
            spec.commandLine().getErr().flush();
            timeout = deprecatedTimeout;
        }
        if (timeout < 1) {
            throw UserException.usage("--timeout must be at least 1 second");
        }
        if (message.isBlank()) {
            throw UserException.usage("The message is empty: give the text to post with -m TEXT");
        }
        NotifyStatus status;
        if (route == null) {
            status = NotifyRelayClient.post(env, message);
        } else {
            ExplicitRoute explicit = route.explicit != null ? route.explicit : new ExplicitRoute();
            status = new Notifier(env).send(new Notifier.Request(route.group, route.session, explicit.channel,
                    explicit.target, message, timeout, background, gateway.url, gateway.tokenEnv));
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(status.toJson() + "\n");
        out.flush();
        return status.isOk() ? 0 : 1;
    }
}
