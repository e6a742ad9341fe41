package dev.cctask.registry;

import dev.cctask.Env;
import dev.cctask.PrivateFiles;
import dev.cctask.Text;
import java.io.IOException;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.CodeSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The PID-file directory (SPEC §8.4, D11): one file per running runner, so that {@code tasks} and {@code cancel}
 * can find runs and the next start can tell which runs died.
 */
public final class PidFiles {
    /**
     * Slack when comparing a recorded process start with the live one: the JDK derives start instants from the
     * boot time, which moves when the wall clock is stepped. A reused PID starts long after the recorded start.
     */
    private static final Duration START_TOLERANCE = Duration.ofSeconds(2);

    /** How the JVM encodes file names: {@code sun.jnu.encoding}, taken from the locale at start-up. */
    static final Charset FILE_NAME_CHARSET = fileNameCharset();

    private final Path dir;
    private final Clock clock;

    public PidFiles(Path dir, Clock clock) {
        this.dir = dir;
        this.clock = clock;
    }

    public PidFiles(Path dir) {
        this(dir, Clock.systemDefaultZone());
    }

    public Path dir() {
        return dir;
    }

    /** {@code <dir of run-task.jar>/pids}, or {@code <stateDir>/claude-code-task/pids} when not run from a jar. */
    public static Path defaultDir(Env env) {
        CodeSource source = PidFiles.class.getProtectionDomain().getCodeSource();
        return defaultDir(env, source == null ? null : source.getLocation());
    }

    static Path defaultDir(Env env, URL codeLocation) {
        try {
            Path jar = Path.of(codeLocation.toURI());
            if (Files.isRegularFile(jar) && jar.getFileName().toString().endsWith(".jar")) {
                return jar.toAbsolutePath().getParent().resolve("pids");
            }
        } catch (Exception notAFileUrl) {
            // no code source, or not a local file: use the state dir
        }
        return env.stateDir().resolve("claude-code-task").resolve("pids");
    }

    /**
     * Writes the PID file of the current process (records {@code runner_started} for PID-reuse detection).
     * {@code fields} are further {@code key=value} lines (keys as in {@link PidFile}); null values are left out.
     */
    public PidFile create(String task, Map<String, String> fields) throws IOException {
        ProcessHandle self = ProcessHandle.current();
        Map<String, String> f = new LinkedHashMap<>();
        fields.forEach((k, v) -> {
            if (v != null) {
                f.put(k, v);
            }
        });
        self.info().startInstant().ifPresent(i -> f.put(PidFile.RUNNER_STARTED, i.toString()));
        return write(newPidFile(self.pid(), task, IsoLocal.now(clock), f));
    }

    /** A PID file for {@code runnerPid} in this directory, named and laid out as SPEC §8.4 (not yet written). */
    public PidFile newPidFile(long runnerPid, String task, LocalDateTime started, Map<String, String> fields) {
        String name = IsoLocal.compact(started) + "-" + runnerPid + "-" + safeName(task, FILE_NAME_CHARSET) + ".pid";
        return new PidFile(dir.resolve(name), runnerPid, Text.cut(task, 60),
                IsoLocal.format(started), fields);
    }

    /** Writes (or rewrites) the file atomically, 0600, creating the directory (0700) if needed. */
    public PidFile write(PidFile f) throws IOException {
        PrivateFiles.createDirectories(f.path().toAbsolutePath().getParent());
        PrivateFiles.writeAtomically(f.path(), f.content().getBytes(StandardCharsets.UTF_8));
        return f;
    }

    /** Rewrites the file with {@code changes} (e.g. {@code claude_pid}, {@code session_id} once known). */
    public PidFile update(PidFile f, Map<String, String> changes) throws IOException {
        return write(f.with(changes));
    }

    /** Every {@code *.pid} file, oldest name first; files that vanish or cannot be read meanwhile are skipped. */
    public List<PidFile> list() throws IOException {
        List<PidFile> files = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return files;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.pid")) {
            for (Path p : stream) {
                try {
                    files.add(PidFile.parse(p, Files.readString(p, StandardCharsets.UTF_8)));
                } catch (NoSuchFileException gone) {
                    // removed by its runner while we listed
                } catch (IOException unreadable) {
                    // cannot judge it, so leave it alone (like the original's PermissionError case)
                }
            }
        }
        files.sort(Comparator.comparing(f -> f.path().getFileName().toString()));
        return files;
    }

    /**
     * Whether the runner is still running: line 1 is a pid, that process is alive and, when {@code runner_started}
     * is recorded, it is the same process (not a reuse of the pid). When the start cannot be read the runner
     * counts as alive, so a file is never removed on doubt.
     */
    public static boolean isAlive(PidFile f) {
        if (f.runnerPid() == null) {
            return false;
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(f.runnerPid());
        if (handle.isEmpty() || !handle.get().isAlive()) {
            return false;
        }
        Instant recorded = f.runnerStarted();
        Optional<Instant> actual = handle.get().info().startInstant();
        return recorded == null
                || actual.isEmpty()
                || Duration.between(recorded, actual.get()).abs().compareTo(START_TOLERANCE) <= 0;
    }

    /** PID files whose runner is gone: what crash reconciliation (SPEC §8.6) handles before deleting them. */
    public List<PidFile> dead() throws IOException {
        return list().stream().filter(f -> !isAlive(f)).toList();
    }

    /** Opens the lock file that makes crash reconciliation in this directory happen once; created 0600. */
    public FileChannel openReconcileLock() throws IOException {
        return FileChannel.open(dir.resolve(".reconcile.lock"),
                Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), PrivateFiles.fileMode());
    }

    /** Removes the PID file and the run's control file beside it. */
    public void delete(PidFile f) throws IOException {
        Files.deleteIfExists(f.controlFile());
        Files.deleteIfExists(f.path());
    }

    /**
     * The original's file-name part: the first 40 code points of {@code task[:60]}, every code point that is not
     * alphanumeric in Python's sense ({@code str.isalnum}: letters and Nd/Nl/No numbers) and not {@code -}/{@code _}
     * replaced by {@code -}. Also replaced: characters the platform cannot put in a file name (under
     * {@code LANG=C} the JVM encodes paths as ASCII and would refuse the name; Python used surrogate escapes).
     */
    static String safeName(String task, Charset fileNames) {
        CharsetEncoder encoder = fileNames.newEncoder();
        StringBuilder sb = new StringBuilder();
        Text.cut(task, 40).codePoints().forEach(cp -> {
            if ((isPythonAlnum(cp) && encoder.canEncode(new String(Character.toChars(cp)))) || cp == '-' || cp == '_') {
                sb.appendCodePoint(cp);
            } else {
                sb.append('-');
            }
        });
        return sb.toString();
    }

    private static Charset fileNameCharset() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding"));
        } catch (RuntimeException unknownOrMissing) {
            return Charset.defaultCharset();
        }
    }

    private static boolean isPythonAlnum(int cp) {
        int type = Character.getType(cp);
        return Character.isLetter(cp)
                || type == Character.DECIMAL_DIGIT_NUMBER
                || type == Character.LETTER_NUMBER
                || type == Character.OTHER_NUMBER;
    }
}
