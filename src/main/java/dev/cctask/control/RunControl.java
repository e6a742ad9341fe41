package dev.cctask.control;

import dev.cctask.delivery.LogLines;
import dev.cctask.delivery.Messages;
import dev.cctask.gateway.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A supervised run's control endpoint (SPEC §14, issue 17): one {@link ControlServer} with the notify route for
 * Claude ({@link NotifyRelay}) and the control routes for run-task's own commands ({@link SteerRoute},
 * {@link ApproveRoute}), and the
 * {@link ControlFile} that tells those commands where it is. Claude's environment gets the notify URL and secret
 * only ({@link #childEnv()}). Closing it stops the server and removes the control file.
 */
public final class RunControl implements AutoCloseable {
    private final ControlServer server;
    private final Path controlFile;

    private RunControl(ControlServer server, Path controlFile) {
        this.server = server;
        this.controlFile = controlFile;
    }

    /**
     * The endpoint of a run: {@code notify} posts its text with {@code progress}, {@code steer} sends it to
     * {@code claude}, {@code approve} answers one of {@code requests}.
     *
     * @param log told when the control file cannot be written (the run goes on; it only cannot be steered)
     */
    public static RunControl start(Consumer<String> progress, SteerRoute.Claude claude, ApproveRoute.Requests requests,
            Path controlFile, Consumer<String> log) throws IOException {
        return start(Map.of(ControlEnv.NOTIFY_PATH, new NotifyRelay(progress), ControlEnv.STEER_PATH,
                new SteerRoute(claude), ControlEnv.APPROVE_PATH, new ApproveRoute(requests)), controlFile, log);
    }

    /** Starts a server with {@code routes} and writes the control file. */
    public static RunControl start(Map<String, ControlServer.Route> routes, Path controlFile, Consumer<String> log)
            throws IOException {
        ControlServer server = ControlServer.start(routes);
        try {
            new ControlFile(server.url(""), Secret.ofNullable(server.secret(ControlServer.Caller.RUN_TASK)))
                    .write(controlFile);
        } catch (IOException | RuntimeException e) {
            log.accept(LogLines.controlFileFailed(controlFile, Messages.errorText(e)));
        }
        return new RunControl(server, controlFile);
    }

    /** The variables added to Claude's environment: the notify route and its secret, never the control secret. */
    public Map<String, String> childEnv() {
        return Map.of(ControlEnv.URL_VARIABLE, server.url(ControlEnv.NOTIFY_PATH), ControlEnv.SECRET_VARIABLE,
                server.secret(ControlServer.Caller.CLAUDE));
    }

    @Override
    public void close() {
        server.close();
        try {
            Files.deleteIfExists(controlFile);
        } catch (IOException e) {
            // the PID file's removal (PidFiles.delete) tries again
        }
    }
}
