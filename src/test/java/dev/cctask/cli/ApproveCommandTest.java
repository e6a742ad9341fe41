package dev.cctask.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cctask.support.CliRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code approve} and {@code deny} refuse bad input before they look for a run (issue 18). */
class ApproveCommandTest {
    @TempDir
    Path state;

    @Test
    void aRequestNumberBelowOneOrNotANumberIsAUsageError() {
        assertEquals(new CliRun("", "The request number must be 1 or more: the N of \"Claude Code asks (#N)\"\n"
                + "Usage: run-task approve [OPTIONS] TARGET N\n"
                + "See 'run-task approve --help'.\n", 2), CliRun.run(state, "approve", "auth", "0"));
        CliRun word = CliRun.run(state, "deny", "auth", "two");
        assertEquals(2, word.exitCode());
        assertEquals("Invalid value for positional parameter at index 1 (N): 'two' is not an int",
                word.err().lines().findFirst().orElseThrow());
    }

    @Test
    void aTaskThatIsNotRunningIsExitOneWithTheTargetNamed() {
        CliRun r = CliRun.run(state, "approve", "nothing-runs", "1", "--pid-dir", state.resolve("pids").toString());
        assertEquals(1, r.exitCode(), r.toString());
    }
}
