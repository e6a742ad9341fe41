package dev.cctask.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cctask.support.CliRun;
import dev.cctask.task.TaskOptions;
import java.io.InputStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The prompt size limit for -t and --task-file - (the file case runs as a process in FileSafetyProcessTest). */
class PromptLimitTest {
    static final String HINT = " is larger than 1 MiB: put the material into files in the project and tell Claude"
            + " where to find them";

    @TempDir
    Path state;

    @Test
    void anEndlessStdinIsReadOnlyUpToTheLimitAndRefused() {
        InputStream endless = new InputStream() { // like `--task-file - < /dev/zero`
            @Override
            public int read() {
                return 'x';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                java.util.Arrays.fill(b, off, off + len, (byte) 'x');
                return len;
            }
        };
        CliRun r = CliRun.run(CliRun.env(state), endless, "--task-file", "-", "--dry-run");
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals("The task file -" + HINT + "\n" + RunTaskUsageTest.ROOT_USAGE, r.err());
    }

    @Test
    void aTaskArgumentOverTheLimitIsRefused() {
        CliRun r = CliRun.run(state, "-t", "é".repeat(TaskOptions.MAX_PROMPT_BYTES / 2 + 1), "--dry-run");
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals("The task" + HINT + "\n" + RunTaskUsageTest.ROOT_USAGE, r.err());
    }

    @Test
    void aPromptAtTheLimitIsAccepted() {
        CliRun r = CliRun.run(state, "-t", "é".repeat(TaskOptions.MAX_PROMPT_BYTES / 2), "--dry-run");
        assertEquals(0, r.exitCode(), r.toString());
    }
}
