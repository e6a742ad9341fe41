package dev.cctask.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cctask.Env;
import dev.cctask.PrivateFiles;
import dev.cctask.PythonJson;
import dev.cctask.Text;
import dev.cctask.UserException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The session registry {@code <stateDir>/claude_sessions.json} (SPEC §8.3, D10), shared with the Python skill.
 *
 * <p>Writers serialise on an OS lock on {@code claude_sessions.json.lock} (plus a JVM lock, because one JVM cannot
 * hold two overlapping {@link FileLock}s) and replace the file atomically, so readers need no lock. A corrupt file is
 * quarantined, never silently reset.
 */
public final class SessionRegistry {
    public static final String FILE_NAME = "claude_sessions.json";
    public static final String STATUS_RUNNING = "running";
    /** A run that waits for its plan's usage limit to reset; its runner lives and resumes it (issue 15). */
    public static final String STATUS_PAUSED = "paused";
    public static final String STATUS_LOST = "lost";

    /**
     * What the runner knows at {@code system/init} time. {@code label} null = none given. {@code worktree},
     * {@code branch} and {@code base}: the run's own git worktree, its branch and the commit it was made from, or
     * null (issue 19).
     */
    public record Registration(
            String sessionId,
            String label,
            String task,
            String projectDir,
            String openclawSession,
            String outputFile,
            String runId,
            long runnerPid,
            String worktree,
            String branch,
            String base) {
        /** A run in its project folder. */
        public Registration(String sessionId, String label, String task, String projectDir, String openclawSession,
                String outputFile, String runId, long runnerPid) {
            this(sessionId, label, task, projectDir, openclawSession, outputFile, runId, runnerPid, null, null, null);
        }

        /** The same run under another session id. */
        public Registration withSessionId(String id) {
            return new Registration(id, label, task, projectDir, openclawSession, outputFile, runId, runnerPid,
                    worktree, branch, base);
        }
    }

    /**
     * The end of a run: status word and what the last {@code result} event said (null = unknown).
     * {@code resultSessionId} different from the registered id moves the entry.
     */
    public record Completion(
            String status,
            String resultSessionId,
            Double costUsd,
            Integer exitCode,
            Integer numTurns,
            Long durationMs,
            Long outputTokens) {}

    private static final Map<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();
    // Describe the previous run of a resumed session; dropped when a new run registers.
    private static final List<String> RUN_RESULTS = List.of("exit_code", "num_turns", "duration_ms", "output_tokens");

    private final Path stateDir;
    private final Path file;
    private final Consumer<String> warnings;
    private final Clock clock;

    public SessionRegistry(Path stateDir, Consumer<String> warnings, Clock clock) {
        this.stateDir = stateDir;
        this.file = stateDir.resolve(FILE_NAME);
        this.warnings = warnings;
        this.clock = clock;
    }

    public SessionRegistry(Path stateDir, Consumer<String> warnings) {
        this(stateDir, warnings, Clock.systemDefaultZone());
    }

    /** The registry of {@code env.stateDir()}. */
    public static SessionRegistry of(Env env, Consumer<String> warnings) {
        return new SessionRegistry(env.stateDir(), warnings);
    }

    public Path file() {
        return file;
    }

    /** The one line for a registry that cannot be read: which file, why, and what to do. */
    public static UserException unreadable(Path file, IOException e) {
        return UserException.failed("Cannot read the session registry " + file + ": " + e.getMessage()
                + "; make it a readable file of yours, or move it aside");
    }

    // ---------------------------------------------------------------- writes

    /**
     * First write of a run (status {@code running}, extras {@code run_id}, {@code runner_pid}). An existing entry
     * (resume) is updated in place: {@code created_at} kept, {@code label} kept unless a new one is given [P9].
     */
    public Session register(Registration r) throws IOException {
        return edit(sessions -> {
            String now = now();
            ObjectNode e = entry(sessions, r.sessionId());
            if (e == null) {
                e = createEntry(sessions, r, now);
            } else {
                if (r.label() != null) {
                    e.put("label", r.label());
                }
                describeRun(e, r, now);
                e.remove(RUN_RESULTS);
            }
            e.put("status", STATUS_RUNNING);
            e.put("run_id", r.runId());
            e.put("runner_pid", r.runnerPid());
            return new Session(r.sessionId(), e.deepCopy());
        });
    }

