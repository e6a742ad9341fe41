package dev.cctask.task;

import dev.cctask.Env;
import dev.cctask.PrivateFiles;
import dev.cctask.Subprocess;
import dev.cctask.UserException;
import dev.cctask.delivery.LogLines;
import dev.cctask.delivery.Messages;
import dev.cctask.registry.Session;
import dev.cctask.registry.SessionRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * A run's own git worktree (issue 19): a new branch {@code cc/<name>} made from the project's HEAD (or {@code --base}),
 * checked out in {@code <stateDir>/claude-code-task/worktrees/<repository>-<hash>/<name>}, outside the project tree so
 * that the project's own status, builds and searches never see it. Made with git itself ({@code git worktree add}):
 * Claude Code's {@code --worktree} puts it inside the project ({@code .claude/worktrees/}) and chooses its own branch
 * name and base. Branches are never deleted; a worktree is removed only when it holds no uncommitted change.
 *
 * @param repository the top level of the project's repository (the main checkout)
 * @param path       the worktree's top level
 * @param base       the commit the branch was made from, which the final figures count against
 * @param prefix     where {@code -p} is inside the repository ({@code ""} or {@code "sub/dir/"}): Claude's folder in
 *                   the worktree
 * @param resumed    an existing worktree of a resumed session (recreated from its branch if it was removed)
 */
record Worktree(Path repository, Path path, String branch, String base, String prefix, boolean resumed) {
    private static final Duration GIT_LIMIT = Duration.ofSeconds(60);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final String PREFIX = "cc/";

    /** Claude's working directory. */
    Path cwd() {
        return path.resolve(prefix);
    }

    /**
     * What {@code --worktree} (or resuming a session that has a worktree) will use, checked before anything starts;
     * nothing is made. {@code slug} is empty when the run id names the branch.
     */
    record Plan(Path repository, String prefix, String base, String baseRef, String slug, Path dir, Worktree existing) {

        /** Takes the first free name: a new directory (made here, atomically) and a branch that does not exist yet. */
        Worktree reserve(String runId) throws IOException {
            if (existing != null) {
                return existing;
            }
            PrivateFiles.createDirectories(dir);
            for (int n = 1; n < 1000; n++) {
                String name = name(runId.substring(0, 8), n);
                if (branchExists(repository, PREFIX + name)) {
                    continue;
                }
                try {
                    Files.createDirectory(dir.resolve(name));
                } catch (FileAlreadyExistsException taken) {
                    continue;
                }
                return new Worktree(repository, dir.resolve(name), PREFIX + name, base, prefix, false);
            }
            throw new IOException("no free worktree name " + PREFIX + slug + "-N in " + dir);
        }

        /** The worktree a run would get now ({@code --dry-run}): the session's own, else the first free name. */
        Worktree preview() {
            if (existing != null) {
                return existing;
            }
            String name = "<run id>";
            for (int n = 1; n < 1000 && !slug.isEmpty(); n++) {
                name = name(null, n);
                if (!branchExists(repository, PREFIX + name) && !Files.exists(dir.resolve(name))) {
                    break;
                }
            }
            return new Worktree(repository, dir.resolve(name), PREFIX + name, base, prefix, false);
        }

        /** The {@code --dry-run} line of that worktree: which branch, made from what, of which repository. */
        String describe(Worktree w) {
            return (w.resumed ? w.branch + " (the resumed session's own)" : "new branch " + w.branch + " from "
                    + baseRef + " (" + base.substring(0, 7) + ")") + " of " + repository;
        }

        private String name(String runId, int n) {
            String name = slug.isEmpty() ? runId : slug;
            return n == 1 ? name : name + "-" + n;
        }
    }

