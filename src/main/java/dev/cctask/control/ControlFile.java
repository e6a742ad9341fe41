package dev.cctask.control;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cctask.PrivateFiles;
import dev.cctask.PythonJson;
import dev.cctask.gateway.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A run's control file (issue 17): where run-task's own commands find the run's control server and its control
 * secret. One JSON object {@code {"url":"http://127.0.0.1:PORT","secret":"…"}}, 0600, beside the run's PID file
 * ({@code PidFile#controlFile}), removed with it. Never given to Claude: not in its environment, argv or prompt.
 *
 * @param url    the server's base URL; a route's path follows it
 * @param secret the control secret ({@link ControlServer.Caller#RUN_TASK})
 */
public record ControlFile(String url, Secret secret) {
    /** Writes the file atomically, 0600. */
    void write(Path file) throws IOException {
        String json = PythonJson.pretty(PythonJson.mapper().createObjectNode().put("url", url)
                .put("secret", secret.value()));
        PrivateFiles.writeAtomically(file, json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads a control file.
     *
     * @throws java.nio.file.NoSuchFileException when there is none
     * @throws IOException when it cannot be read or is not a control file
     */
    public static ControlFile read(Path file) throws IOException {
        JsonNode json;
        try {
            json = PythonJson.mapper().readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (JacksonException e) {
            json = null;
        }
        Secret secret = json == null ? null : Secret.ofNullable(json.path("secret").asText(null));
        if (secret == null || !json.path("url").isTextual()) {
            throw new IOException("not a control file (no url and secret)");
        }
        return new ControlFile(json.path("url").textValue(), secret);
    }
}
