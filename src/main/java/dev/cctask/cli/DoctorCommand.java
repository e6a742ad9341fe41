package dev.cctask.cli;

import dev.cctask.doctor.Doctor;
import dev.cctask.doctor.Report;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code run-task doctor} (SPEC §1.4): parse, run {@link Doctor}, print its report; exit 1 iff a check failed. */
@Command(
        name = "doctor",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Check Java, Claude Code, the OpenClaw config, token and gateway, and the local state.",
            "Prints one line per check (✓ OK, ⚠ WARN, ✗ FAIL) and a fix for every problem; sends no chat message"
                    + " and wakes no agent. Exit 0 unless a check failed."
        })
public final class DoctorCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-s", "--session"}, paramLabel = "KEY",
            description = "Also check this session key: its chat route (message dry run) and that the gateway knows it.")
    String session;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Option(names = "--claude-bin", paramLabel = "PATH", description = "Claude executable (default: $CLAUDE_BIN, else claude on PATH).")
    String claudeBin;

    @Mixin
    GatewayOptions gateway = new GatewayOptions();

    @Option(names = "--pid-dir", paramLabel = "DIR", description = "PID file directory (default: pids/ beside run-task.jar).")
    Path pidDir;

    @Override
    public Integer call() {
        Report report = new Doctor(CliEnv.get(), new Doctor.Options(session, claudeBin, gateway.url, gateway.tokenEnv, pidDir)).run();
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? report.json() + "\n" : report.text());
        out.flush();
        return report.ok() ? 0 : 1;
    }
}