    /**
     * The plan for a run: the registered worktree of the session it resumes, else a new one when {@code --worktree}
     * was given, else null. A project that is not a git repository with a commit is a configuration error (exit 2).
     */
    static Plan plan(TaskOptions o, Env env) {
        Session resumed = registered(o.resume(), env);
        if (resumed != null && resumed.text("worktree") != null) {
            return resumedPlan(resumed, o);
        }
        if (o.worktree() == null) {
            return null;
        }
        checkName(o.worktree());
        if (o.resume() != null) {
            throw UserException.config("--worktree cannot move session " + o.resume() + " into a new worktree:"
                    + " Claude keeps sessions per folder; resume it without --worktree");
        }
        Path project = Path.of(o.project()).toAbsolutePath().normalize();
        String top = Files.isDirectory(project) ? gitLine(project, "rev-parse", "--show-toplevel") : null;
        if (top == null) {
            throw UserException.config("--worktree needs a git repository, and " + project + " is not in one:"
                    + " run git init and commit there first, or leave out --worktree");
        }
        String ref = o.base() != null ? o.base() : "HEAD";
        String base = gitLine(project, "rev-parse", "--verify", "--quiet", ref + "^{commit}");
        if (base == null) {
            throw UserException.config(o.base() != null ? "--base " + o.base() + " is not a commit of " + top
                    + ": name a branch, tag or commit" : "--worktree needs a commit to start from, and the"
                    + " repository " + top + " has none yet: commit once there first");
        }
        String prefix = gitLine(project, "rev-parse", "--show-prefix");
        String slug = o.worktree().isEmpty() ? slug(o.label()) : o.worktree();
        return new Plan(Path.of(top), prefix == null ? "" : prefix, base, ref, slug, root(env, Path.of(top)), null);
    }

    private static void checkName(String name) {
        if (!name.isEmpty() && (!NAME.matcher(name).matches() || name.contains("..") || name.endsWith(".lock")
                || name.endsWith("."))) {
            throw UserException.usage("--worktree " + name + " cannot name the branch " + PREFIX + name + ": use"
                    + " letters, digits, '.', '_' and '-' (at most 100, the first a letter or digit)");
        }
    }

    /** The lower-case letters and digits of a label, other runs of characters as one '-'; at most 40. */
    static String slug(String label) {
        if (label == null) {
            return "";
        }
        String s = label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        return s.length() <= 40 ? s : s.substring(0, 40).replaceAll("-+$", "");
    }

    /** Makes the worktree (or, resuming, makes sure it is there); logs where Claude works. */
    void open(Consumer<String> log) throws IOException {
        if (!resumed) {
            git(repository, "worktree", "add", "--quiet", "-b", branch, path.toString(), base);
            log.accept(LogLines.worktreeCreated(path, branch, base));
        } else if (Files.isDirectory(path)) {
            log.accept(LogLines.worktreeResumed(path, branch, false));
        } else {
            git(repository, "worktree", "prune");
            git(repository, "worktree", "add", "--quiet", path.toString(), branch);
            log.accept(LogLines.worktreeResumed(path, branch, true));
        }
        Files.createDirectories(cwd()); // -p may be a folder git does not track (or not yet)
    }

    /** A new worktree's reserved directory, when the run ended before it was made (cancelled while queued). */
    void releaseIfUnused() {
        if (!resumed) {
            try {
                Files.deleteIfExists(path);
            } catch (DirectoryNotEmptyException made) {
                // the worktree exists: it stays
            } catch (IOException ignored) {
                // an empty directory left behind is harmless
            }
        }
    }

    /**
     * What the branch changed against the base, committed and uncommitted together (untracked files count as
     * added); only the branch when git cannot tell.
     */
    Messages.BranchChanges changes() {
        try {
            long added = 0;
            long deleted = 0;
            int files = 0;
            for (String entry : records(git(path, "diff", "--numstat", "-z", "--no-renames", base))) {
                String[] f = entry.split("\t", 3);
                added += f[0].equals("-") ? 0 : Long.parseLong(f[0]);
                deleted += f[1].equals("-") ? 0 : Long.parseLong(f[1]);
                files++;
            }
            for (String file : records(git(path, "ls-files", "--others", "--exclude-standard", "-z"))) {
                added += lines(path.resolve(file));
                files++;
            }
            int uncommitted = uncommitted(path);
            return new Messages.BranchChanges(branch, files, added, deleted, uncommitted);
        } catch (IOException | RuntimeException e) {
            return new Messages.BranchChanges(branch, null, 0, 0, 0);
        }
    }

