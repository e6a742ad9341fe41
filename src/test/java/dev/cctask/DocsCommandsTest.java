package dev.cctask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cctask.registry.SessionRegistry;
import dev.cctask.support.CliRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every run-task command in the fenced {@code bash} blocks of SKILL.md, README.md and examples/README.md works as
 * written. A real bash expands each command (quotes, {@code ~}, continuation lines) with the launcher replaced by a
 * function that records the arguments; the arguments then run in-process with {@code --dry-run} (a task launch) or
 * {@code --help} (a subcommand), which still rejects unknown options and bad values, and must exit 0. Placeholders
 * are replaced by samples: {@code <session key>}, {@code <session id>}; {@code /tmp/} becomes a temp dir; task
 * files are created and labels to resume registered. A placeholder the test does not know reaches bash as a
 * redirection and fails the command.
 */
class DocsCommandsTest {
    static final Path BASEDIR = Path.of(System.getProperty("project.basedir", ".")).toAbsolutePath().normalize();
    static final String SESSION_KEY = "agent:main:telegram:group:-1001234567890";
    static final String SESSION_ID = "90d51ce1-5c6a-4c10-9e20-6e1bc7006c7c";
    /** How the docs call the launcher: the skill's script, the checkout's script, the jar, or an alias. */
    static final Pattern LAUNCHER = Pattern.compile("(?:\\{baseDir}/|~/\\.openclaw/workspace/skills/claude-code-task/|\\./)?"
            + "scripts/run-task|java -jar (?:\\S*/)?target/run-task\\.jar|(?<=^|[\\s(])run-task(?=\\s)");
    /** A command that runs the launcher itself (other commands, e.g. {@code ln -s …/scripts/run-task}, are not run). */
    static final Pattern CALLS_LAUNCHER = Pattern.compile("^(?:[A-Z_]+=\\S* )*(?:nohup |source <\\()?(?:"
            + LAUNCHER.pattern() + ")");
    static final Set<String> SUBCOMMANDS = Set.of("notify", "sessions", "tasks", "cancel", "steer", "approve", "deny",
            "deliver", "doctor", "completion");
    static final Set<String> HELP_OR_VERSION = Set.of("-h", "--help", "-V", "--version");

    @TempDir
    Path tmp;

    /** A shell command from a doc; {@code line} is where it starts (1-based). */
    record DocCommand(String doc, int line, String text) {
        @Override
        public String toString() {
            return doc + ":" + line + ": " + text;
        }
    }

    @TestFactory
    Stream<DynamicTest> skillCommandsWorkAsWritten() throws IOException {
        return tests("SKILL.md", 12);
    }

    @TestFactory
    Stream<DynamicTest> readmeCommandsWorkAsWritten() throws IOException {
        return tests("README.md", 15);
    }

    @TestFactory
    Stream<DynamicTest> examplesCommandsWorkAsWritten() throws IOException {
        return tests("examples/README.md", 8);
    }

