package dev.cctask.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    @TempDir
    Path dir;

    private Path cmdline(String... argv) throws Exception {
        Path f = dir.resolve("cmdline");
        Files.write(f, (String.join("\0", argv) + "\0").getBytes(StandardCharsets.UTF_8));
        return f;
    }

    @Test
    void argumentsMangledByAnAsciiLocaleAreRecoveredFromTheRawBytes() throws Exception {
        Path raw = cmdline("java", "-jar", "run-task.jar", "-t", "«Привет» 🚀", "-p", "/tmp/x");
        String[] seen = {"-t", "\uFFFD".repeat(18), "-p", "/tmp/x"};
        assertArrayEquals(new String[] {"-t", "«Привет» 🚀", "-p", "/tmp/x"},
                Main.utf8Args(seen, "ANSI_X3.4-1968", raw));
    }

    @Test
    void aUtf8JvmOrPureAsciiArgumentsAreLeftAlone() throws Exception {
        Path raw = cmdline("java", "x", "-t", "«П»");
        String[] seen = {"-t", "«П»"};
        assertArrayEquals(seen, Main.utf8Args(seen, "UTF-8", raw));
        String[] ascii = {"-t", "hello"};
        assertArrayEquals(ascii, Main.utf8Args(ascii, "ANSI_X3.4-1968", cmdline("java", "x", "-t", "other")));
    }

    @Test
    void rawBytesThatDoNotLineUpAreNotUsed() throws Exception {
        String[] seen = {"-p", "/tmp/x", "-t", "\uFFFD\uFFFD"};
        assertArrayEquals(seen, Main.utf8Args(seen, "ANSI_X3.4-1968", cmdline("java", "-p", "/other", "-t", "ж")));
        assertArrayEquals(seen, Main.utf8Args(seen, "ANSI_X3.4-1968", dir.resolve("missing")));
    }
}
