package dev.cctask.cli;

import dev.cctask.UserException;
import dev.cctask.gateway.Routes;
import dev.cctask.task.AttachMode;
import dev.cctask.task.NotStarted;
import dev.cctask.task.OnLimit;
import dev.cctask.task.OutputFile;
import dev.cctask.task.Slots;
import dev.cctask.task.TaskOptions;
import dev.cctask.task.TaskRun;
import dev.cctask.task.WakeMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.cctask.claude.Permissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Root command {@code run-task}: supervises one Claude Code run (SPEC §1–§2). */
@Command(
        name = RunTaskCommand.NAME,
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        description = "Run a Claude Code task in the background and report progress and the result to an OpenClaw chat.",
        // the subcommands are registered by App (only notify on notify's hot path)
        subcommands = {})
public final class RunTaskCommand implements Callable<Integer> {
    /** The program name in usage texts. */
    public static final String NAME = "run-task";

    @Spec
    CommandSpec spec;

    @Option(names = {"-t", "--task"}, paramLabel = "TEXT", description = "The prompt for Claude Code (or use --task-file).")
    String task;

    @Option(names = "--task-file", paramLabel = "FILE", description = "Read the prompt (UTF-8) from FILE; '-' reads stdin.")
    String taskFile;

    @Option(names = {"-p", "--project"}, paramLabel = "DIR", description = "Claude's working directory (default: /tmp/cc-scratch); created if missing.")
    String project;