    /**
     * {@code sessions cleanup --worktrees}: removes the worktree when it holds no uncommitted change (its branch
     * stays). Returns null when it was removed or was already gone, else why it was kept.
     */
    static String removeIfClean(Path worktree) {
        if (!Files.isDirectory(worktree)) {
            return null;
        }
        try {
            int uncommitted = uncommitted(worktree);
            if (uncommitted > 0) {
                return uncommitted + " uncommitted change(s); commit or discard them, then: git worktree remove "
                        + worktree;
            }
            git(worktree, "worktree", "remove", worktree.toString());
            return null;
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    /** Where the worktrees of a repository live: {@code <stateDir>/claude-code-task/worktrees/<name>-<hash>}. */
    static Path root(Env env, Path repository) {
        String name = repository.getFileName() == null ? "root" : repository.getFileName().toString()
                .replaceAll("[^A-Za-z0-9._-]+", "-");
        return env.stateDir().resolve("claude-code-task").resolve("worktrees").resolve(name + "-" + hash(repository));
    }

    private static Plan resumedPlan(Session s, TaskOptions o) {
        Path path = Path.of(s.text("worktree"));
        String branch = s.text("branch");
        Path project = Path.of(o.project()).toAbsolutePath().normalize();
        String top = Files.isDirectory(project) ? gitLine(project, "rev-parse", "--show-toplevel") : null;
        if (top == null || branch == null || (!Files.isDirectory(path) && !branchExists(Path.of(top), branch))) {
            throw UserException.config("Session " + s.id() + " worked in the worktree " + path + " on branch "
                    + branch + ", and neither is left in " + project + ": start a new run instead of resuming");
        }
        String prefix = gitLine(project, "rev-parse", "--show-prefix");
        Worktree w = new Worktree(Path.of(top), path, branch, s.text("base"), prefix == null ? "" : prefix, true);
        return new Plan(w.repository, w.prefix, w.base, branch, "", path.getParent(), w);
    }

    private static Session registered(String id, Env env) {
        try {
            return id == null ? null : SessionRegistry.of(env, warning -> { }).get(id).orElse(null);
        } catch (IOException unreadable) {
            return null; // ResumeTarget said so already
        }
    }

    private static int uncommitted(Path worktree) throws IOException {
        return records(git(worktree, "status", "--porcelain", "-z", "--untracked-files=all", "--no-renames")).size();
    }

    private static boolean branchExists(Path repository, String branch) {
        return gitLine(repository, "rev-parse", "--verify", "--quiet", "refs/heads/" + branch) != null;
    }

    /** The NUL-terminated records of git's {@code -z} output. */
    private static List<String> records(String out) {
        List<String> list = new ArrayList<>();
        for (String r : out.split("\0")) {
            if (!r.isEmpty()) {
                list.add(r);
            }
        }
        return list;
    }

    /** As git's numstat counts an added text file; a binary one (a NUL in its first 8000 bytes) counts 0. */
    private static long lines(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return 0;
        }
        long lines = 0;
        int last = '\n';
        long read = 0;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; read += n) {
                for (int i = 0; i < n; i++) {
                    if (buf[i] == 0 && read + i < 8000) {
                        return 0;
                    }
                    if (buf[i] == '\n') {
                        lines++;
                    }
                }
                last = buf[n - 1];
            }
        }
        return last == '\n' ? lines : lines + 1;
    }

    /** The first line of a git command's output, or null when it failed (or git is missing). */
    private static String gitLine(Path dir, String... args) {
        try {
            String out = git(dir, args);
            return out.isEmpty() ? "" : out.lines().findFirst().orElse("");
        } catch (IOException failed) {
            return null;
        }
    }

    private static String git(Path dir, String... args) throws IOException {
        List<String> argv = new ArrayList<>(List.of("git"));
        argv.addAll(List.of(args));
        Subprocess.Result r;
        try {
            r = Subprocess.run(argv, dir, null, GIT_LIMIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: git " + args[0]);
        }
        if (r.exitCode() != 0) {
            String why = r.stderr().strip();
            throw new IOException("git " + args[0] + " failed" + (why.isEmpty() ? "" : ": " + why));
        }
        return r.stdout();
    }

    private static String hash(Path repository) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(repository.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
