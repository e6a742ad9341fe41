package dev.cctask.cli;

import picocli.CommandLine.Option;

/** The options of every command that talks to the gateway (SPEC §1.4, D16), declared once. */
public final class GatewayOptions {
    @Option(names = "--gateway-url", paramLabel = "URL",
            description = "OpenClaw gateway URL (default: http://127.0.0.1:<gateway.port> from openclaw.json).")
    String url;

    @Option(names = "--token-env", paramLabel = "VAR", description = "Read the gateway token from this environment variable.")
    String tokenEnv;
}
