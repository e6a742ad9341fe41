package dev.cctask.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** FIFOs and device nodes made in a test's own directory (never in /dev). */
public final class SpecialFiles {
    private SpecialFiles() {}

    public static Path fifo(Path p) throws IOException, InterruptedException {
        run("mkfifo", p.toString());
        return p;
    }

    /** A character device node (mknod needs root): 1,5 is what /dev/zero is, 1,7 /dev/full. */
    public static Path charDevice(Path p, int major, int minor) throws IOException, InterruptedException {
        run("mknod", p.toString(), "c", Integer.toString(major), Integer.toString(minor));
        return p;
    }

    /** The file-type bits (S_IFMT) of {@code p}, not following a symlink: 0010000 FIFO, 0020000 character device… */
    public static int type(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000;
    }

    /** Runs a short command; throws with its output unless it succeeds. */
    static void run(String... cmd) throws IOException, InterruptedException {
        Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(proc.getInputStream().readAllBytes());
        if (!proc.waitFor(30, TimeUnit.SECONDS) || proc.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }
}
