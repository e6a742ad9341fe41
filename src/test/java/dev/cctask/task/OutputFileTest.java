package dev.cctask.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cctask.support.FullTmpfs;
import dev.cctask.support.SpecialFiles;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputFileTest {
    static final LocalDateTime START = LocalDateTime.of(2026, 11, 24, 2, 15, 0);

    @TempDir
    Path dir;

    final List<String> log = new ArrayList<>();

    @Test
    void defaultNameIsTheStartTimeInTmp() {
        assertEquals(Path.of("/tmp/cc-20261124-021500.txt"), OutputFile.firstChoice(null, START));
    }

    @Test
    void explicitFileIsCreatedWithParentsAndMode0600() throws Exception {
        Path target = dir.resolve("a/b/out.txt");
        try (OutputFile f = OutputFile.create(target.toString(), START, log::add)) {
            assertEquals(target, f.path());
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target.getParent())));
    }

    @Test
    void aSymlinkIsRefusedAndNeitherItNorItsTargetIsTouched() throws Exception {
        Path target = dir.resolve("precious.txt");
        Files.writeString(target, "keep me");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
        Path link = Files.createSymbolicLink(dir.resolve("out.txt"), target);
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling.txt"), dir.resolve("nowhere.txt"));
        for (Path p : List.of(link, dangling)) {
            assertEquals("is a symlink", OutputFile.refusal(p));
            IOException e = assertThrows(IOException.class, () -> OutputFile.create(p.toString(), START, log::add));
            assertEquals("Output file " + p + " is a symlink", e.getMessage());
            assertTrue(Files.isSymbolicLink(p));
        }
        assertEquals("keep me", Files.readString(target));
        assertEquals("rw-r--r--", mode(target));
        assertFalse(Files.exists(dir.resolve("nowhere.txt")));
    }

    @Test
    void devicesFifosSocketsAndDirectoriesAreRefusedAndLeftAsTheyAre() throws Exception {
        Path fifo = SpecialFiles.fifo(dir.resolve("fifo"));
        Path socket = dir.resolve("socket");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            assertEquals("is a FIFO", OutputFile.refusal(fifo));
            assertEquals("is a socket", OutputFile.refusal(socket));
            assertEquals("is a directory", OutputFile.refusal(dir));
            assertThrows(IOException.class, () -> OutputFile.create(fifo.toString(), START, log::add));
            assertThrows(IOException.class, () -> OutputFile.create(socket.toString(), START, log::add));
            assertEquals(0010000, SpecialFiles.type(fifo), "still a FIFO");
        }
        assumeTrue(FullTmpfs.possible(), "mknod needs root");
        Path full = SpecialFiles.charDevice(dir.resolve("full"), 1, 7); // what /dev/full is, in our own temp dir
        assertEquals("is a character device", OutputFile.refusal(full));
        assertThrows(IOException.class, () -> OutputFile.create(full.toString(), START, log::add));
        assertEquals(0020000, SpecialFiles.type(full), "still a device");
    }

    @Test
    void aFileOfAnotherUserIsRefused() throws Exception {
        assumeTrue(FullTmpfs.possible(), "chown needs root");
        Path theirs = dir.resolve("theirs.txt");
        Files.writeString(theirs, "their notes");
        Files.setAttribute(theirs, "unix:uid", 65534);
        assertEquals("belongs to another user", OutputFile.refusal(theirs));
        assertThrows(IOException.class, () -> OutputFile.create(theirs.toString(), START, log::add));
        assertEquals("their notes", Files.readString(theirs));
    }

    @Test
    void anExistingFileIsRewrittenInPlaceKeepingItsModeAndLinks() throws Exception {
        Path target = dir.resolve("out.txt");
        Files.writeString(target, "old content");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r-----"));
        Path hardLink = Files.createLink(dir.resolve("link.txt"), target);
        Object inode = Files.readAttributes(target, BasicFileAttributes.class).fileKey();
        try (OutputFile f = OutputFile.create(target.toString(), START, log::add)) {
            f.append("streamed");
            f.writeFinal("final");
        }
        assertEquals("final", Files.readString(target));
        assertEquals("final", Files.readString(hardLink));
        assertEquals(inode, Files.readAttributes(target, BasicFileAttributes.class).fileKey());
        assertEquals("rw-r-----", mode(target), "a file the user gave keeps its mode");
    }

    @Test
    void aPathSwappedForASymlinkDuringTheRunCannotRedirectTheFinalWrite() throws Exception {
        Path out = dir.resolve("out.txt");
        Path victim = dir.resolve("victim.txt");
        Files.writeString(victim, "victim");
        OutputFile f = OutputFile.create(out.toString(), START, log::add);
        f.append("streamed");
        Path moved = Files.move(out, dir.resolve("moved.txt"));
        Files.createSymbolicLink(out, victim);
        f.writeFinal("final");
        f.close();
        assertEquals("victim", Files.readString(victim));
        assertTrue(Files.isSymbolicLink(out), "the path is left as it is now");
        assertEquals("final", Files.readString(moved), "the text went to the file this run opened");
    }

    @Test
    void aFullDiskIsRecordedAndLoggedOnceNotThrown() throws Exception {
        assumeTrue(FullTmpfs.possible(), "mounting a tmpfs needs root");
        try (FullTmpfs disk = new FullTmpfs(dir.resolve("full"))) {
            Path target = disk.dir().resolve("out.txt");
            try (OutputFile f = OutputFile.create(target.toString(), START, log::add)) {
                f.append("one");
                f.append("two");
                assertEquals("No space left on device", f.problem());
                assertEquals(List.of("⚠ Cannot write the output file " + target + ": No space left on device"), log);
                f.writeFinal("Final text");
                assertEquals("No space left on device", f.problem());
                Files.delete(disk.dir().resolve("filler"));
                f.writeFinal("Final text");
                assertNull(f.problem(), "a final write that succeeds makes the file complete");
            }
            assertEquals("Final text", Files.readString(target));
            assertEquals(2, log.size(), log.toString());
        }
    }

    @Test
    void explicitExistingFileIsTruncated() throws Exception {
        Path target = dir.resolve("out.txt");
        Files.writeString(target, "old content");
        try (OutputFile f = OutputFile.create(target.toString(), START, log::add)) {
            f.append("new");
        }
        assertEquals("new\n", Files.readString(target));
    }

    @Test
    void streamedTextIsOnDiskAtOnceAndReplacedByTheFinalText() throws Exception {
        Path target = dir.resolve("out.txt");
        OutputFile f = OutputFile.create(target.toString(), START, log::add);
        f.append("partial ✍️ one");
        f.append("two");
        assertEquals("partial ✍️ one\ntwo\n", Files.readString(target, StandardCharsets.UTF_8));
        f.writeFinal("Final 🚀 text");
        assertEquals("Final 🚀 text", Files.readString(target, StandardCharsets.UTF_8));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temp file left behind");
        }
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
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
            try (OutputFile a = OutputFile.create(null, unusual, log::add);
                    OutputFile b = OutputFile.create(null, unusual, log::add);
                    OutputFile c = OutputFile.create(null, unusual, log::add)) {
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
