package dev.cctask.support;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A 64 KiB tmpfs mounted on a test's own directory and filled to the last byte: a disk-full file system that touches
 * nothing else of the machine. Mounting needs root ({@link #possible()}); {@link #close()} unmounts it.
 */
public final class FullTmpfs implements AutoCloseable {
    private final Path dir;
    private final Path filler;

    public FullTmpfs(Path mountPoint) throws IOException, InterruptedException {
        Files.createDirectories(mountPoint);
        SpecialFiles.run("mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", mountPoint.toString());
        this.dir = mountPoint;
        this.filler = mountPoint.resolve("filler");
        try (OutputStream out = Files.newOutputStream(filler)) {
            byte[] block = new byte[4096];
            while (true) {
                out.write(block);
                out.flush();
            }
        } catch (IOException full) {
            // No space left on device: exactly what we want
        }
    }

    /** Whether this test process may mount (root). */
    public static boolean possible() {
        return new UnixSystem().getUid() == 0;
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        SpecialFiles.run("umount", dir.toString());
    }
}
