package dev.cctask.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputFileTest {
    static final LocalDateTime START = LocalDateTime.of(2026, 11, 24, 2, 15, 0);

    @TempDir
    Path dir;

    @Test
    void defaultNameIsTheStartTimeInTmp() {
        assertEquals(Path.of("/tmp/cc-20261124-021500.txt"), OutputFile.firstChoice(null, START));
    }

    @Test
    void explicitFileIsCreatedWithParentsAndMode0600() throws Exception {
        Path target = dir.resolve("a/b/out.txt");
        try (OutputFile f = OutputFile.create(target.toString(), START)) {
            assertEquals(target, f.path());
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target.getParent())));
    }

    @Test
    void explicitExistingFileIsTruncated() throws Exception {
        Path target = dir.resolve("out.txt");
        Files.writeString(target, "old content");
        try (OutputFile f = OutputFile.create(target.toString(), START)) {
            f.append("new");
        }
        assertEquals("new\n", Files.readString(target));
    }

    @Test
    void streamedTextIsOnDiskAtOnceAndReplacedByTheFinalText() throws Exception {
        Path target = dir.resolve("out.txt");
        OutputFile f = OutputFile.create(target.toString(), START);
        f.append("partial ✍️ one");
        f.append("two");
        assertEquals("partial ✍️ one\ntwo\n", Files.readString(target, StandardCharsets.UTF_8));
        f.replaceWith("Final 🚀 text");
        assertEquals("Final 🚀 text", Files.readString(target, StandardCharsets.UTF_8));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temp file left behind");
        }
    }

    @Test
    void takenDefaultNameGetsANumberedSuffix() throws Exception {
        // the default lives in /tmp; exercise the same rule through a taken name there
        LocalDateTime unusual = LocalDateTime.of(1999, 1, 2, 3, 4, 5);
        Path first = OutputFile.firstChoice(null, unusual);
        Path second = first.resolveSibling("cc-19990102-030405-2.txt");
        Path third = first.resolveSibling("cc-19990102-030405-3.txt");
        try {
            Files.deleteIfExists(first);
            Files.deleteIfExists(second);
            Files.deleteIfExists(third);
            try (OutputFile a = OutputFile.create(null, unusual);
                    OutputFile b = OutputFile.create(null, unusual);
                    OutputFile c = OutputFile.create(null, unusual)) {
                assertEquals(first, a.path());
                assertEquals(second, b.path());
                assertEquals(third, c.path());
            }
            assertTrue(Files.exists(third));
        } finally {
            Files.deleteIfExists(first);
            Files.deleteIfExists(second);
            Files.deleteIfExists(third);
        }
    }
}
