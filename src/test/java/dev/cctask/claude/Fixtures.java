package dev.cctask.claude;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The recorded Claude CLI transcripts of src/test/resources/fixtures/claude and the fake CLI of examples/. */
final class Fixtures {
    private Fixtures() {
    }

    static Path baseDir() {
        return Path.of(System.getProperty("project.basedir", System.getProperty("user.dir")));
    }

    static Path transcript(String name) {
        return baseDir().resolve("src/test/resources/fixtures/claude").resolve(name);
    }

    static Path fakeClaude() {
        return baseDir().resolve("examples/fake-claude");
    }

    /** The transcript's lines as the stdout reader hands them on: stripped, blank lines dropped. */
    static List<String> lines(String name) {
        try {
            return Files.readAllLines(transcript(name), StandardCharsets.UTF_8).stream()
                    .map(String::strip)
                    .filter(l -> !l.isEmpty())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