    /**
     * Final update of a run: status, {@code last_accessed}, {@code cost_estimate} = {@code total_cost_usd}, extras.
     * Recreates the entry if it vanished meanwhile (e.g. a quarantined registry) and moves it when the result names
     * another session id.
     */
    public Session finish(Registration r, Completion c) throws IOException {
        return edit(sessions -> {
            String now = now();
            ObjectNode e = entry(sessions, r.sessionId());
            if (e == null) {
                e = createEntry(sessions, r, now);
            }
            e.put("last_accessed", now);
            e.put("status", c.status());
            e.put("cost_estimate", c.costUsd());
            e.put("run_id", r.runId());
            e.put("runner_pid", r.runnerPid());
            putIfKnown(e, "exit_code", c.exitCode());
            putIfKnown(e, "num_turns", c.numTurns());
            putIfKnown(e, "duration_ms", c.durationMs());
            putIfKnown(e, "output_tokens", c.outputTokens());
            String id = r.sessionId();
            if (c.resultSessionId() != null && !c.resultSessionId().equals(id)) {
                id = c.resultSessionId();
                sessions.remove(r.sessionId());
                ObjectNode previous = entry(sessions, id);
                if (previous != null && previous.hasNonNull("created_at")) {
                    e.set("created_at", previous.get("created_at"));
                }
                if (previous != null && e.path("label").isNull() && previous.hasNonNull("label")) {
                    e.set("label", previous.get("label"));
                }
                e.put("session_id", id);
                sessions.set(id, e);
            }
            return new Session(id, e.deepCopy());
        });
    }

    /**
     * {@code running} or {@code paused} → {@code lost} (+ {@code last_accessed}) for a run whose runner died (SPEC
     * §8.6). True only for the caller that performed the transition, so exactly one reconciler sends the lost notice.
     */
    public boolean markLost(String id) throws IOException {
        return edit(sessions -> {
            ObjectNode e = entry(sessions, id);
            if (e == null || !new Session(id, e).isActive()) {
                return false;
            }
            e.put("status", STATUS_LOST);
            e.put("last_accessed", now());
            return true;
        });
    }

    /**
     * The original's {@code update_session}: false when the id is unknown; otherwise {@code last_accessed} is set and
     * only keys the entry already has are updated.
     */
    public boolean update(String id, Map<String, ?> fields) throws IOException {
        return edit(sessions -> {
            ObjectNode e = entry(sessions, id);
            if (e == null) {
                return false;
            }
            e.put("last_accessed", now());
            fields.forEach((k, v) -> {
                if (e.has(k)) {
                    e.set(k, PythonJson.mapper().valueToTree(v));
                }
            });
            return true;
        });
    }

    /**
     * Removes entries last accessed more than {@code days} ago or with a missing/unparseable timestamp; running and
     * paused entries are kept whatever their age. Returns the entries removed (a value that is no entry as an empty one).
     */
    public List<Session> cleanup(long days) throws IOException {
        LocalDateTime cutoff = LocalDateTime.now(clock).minusDays(days);
        return edit(sessions -> {
            List<Session> old = new ArrayList<>();
            for (Map.Entry<String, JsonNode> kv : sessions.properties()) {
                Session s = new Session(kv.getKey(), kv.getValue() instanceof ObjectNode e ? e.deepCopy()
                        : PythonJson.mapper().createObjectNode());
                if (!(kv.getValue() instanceof ObjectNode)
                        || (!s.isActive() && s.lastAccessed().map(t -> t.isBefore(cutoff)).orElse(true))) {
                    old.add(s);
                }
            }
            sessions.remove(old.stream().map(Session::id).toList());
            return old;
        });
    }

    // ---------------------------------------------------------------- reads (no lock, no write, no last_accessed)