    private Stream<DynamicTest> tests(String doc, int atLeast) throws IOException {
        List<DocCommand> commands = commands(doc);
        assertTrue(commands.size() >= atLeast, doc + " has only " + commands.size() + " run-task commands: " + commands);
        return commands.stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> check(c)));
    }

    /** The logical commands of the {@code ```bash} blocks that call the launcher. */
    static List<DocCommand> commands(String doc) throws IOException {
        List<String> lines = Files.readAllLines(BASEDIR.resolve(doc), StandardCharsets.UTF_8);
        List<DocCommand> commands = new ArrayList<>();
        boolean inBash = false;
        StringBuilder pending = null;
        int start = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!inBash) {
                inBash = line.strip().equals("```bash");
                continue;
            }
            if (line.strip().equals("```")) {
                inBash = false;
                continue;
            }
            String text = line.strip();
            if (pending == null) {
                if (text.isEmpty() || text.startsWith("#")) {
                    continue;
                }
                pending = new StringBuilder();
                start = i + 1;
            }
            if (text.endsWith("\\")) {
                pending.append(text, 0, text.length() - 1).append(' ');
                continue;
            }
            pending.append(text);
            String command = pending.toString().replaceAll("\\s+", " ").strip();
            pending = null;
            if (CALLS_LAUNCHER.matcher(command).find()) {
                commands.add(new DocCommand(doc, start, command));
            }
        }
        return commands;
    }

    private void check(DocCommand c) throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path state = Files.createDirectories(tmp.resolve("state"));
        Path scratch = Files.createDirectories(tmp.resolve("scratch"));
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path claude = bin.resolve("claude");
        Files.writeString(claude, "#!/bin/sh\necho '2.1.330 (Claude Code)'\n");
        claude.toFile().setExecutable(true);

        List<String> args = expand(c, home, scratch);
        boolean help = args.stream().anyMatch(HELP_OR_VERSION::contains);
        boolean subcommand = !args.isEmpty() && SUBCOMMANDS.contains(args.get(0));
        List<String> argv = new ArrayList<>(args);
        if (!help && !args.contains("--dry-run")) {
            argv.add(subcommand ? "--help" : "--dry-run");
        }
        if (!subcommand && !help) {
            prepareRun(args, state, home);
        }
        CliRun r = CliRun.run(new Env(Map.of("OPENCLAW_STATE_DIR", state.toString(), "HOME", home.toString(),
                "PATH", bin + ":/usr/bin:/bin"), home), argv.toArray(String[]::new));
        String shown = c + "\nran: " + argv + "\n" + r;
        assertEquals(0, r.exitCode(), shown);
        if (!subcommand && !help) {
            assertTrue(r.out().startsWith("run-task dry run\n"), shown);
            int s = args.indexOf("-s");
            if (s >= 0) {
                assertTrue(r.out().contains("\n  session:  " + args.get(s + 1) + "\n"), shown);
            }
        } else if (!help || args.contains("-h") || args.contains("--help")) {
            assertTrue(r.out().startsWith("Usage: run-task"), shown);
        }
    }

    /** The arguments bash passes to the launcher when it runs the command (placeholders replaced). */
    private List<String> expand(DocCommand c, Path home, Path scratch) throws IOException, InterruptedException {
        String command = c.text()
                .replace("<session key>", SESSION_KEY)
                .replace("<session id>", SESSION_ID)
                .replace("/tmp/", scratch + "/")
                .replaceFirst("^nohup ", "")
                .replaceFirst("\\s*&$", "");
        Matcher m = LAUNCHER.matcher(command);
        command = m.replaceAll("__run_task");
        Path capture = tmp.resolve("argv");
        Files.deleteIfExists(capture);
        String script = "__run_task() { printf '%s\\0' \"$@\" > \"$CAPTURE\"; }\n" + command + "\n";
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", script).directory(BASEDIR.toFile()).redirectErrorStream(true);
        pb.environment().put("HOME", home.toString());
        pb.environment().put("CAPTURE", capture.toString());
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), c + ": bash did not finish");
        if (p.exitValue() != 0 || !Files.exists(capture)) {
            fail(c + "\nbash could not run it (exit " + p.exitValue() + "): " + output + "\nscript: " + script);
        }
        String raw = Files.readString(capture, StandardCharsets.UTF_8);
        return raw.isEmpty() ? List.of() : Arrays.asList(raw.substring(0, raw.length() - 1).split("\0", -1));
    }

    /**
     * Creates the task files a launch names, registers the labels it resumes and makes the project of a
     * {@code --worktree} launch a repository with a commit, as a real set-up would have.
     */
    private static void prepareRun(List<String> args, Path state, Path home) throws Exception {
        int p = args.indexOf("-p");
        if (args.contains("--worktree") && p >= 0) {
            Path project = Files.createDirectories(Path.of(args.get(p + 1)));
            Files.writeString(project.resolve("README.md"), "hello\n");
            for (String git : List.of("init -q", "add README.md", "-c user.name=t -c user.email=t@t commit -qm first")) {
                Process g = new ProcessBuilder(("git " + git).split(" ")).directory(project.toFile()).inheritIO().start();
                assertTrue(g.waitFor(30, TimeUnit.SECONDS) && g.exitValue() == 0, "git " + git);
            }
        }
        for (int i = 0; i + 1 < args.size(); i++) {
            String value = args.get(i + 1);
            switch (args.get(i)) {
                case "--task-file" -> {
                    if (!value.equals("-")) {
                        Files.createDirectories(Path.of(value).toAbsolutePath().getParent());
                        Files.writeString(Path.of(value), "Prompt written by the agent ✅", StandardCharsets.UTF_8);
                    }
                }
                case "--resume-label" -> new SessionRegistry(state, w -> { }).register(new SessionRegistry.Registration(
                        SESSION_ID, value, "earlier task", home.resolve("projects/my-app").toString(), SESSION_KEY,
                        "/tmp/cc-earlier.txt", "run-earlier", 1));
                default -> { }
            }
        }
    }
}
