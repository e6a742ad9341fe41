package dev.cctask.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cctask.delivery.Messages.BranchChanges;
import dev.cctask.delivery.Messages.Finished;
import dev.cctask.delivery.Messages.Launch;
import dev.cctask.delivery.Messages.Neighbour;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The exact texts of issue 19: worktree branch lines, the queue, the shared-folder warning. */
class ParallelRunMessagesTest {
    private static final Launch LAUNCH = new Launch("Refactor auth", "/home/dev/app", 3600, 4242, "auth refactor", null,
            "cc/auth-refactor", null);

    @Test
    void theStartMessageNamesTheBranchAfterTheProject() {
        assertEquals("📡 🚀 *Claude Code started*\n*Label:* auth refactor\n*Project:* /home/dev/app\n"
                + "*Branch:* cc/auth-refactor\n*Timeout:* 60min\n*PID:* 4242\nPrompt: Refactor auth",
                Messages.launch(LAUNCH));
    }

    @Test
    void aQueuedLaunchSaysHowManyRunsAreAheadThenShowsTheStartLines() {
        assertEquals("📡 ⏳ Claude Code queued (2 ahead)\n*Label:* auth refactor\n*Project:* /home/dev/app\n"
                + "*Branch:* cc/auth-refactor\n*Timeout:* 60min\n*PID:* 4242\nPrompt: Refactor auth",
                Messages.queued(LAUNCH, 2));
    }

    @Test
    void aSharedFolderWarningNamesEachOtherRunAndStandsBeforeThePrompt() {
        String warning = Messages.sharedFolder(List.of(new Neighbour("research", 17), new Neighbour("Fix the build", 18)));
        assertEquals("⚠ another task is working in this folder: \"research\" (PID 17), \"Fix the build\" (PID 18);"
                + " use --worktree to keep them apart", warning);
        assertEquals(warning, LogLines.sharedFolder(List.of(new Neighbour("research", 17), new Neighbour("Fix the build", 18))));
        assertEquals("📡 🚀 *Claude Code started*\n*Project:* /p\n*Timeout:* 60min\n*PID:* 9\n" + warning + "\nPrompt: x",
                Messages.launch(new Launch("x", "/p", 3600, 9, null, null, null, warning)));
    }

    @Test
    void theBranchLineCountsFilesLinesAndUncommittedChanges() {
        assertEquals("Branch: cc/auth-refactor · 5 files changed, +120 −30 (uncommitted: 2)",
                Messages.branchLine(new BranchChanges("cc/auth-refactor", 5, 120, 30, 2)));
        assertEquals("Branch: cc/x · 1 file changed, +1 −0", Messages.branchLine(new BranchChanges("cc/x", 1, 1, 0, 0)));
        assertEquals("Branch: cc/x · no changes", Messages.branchLine(new BranchChanges("cc/x", 0, 0, 0, 0)));
        assertEquals("Branch: cc/x", Messages.branchLine(new BranchChanges("cc/x", null, 0, 0, 0)));
    }

    @Test
    void everyFinalMessageOfAWorktreeRunHasTheBranchLineAfterTheProject() {
        BranchChanges changes = new BranchChanges("cc/auth-refactor", 5, 120, 30, 2);
        Finished f = new Finished("Refactor auth", "/home/dev/app", "/tmp/out.txt", "Done.", 0, 65, 3600, 4, null,
                "auth refactor", List.of(), changes);
        assertEquals("✅ Claude Code task complete!\n\nLabel: auth refactor\nTask: Refactor auth\nProject: /home/dev/app\n"
                + "Branch: cc/auth-refactor · 5 files changed, +120 −30 (uncommitted: 2)\nResult (5 chars):\n\nDone.\n\n"
                + "Full output: /tmp/out.txt", Messages.completed(f));
        assertEquals("🛑 Claude Code task cancelled after 1min\n\nLabel: auth refactor\nTask: Refactor auth\n"
                + "Project: /home/dev/app\nBranch: cc/auth-refactor · 5 files changed, +120 −30 (uncommitted: 2)\n"
                + "Tool calls: 4\n\nPartial result (5 chars):\n\nDone.\n\nFull output: /tmp/out.txt", Messages.cancelled(f));
    }

    @Test
    void aRunCancelledWhileQueuedSaysSo() {
        Finished f = new Finished("Refactor auth", "/home/dev/app", "/tmp/out.txt", "(no output captured)", -1, 0, 3600,
                0, null, null);
        assertEquals("🛑 Claude Code task cancelled while queued\n\nTask: Refactor auth\nProject: /home/dev/app",
                Messages.cancelledWhileQueued(f));
    }

    @Test
    void theLogSaysWhereAWorktreeRunWorksAndWhenItWaits() {
        Path wt = Path.of("/state/claude-code-task/worktrees/app-1a2b3c4d/auth-refactor");
        assertEquals("🌿 Working in the worktree " + wt + " on the new branch cc/auth-refactor (from 3f2a1bc)",
                LogLines.worktreeCreated(wt, "cc/auth-refactor", "3f2a1bc9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3"));
        assertEquals("🌿 Working in the worktree " + wt + " on the branch cc/auth-refactor (recreated from the branch)",
                LogLines.worktreeResumed(wt, "cc/auth-refactor", true));
        assertEquals("⏳ Queued: 2 ahead; at most 4 Claude process(es) run at once (--max-parallel)",
                LogLines.queued(2, 4));
        assertEquals("▶ Left the queue after 42s; starting Claude", LogLines.leftQueue(42));
    }
}