    /** By {@code last_accessed}, newest first; entries without a parseable one last, in file order. */
    private static final Comparator<Session> NEWEST_FIRST = Comparator.comparing(
            (Session s) -> s.lastAccessed().orElse(null), Comparator.nullsLast(Comparator.reverseOrder()));

    /** Every entry in file order. */
    public List<Session> all() throws IOException {
        ObjectNode sessions = read();
        List<Session> list = new ArrayList<>();
        for (Map.Entry<String, JsonNode> kv : sessions.properties()) {
            if (kv.getValue() instanceof ObjectNode e) {
                list.add(new Session(kv.getKey(), e));
            }
        }
        return list;
    }

    /** Entries accessed in the last {@code hours}, newest first; unparseable timestamps are skipped. */
    public List<Session> recent(long hours) throws IOException {
        LocalDateTime cutoff = LocalDateTime.now(clock).minusHours(hours);
        List<Session> list = new ArrayList<>();
        for (Session s : all()) {
            if (s.lastAccessed().filter(t -> !t.isBefore(cutoff)).isPresent()) {
                list.add(s);
            }
        }
        list.sort(NEWEST_FIRST);
        return list;
    }

    /** The entry under {@code id}. Read-only: {@code last_accessed} is not touched [P12]. */
    public Optional<Session> get(String id) throws IOException {
        return all().stream().filter(s -> s.id().equals(id)).findFirst();
    }

    /**
     * The sessions a label names, the one rule of {@code sessions find}, {@code sessions show} and
     * {@code --resume-label}: entries whose label equals {@code text} ignoring case; if there are none, those whose
     * label contains it. Newest {@code last_accessed} first (unparseable last). One entry is the match; several are
     * ambiguous and the caller lists them. A null or missing label counts as "".
     */
    public List<Session> matchLabel(String text) throws IOException {
        String wanted = text.toLowerCase(Locale.ROOT);
        List<Session> all = all();
        List<Session> exact = all.stream().filter(s -> lowerLabel(s).equals(wanted)).toList();
        List<Session> matches = !exact.isEmpty() ? exact
                : all.stream().filter(s -> lowerLabel(s).contains(wanted)).toList();
        return matches.stream().sorted(NEWEST_FIRST).toList();
    }

    /** Up to {@code max} distinct labels nearest to {@code text} (edit distance, ignoring case), for "not found" hints. */
    public List<String> closestLabels(String text, int max) throws IOException {
        String wanted = text.toLowerCase(Locale.ROOT);
        return all().stream()
                .map(Session::label)
                .filter(l -> l != null && !l.isEmpty())
                .distinct()
                .sorted(Comparator.comparingInt((String l) -> distance(wanted, l.toLowerCase(Locale.ROOT))))
                .limit(max)
                .toList();
    }

    // ---------------------------------------------------------------- internals

    private interface Edit<T> {
        T apply(ObjectNode sessions) throws IOException;
    }