    @Option(names = {"-s", "--session"}, paramLabel = "KEY", description = "OpenClaw session key: chat route and wake target.")
    String session;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Output file (default: /tmp/cc-<YYYYMMDD-HHMMSS>.txt).")
    String output;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "7200", description = "Maximum run time in seconds (default: ${DEFAULT-VALUE}).")
    int timeout;

    @Option(names = "--resume", paramLabel = "SESSION_ID", description = "Resume a Claude Code session.")
    String resume;

    @Option(names = "--resume-label", paramLabel = "TEXT", description = "Resume the registered session whose label matches TEXT.")
    String resumeLabel;

    @Option(names = "--session-label", paramLabel = "LABEL", description = "Label for the session registry and the launch message.")
    String sessionLabel;

    @Option(names = "--notify-channel", paramLabel = "CHANNEL", description = "Chat channel override (needs --notify-target).")
    String notifyChannel;

    @Option(names = "--notify-target", paramLabel = "TARGET", description = "Chat target override (needs --notify-channel).")
    String notifyTarget;

    @Option(names = "--notify-thread-id", paramLabel = "ID", description = "Thread or topic id for chat messages.")
    String notifyThreadId;

    @Option(names = "--dry-run", description = "Print what would be done and exit; starts nothing.")
    boolean dryRun;

    @Option(names = "--wake", paramLabel = "MODE", defaultValue = "sessions_send", converter = WakeConverter.class,
            description = "How to wake the agent: sessions_send, hooks or none (default: ${DEFAULT-VALUE}).")
    WakeMode wake;

    @Option(names = "--attach", paramLabel = "MODE", defaultValue = "auto", converter = AttachConverter.class,
            completionCandidates = AttachConverter.class,
            description = "Send the full output to the chat as a document: auto (when longer than the message's"
                    + " 2000-character preview), always or never (default: ${DEFAULT-VALUE}).")
    AttachMode attach;

    @Option(names = "--heartbeat-interval", paramLabel = "SECONDS", defaultValue = "60", description = "Seconds between progress messages, at least 5 (default: ${DEFAULT-VALUE}).")
    int heartbeatInterval;

    @Option(names = "--claude-bin", paramLabel = "PATH", description = "Claude executable (default: $CLAUDE_BIN, else claude on PATH).")
    String claudeBin;

    @Option(names = "--claude-arg", paramLabel = "ARG", description = "Extra argument for claude, repeatable (e.g. --claude-arg=--model --claude-arg=sonnet).")
    List<String> claudeArgs = new ArrayList<>();

    @Option(names = "--pid-dir", paramLabel = "DIR", description = "Directory for PID files (default: pids/ beside the jar).")
    String pidDir;

    @Option(names = "--on-limit", paramLabel = "ACTION", defaultValue = "wait", converter = OnLimitConverter.class,
            completionCandidates = OnLimitConverter.class,
            description = "At the plan's usage limit: wait for the reset and resume the same session, or stop (default: ${DEFAULT-VALUE}).")
    OnLimit onLimit;

    @Option(names = "--max-pause", paramLabel = "DURATION", defaultValue = "12h", converter = DurationConverter.class,
            description = "Stop instead of waiting when the usage limit resets later than this, e.g. 90m, 12h, 2d (default: ${DEFAULT-VALUE}).")
    Duration maxPause;

    @Option(names = "--permissions", paramLabel = "PERMISSIONS", defaultValue = "bypass", converter = PermissionsConverter.class,
            completionCandidates = PermissionsConverter.class,
            description = "bypass: Claude asks nothing (--dangerously-skip-permissions); ask: every permission request"
                    + " goes to the chat; edits: file edits allowed, everything else asks (default: ${DEFAULT-VALUE}).")
    Permissions permissions;

    @Option(names = "--approval-timeout", paramLabel = "DURATION", defaultValue = "30m", converter = DurationConverter.class,
            description = "Deny a permission request nobody answered within this, e.g. 10m, 1h (default: ${DEFAULT-VALUE}).")
    Duration approvalTimeout;

    @Option(names = "--delivery-deadline", paramLabel = "SECONDS", defaultValue = "900", description = "How long to retry delivering the result (default: ${DEFAULT-VALUE}).")
    int deliveryDeadline;

    @Option(names = "--worktree", paramLabel = "NAME", arity = "0..1", fallbackValue = "",
            description = "Work in a new git worktree of the project, on the new branch cc/NAME (default: the label, else the run id).")
    String worktree;

    @Option(names = "--base", paramLabel = "REF", description = "With --worktree: the commit the branch starts from (default: the project's HEAD).")
    String base;

    @Option(names = "--max-parallel", paramLabel = "N", description = "At most N Claude processes at once, later launches queue (default: $CCTASK_MAX_PARALLEL, else 4; 0: no limit).")
    Integer maxParallel;

    @Mixin
    GatewayOptions gateway = new GatewayOptions();

    @Override
    public Integer call() {
        TaskOptions options = options();
        return TaskRun.execute(options, CliEnv.get(), spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    /**
     * Tells the chat and the agent that this launch failed before anything started, on the route parsed so far
     * ({@code -s}, {@code --notify-*}); never for {@code --dry-run}. App's error handlers call it.
     */
    public void notStarted(String reason) {
        if (!dryRun) {
            NotStarted.tell(new NotStarted.Target(session, notifyChannel, notifyTarget, notifyThreadId, wake,
                    gateway.url, gateway.tokenEnv), reason, CliEnv.get());
        }
    }

    /** Validates the options (SPEC §9.4: one clear line, exit 2, nothing started). */
    TaskOptions options() {
        if (task != null && taskFile != null) {
            throw usage("--task and --task-file are mutually exclusive: give the prompt one way");
        }
        String prompt = task != null ? task : taskFile != null ? readTaskFile(taskFile) : null;
        if (prompt == null) {
            throw usage("Missing required option: '--task=TEXT' (or --task-file FILE)");
        }
        if (task != null && task.getBytes(StandardCharsets.UTF_8).length > TaskOptions.MAX_PROMPT_BYTES) {
            throw usage(tooLarge("The task"));
        }
        if (prompt.isBlank()) {
            throw usage(taskFile != null ? "The task file " + taskFile + " is empty: write the prompt into it"
                    : "The task is empty: pass the prompt with -t TEXT or --task-file FILE");
        }
        if (resume != null && resumeLabel != null) {
            throw usage("--resume and --resume-label are mutually exclusive: give one session");
        }
        if (timeout < 1) {
            throw usage("--timeout must be at least 1 second (was " + timeout + ")");
        }
        if (heartbeatInterval < 5) {
            throw usage("--heartbeat-interval must be at least 5 seconds (was " + heartbeatInterval + ")");
        }
        if (deliveryDeadline < 0) {
            throw usage("--delivery-deadline must not be negative (was " + deliveryDeadline + ")");
        }
        String malformed = Routes.malformed(session);
        if (malformed != null) {
            throw usage("-s/--session '" + session + "' is not a session key (" + malformed + "): expected "
                    + Routes.EXPECTED_SHAPE);
        }
        if ((notifyChannel == null) != (notifyTarget == null)) {
            throw usage(notifyChannel != null ? "--notify-channel needs --notify-target"
                    : "--notify-target needs --notify-channel");
        }
        if (project != null && Files.exists(Path.of(project)) && !Files.isDirectory(Path.of(project))) {
            throw usage("--project " + project + " is not a directory: name a folder (it is created if missing)");
        }
        String refusal = output == null ? null : OutputFile.refusal(Path.of(output));
        if (refusal != null) {
            throw usage("--output " + output + " " + refusal + ": name a new file or a regular file of yours");
        }
        if (base != null && worktree == null) {
            throw usage("--base needs --worktree: it names the commit the worktree's branch starts from");
        }
        return new TaskOptions(prompt, project != null ? project : TaskOptions.DEFAULT_PROJECT, project != null,
                session, output, timeout, resume, resumeLabel, sessionLabel, notifyChannel, notifyTarget,
                notifyThreadId, wake, heartbeatInterval, claudeBin, claudeArgs, dryRun, pidDir, deliveryDeadline,
                gateway.url, gateway.tokenEnv, attach, worktree, base,
                Slots.limit(maxParallel, CliEnv.get()), onLimit, maxPause, permissions, approvalTimeout);
    }

    /** Regular files or stdin only, at most the prompt limit ({@link TextFile}). */
    private String readTaskFile(String file) {
        return TextFile.read(file, "task file", "write the prompt into a file", TaskOptions.MAX_PROMPT_BYTES,
                tooLarge("The task file " + file));
    }

    private static String tooLarge(String what) {
        return what + " is larger than " + TaskOptions.MAX_PROMPT_BYTES / (1024 * 1024)
                + " MiB: put the material into files in the project and tell Claude where to find them";
    }

    private static UserException usage(String message) {
        return UserException.usage(message);
    }

    /** {@code --attach}: the word, and the words for shell completion. */
    static final class AttachConverter implements ITypeConverter<AttachMode>, Iterable<String> {
        @Override
        public AttachMode convert(String value) {
            try {
                return AttachMode.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }

        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(AttachMode.values()).map(AttachMode::word).iterator();
        }
    }

    /** {@code --on-limit}: the word, and the words for shell completion. */
    static final class OnLimitConverter implements ITypeConverter<OnLimit>, Iterable<String> {
        @Override
        public OnLimit convert(String value) {
            try {
                return OnLimit.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }

        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(OnLimit.values()).map(OnLimit::word).iterator();
        }
    }
    /** {@code --permissions}: the word, and the words for shell completion. */
    static final class PermissionsConverter implements ITypeConverter<Permissions>, Iterable<String> {
        @Override
        public Permissions convert(String value) {
            try {
                return Permissions.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }

        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(Permissions.values()).map(Permissions::word).iterator();
        }
    }

    /** {@code 90m}, {@code 12h}, {@code 1h30m}, {@code 2d}, {@code 45s}; a bare number is seconds. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        private static final Pattern WHOLE = Pattern.compile("(?:\\d{1,9}[dhms])+|\\d{1,9}");
        private static final Pattern PART = Pattern.compile("(\\d+)([dhms]?)");

        @Override
        public Duration convert(String value) {
            if (!WHOLE.matcher(value).matches()) {
                throw new picocli.CommandLine.TypeConversionException(
                        "expected a duration such as 90m, 12h, 1h30m or 2d (a bare number is seconds) but was '" + value + "'");
            }
            Duration d = Duration.ZERO;
            Matcher m = PART.matcher(value);
            while (m.find()) {
                long n = Long.parseLong(m.group(1));
                d = d.plus(switch (m.group(2)) {
                    case "d" -> Duration.ofDays(n);
                    case "h" -> Duration.ofHours(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofSeconds(n);
                });
            }
            return d;
        }
    }

    static final class WakeConverter implements ITypeConverter<WakeMode> {
        @Override
        public WakeMode convert(String value) {
            try {
                return WakeMode.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage()); // no Java class name for users
            }
        }
    }
}
