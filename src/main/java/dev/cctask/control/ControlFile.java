package dev.cctask.control;

import dev.cctask.PrivateFiles;
import dev.cctask.gateway.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A run's control file (issue 17): where run-task's own commands find the run's control server and its control
 * secret. Two lines, {@code url=http://127.0.0.1:PORT} and {@code secret=…} (no JSON: {@code steer} starts without
 * Jackson's mapper), 0600, beside the run's PID file ({@code PidFile#controlFile}), removed with it. Never given to
 * Claude: not in its environment, argv or prompt.
 *
 * @param url    the server's base URL; a route's path follows it
 * @param secret the control secret ({@link ControlServer.Caller#RUN_TASK})
 */
public record ControlFile(String url, Secret secret) {
    private static final String URL = "url=";
    private static final String SECRET = "secret=";

    /** Writes the file atomically, 0600. */
    void write(Path file) throws IOException {
        PrivateFiles.writeAtomically(file, (URL + url + "\n" + SECRET + secret.value() + "\n")
                .getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads a control file.
     *
     * @throws java.nio.file.NoSuchFileException when there is none
     * @throws IOException when it cannot be read or is not a control file
     */
    public static ControlFile read(Path file) throws IOException {
        String url = null;
        Secret secret = null;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.startsWith(URL)) {
                url = line.substring(URL.length());
            } else if (line.startsWith(SECRET)) {
                secret = Secret.ofNullable(line.substring(SECRET.length()));
            }
        }
        if (url == null || secret == null) {
            throw new IOException("not a control file (no url and secret)");
        }
        return new ControlFile(url, secret);
    }
}