    /** Read-modify-write under the locks; the file is rewritten only when the text changed (or was unusable). */
    private <T> T edit(Edit<T> change) throws IOException {
        PrivateFiles.createDirectories(stateDir);
        Path lockFile = stateDir.resolve(FILE_NAME + ".lock");
        ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(lockFile.toAbsolutePath().normalize(), k -> new ReentrantLock());
        jvmLock.lock();
        try (FileChannel ch = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                        PrivateFiles.fileMode());
                FileLock ignored = ch.lock()) {
            ObjectNode root = load(true);
            String before = root == null ? null : PythonJson.write(root);
            if (root == null) {
                root = fresh();
            }
            T result = change.apply((ObjectNode) root.get("sessions"));
            String after = PythonJson.write(root);
            if (!after.equals(before)) {
                PrivateFiles.writeAtomically(file, after.getBytes(StandardCharsets.US_ASCII));
            }
            return result;
        } finally {
            jvmLock.unlock();
        }
    }

    /** The {@code sessions} object; lock-free because writers replace the file atomically. */
    private ObjectNode read() throws IOException {
        ObjectNode root = load(false);
        if (root == null) {
            // missing → empty; corrupt → quarantined under the lock (which re-checks: another process may have won)
            if (Files.exists(file)) {
                edit(sessions -> null);
            }
            return (ObjectNode) fresh().get("sessions");
        }
        return (ObjectNode) root.get("sessions");
    }

    /**
     * The parsed file, or null when it is missing or unusable. With {@code locked}, an unusable file is moved to
     * {@code claude_sessions.json.corrupt-<ts>} and reported.
     */
    private ObjectNode load(boolean locked) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException missing) {
            return null;
        }
        try {
            JsonNode root = PythonJson.mapper().readTree(bytes);
            if (root instanceof ObjectNode o && o.get("sessions") instanceof ObjectNode) {
                return o;
            }
        } catch (IOException invalid) {
            // fall through: corrupt
        }
        if (locked) {
            quarantine();
        }
        return null;
    }

    private void quarantine() throws IOException {
        String base = FILE_NAME + ".corrupt-" + IsoLocal.compact(LocalDateTime.now(clock));
        Path target = stateDir.resolve(base);
        for (int n = 2; Files.exists(target); n++) {
            target = stateDir.resolve(base + "-" + n);
        }
        Files.move(file, target);
        warnings.accept("⚠️ Registry was corrupt; moved to " + target);
    }

    private static ObjectNode fresh() {
        ObjectNode root = PythonJson.mapper().createObjectNode();
        root.putObject("sessions");
        return root;
    }

    private static ObjectNode entry(ObjectNode sessions, String id) {
        return sessions.get(id) instanceof ObjectNode e ? e : null;
    }

    private static ObjectNode createEntry(ObjectNode sessions, Registration r, String now) {
        ObjectNode e = sessions.putObject(r.sessionId());
        e.put("session_id", r.sessionId());
        e.put("label", r.label());
        e.putNull("task_summary"); // placeholders fix the field order (SPEC §8.3); describeRun fills them
        e.putNull("project_dir");
        e.put("created_at", now);
        e.putNull("last_accessed");
        e.put("status", STATUS_RUNNING);
        e.putNull("openclaw_session");
        e.putNull("output_file");
        e.putNull("cost_estimate");
        describeRun(e, r, now);
        return e;
    }

    // Fields that describe the latest run; existing keys keep their position in the entry.
    private static void describeRun(ObjectNode e, Registration r, String now) {
        e.put("task_summary", Text.cut(r.task(), 200));
        e.put("project_dir", pythonAbsolute(r.projectDir()));
        e.put("last_accessed", now);
        e.put("openclaw_session", r.openclawSession());
        e.put("output_file", r.outputFile());
        if (r.worktree() != null) { // extras of a --worktree run, after the fields above (issue 19)
            e.put("worktree", r.worktree());
            e.put("branch", r.branch());
            e.put("base", r.base());
        }
    }

    private static void putIfKnown(ObjectNode e, String field, Number value) {
        if (value != null) {
            e.set(field, PythonJson.mapper().valueToTree(value));
        }
    }

    private String now() {
        return IsoLocal.format(IsoLocal.now(clock));
    }

    private static String lowerLabel(Session s) {
        String label = s.label();
        return label == null ? "" : label.toLowerCase(Locale.ROOT);
    }

    /** Python's {@code Path(p).absolute()}: made absolute, "." segments dropped, ".." and symlinks kept. */
    static String pythonAbsolute(String path) {
        Path abs = Path.of(path).toAbsolutePath();
        Path out = abs.getRoot();
        for (Path part : abs) {
            if (!part.toString().equals(".")) {
                out = out.resolve(part);
            }
        }
        return out.toString();
    }

    /** Levenshtein distance over code points. */
    private static int distance(String a, String b) {
        int[] x = a.codePoints().toArray();
        int[] y = b.codePoints().toArray();
        int[] prev = new int[y.length + 1];
        int[] cur = new int[y.length + 1];
        for (int j = 0; j <= y.length; j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= x.length; i++) {
            cur[0] = i;
            for (int j = 1; j <= y.length; j++) {
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[y.length];
    }
}
