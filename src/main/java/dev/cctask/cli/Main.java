package dev.cctask.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Entry point: nothing but the exit code of {@link App#run}. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        // UTF-8 under any locale, for our lines and for slf4j-simple's (which writes to System.err): one run log
        System.setErr(new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8));
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int code = App.run(out, err, utf8Args(args, System.getProperty("sun.jnu.encoding"), Path.of("/proc/self/cmdline")));
        out.flush();
        err.flush();
        System.exit(code);
    }

    /**
     * Under a C/POSIX locale (cron, CI, a bare {@code nohup}) the JVM decodes its arguments as ASCII and every
     * non-ASCII character of a prompt or label becomes {@code ?}. On Linux the raw bytes are still in
     * {@code /proc/self/cmdline}: decode them as UTF-8 when the JVM did not, and when they line up with what the
     * JVM saw (the ASCII arguments are equal).
     */
    static String[] utf8Args(String[] args, String nativeEncoding, Path cmdline) {
        if (args.length == 0 || "UTF-8".equalsIgnoreCase(nativeEncoding) || Arrays.stream(args).allMatch(Main::isAscii)) {
            return args;
        }
        List<String> raw = new ArrayList<>();
        try {
            byte[] bytes = Files.readAllBytes(cmdline);
            int from = 0;
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == 0) {
                    raw.add(new String(bytes, from, i - from, StandardCharsets.UTF_8));
                    from = i + 1;
                }
            }
        } catch (IOException | RuntimeException e) {
            return args;
        }
        if (raw.size() < args.length) {
            return args;
        }
        String[] recovered = raw.subList(raw.size() - args.length, raw.size()).toArray(String[]::new);
        for (int i = 0; i < args.length; i++) {
            boolean same = isAscii(args[i]) ? recovered[i].equals(args[i]) : recovered[i].length() <= args[i].length();
            if (!same) {
                return args;
            }
        }
        return recovered;
    }

    private static boolean isAscii(String s) {
        return s.chars().allMatch(c -> c < 0x80) && s.indexOf('?') < 0 && s.indexOf('\uFFFD') < 0;
    }
}
