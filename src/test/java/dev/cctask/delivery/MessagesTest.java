package dev.cctask.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cctask.Text;
import dev.cctask.delivery.Messages.BackgroundTask;
import dev.cctask.delivery.Messages.Finished;
import dev.cctask.delivery.Messages.Heartbeat;
import dev.cctask.delivery.Messages.Launch;
import dev.cctask.delivery.Messages.Lost;
import dev.cctask.delivery.Messages.ResultStats;
import dev.cctask.gateway.Route;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MessagesTest {

    private static final String OUT = "/tmp/cc-20261124-021500.txt";
    private static final String JID = "120363424282127706@g.us";

    // ---------------------------------------------------------------- formatters

    @ParameterizedTest(name = "formatTokens({0}) = {1}")
    @CsvSource({
        "0,0", "999,999", "1000,1.0K", "1049,1.0K", "1050,1.1K", "1149,1.1K",
        "1150,1.1K", "1151,1.2K", "1250,1.2K", "1350,1.4K", "1450,1.4K", "2050,2.0K",
        "9949,9.9K", "9950,9.9K", "9951,10.0K", "9999,10.0K", "10000,10K", "12345,12K"
    })
    void formatTokensFollowsTheSpecTable(long n, String expected) {
        assertEquals(expected, Messages.formatTokens(n));
    }

    /** Python rounds the binary double half-even: these 45 values come out one tenth lower than decimal half-up. */
    private static final Set<Integer> HALF_EVEN_LOWER = Set.of(
            1150, 1250, 1450, 1650, 1950, 2050, 2150, 2250, 2550, 2650,
            3050, 3150, 3250, 3550, 3650, 4050, 4250, 4350, 4550, 4850,
            5050, 5250, 5350, 5550, 5850, 6050, 6250, 6350, 6550, 6850,
            7050, 7250, 7350, 7550, 7850, 8250, 8350, 8450, 8850, 8950,
            9250, 9350, 9450, 9850, 9950);

    @Test
    void formatTokensDiffersFromHalfUpOnExactlyTheFortyFiveListedValues() {
        assertEquals(45, HALF_EVEN_LOWER.size());
        for (int n = 1000; n < 10000; n++) {
            int tenths = HALF_EVEN_LOWER.contains(n) ? n / 100 : (n + 50) / 100;
            assertEquals(tenths / 10 + "." + tenths % 10 + "K", Messages.formatTokens(n), "n=" + n);
        }
    }

    @ParameterizedTest
    @CsvSource({"0,0s", "59,59s", "60,1min", "119,1min", "7200,120min"})
    void fmtShowsSecondsBelowAMinuteElseWholeMinutes(long seconds, String expected) {
        assertEquals(expected, Messages.fmt(seconds));
    }

    @ParameterizedTest(name = "[{0}] -> [{1}]")
    @CsvSource(value = {
        "'',.", ".,.", "./,.", "a//b/./c/,a/b/c", "//a/b,//a/b", "///a,/a", "../x/..,../x/..", "/,/", "//,//",
        "a/.,a", "/tmp/cc-scratch/,/tmp/cc-scratch", "/home/dev/./project,/home/dev/project"
    })
    void normaliseProjectBehavesLikePythonPathlib(String given, String expected) {
        assertEquals(expected, Messages.normaliseProject(given));
    }

    @Test
    void cutCountsCodePointsNotUtf16Units() {
        assertEquals("😀😀", Text.cut("😀😀😀", 2));
        assertEquals("ab", Text.cut("ab", 5));
        assertEquals(3, Text.length("😀a😀"));
    }

    @Test
    void errorTextFallsBackToTheClassNameWhenTheMessageIsBlank() {
        assertEquals("boom", Messages.errorText(new IllegalStateException("boom")));
        assertEquals("NullPointerException", Messages.errorText(new NullPointerException()));
        assertEquals("IOException", Messages.errorText(new java.io.IOException(" ")));
    }

    // ---------------------------------------------------------------- heartbeat

    @Test
    void heartbeatShowsEveryPartOfTheSpecExample() {
        assertEquals("📡 🟢 CC (3min) | 1.2K tok | 8 calls | 📝 Write: auth.py ✍️",
                Messages.heartbeat(new Heartbeat(200, 2.0, 1234, 8, "📝 Write: auth.py", 5)));
    }

    @ParameterizedTest(name = "idle {0}s -> {1}")
    @CsvSource({
        "29.9,📡 🟢 CC (1min) | 💻 bash: ls ✍️",
        "30,📡 🟡 CC (1min) | 💻 bash: ls ✍️",
        "119.9,📡 🟡 CC (1min) | 💻 bash: ls ✍️",
        "120,📡 🔴 CC (1min) | 💻 bash: ls ✍️",
        "121,📡 🔴 CC (1min) | 🧠 Thinking... (121s)",
        "500.7,📡 🔴 CC (1min) | 🧠 Thinking... (500s)"
    })
    void heartbeatDotAndThinkingThresholds(double idle, String expected) {
        assertEquals(expected, Messages.heartbeat(new Heartbeat(60, idle, 0, 0, "💻 bash: ls", 3)));
    }

    @Test
    void heartbeatSaysThinkingWhenIdleOver15sWithoutChunks() {
        assertEquals("📡 🟢 CC (0min) | 1 call | 🧠 Thinking...",
                Messages.heartbeat(new Heartbeat(59, 15.5, 0, 1, "💻 bash: ls", 0)));
        assertEquals("📡 🔴 CC (2min) | 🧠 Thinking...",
                Messages.heartbeat(new Heartbeat(179, 120, 0, 0, "💻 bash: ls", 0)));
        assertEquals("📡 🟢 CC (0min) | 💻 bash: ls",
                Messages.heartbeat(new Heartbeat(20, 15, 0, 0, "💻 bash: ls", 0)));
    }

    @Test
    void heartbeatCountsRunningBackgroundTasksInOneShortPart() {
        assertEquals("📡 🟢 CC (3min) | 1.2K tok | 8 calls | 🤖 2 agents | 📝 Write: auth.py ✍️",
                Messages.heartbeat(new Heartbeat(200, 2.0, 1234, 8, "📝 Write: auth.py", 5,
                        List.of("local_agent", "local_agent"), false)));
        assertEquals("📡 🟢 CC (0min) | 🤖 1 agent, 1 command, 2 tasks",
                Messages.heartbeat(new Heartbeat(5, 1, 0, 0, "", 0,
                        Arrays.asList("local_bash", "monitor", "local_agent", null), false)));
    }

    @Test
    void whileOnlyBackgroundWorkRunsTheHeartbeatNamesItInsteadOfThinking() {
        assertEquals("📡 🔴 CC (12min) | 5 calls | 🤖 1 agent | 🤖 Agent: Run the test matrix",
                Messages.heartbeat(new Heartbeat(720, 400, 0, 5, "🤖 Agent: Run the test matrix", 0,
                        List.of("local_agent"), true)));
        assertEquals("📡 🟢 CC (1min) | 🤖 1 agent | 🧠 Thinking...",
                Messages.heartbeat(new Heartbeat(60, 20, 0, 0, "💻 bash: ls", 0, List.of("local_agent"), false)),
                "while the main agent works, the usual rules");
    }

    @Test
    void heartbeatWithNothingToReportHasOnlyTheDot() {
        assertEquals("📡 🟢 CC (0min)", Messages.heartbeat(new Heartbeat(5, 1, 0, 0, "", 0)));
        assertEquals("📡 🟢 CC (0min) | 84 tok", Messages.heartbeat(new Heartbeat(5, 1, 84, 0, null, 2)));
    }

    // ---------------------------------------------------------------- launch

    @Test
    void launchWithLabelAndResume() {
        String text = Messages.launch(new Launch("Fix the build", "/home/dev/project/", 7200, 4242, "Build fix",
                "bb27ef18-6f34-4fe4-8f95-ea52f704dffe"));
        assertEquals("📡 🚀 *Claude Code started*\n"
                + "*Label:* Build fix\n"
                + "*Project:* /home/dev/project\n"
                + "*Timeout:* 120min\n"
                + "*Resume:* bb27ef18-6f3...\n"
                + "*PID:* 4242\n"
                + "Prompt: Fix the build", text);
    }

    @Test
    void launchWithoutOptionalLinesCutsTheLongPromptTo300CodePoints() {
        String task = "😀".repeat(301);
        String text = Messages.launch(new Launch(task, "proj", 45, 7, null, null));
        assertEquals("📡 🚀 *Claude Code started*\n*Project:* proj\n*Timeout:* 45s\n*PID:* 7\nPrompt: "
                + "😀".repeat(300) + "…", text);
        String exact = Messages.launch(new Launch("x".repeat(300), "proj", 45, 7, "", ""));
        assertTrue(exact.endsWith("Prompt: " + "x".repeat(300)), exact);
    }

    // ---------------------------------------------------------------- final messages

    private static Finished finished(String text, ResultStats stats) {
        return new Finished("Run echo hi with Bash", "/home/dev/project", OUT, text, 0, 185, 7200, 3, stats, null);
    }

    @Test
    void completedFromBasicFixtureHasTheCostFooter() {
        String text = Messages.completed(finished("Done: the command printed hi.", new ResultStats(0.103788, 2, 84)));
        assertEquals("✅ Claude Code task complete!\n\n"
                + "Task: Run echo hi with Bash\n"
                + "Project: /home/dev/project\n"
                + "Result (29 chars):\n\n"
                + "Done: the command printed hi.\n\n"
                + "Cost: $0.10 · 2 turns · 84 tok\n"
                + "Full output: " + OUT, text);
    }

    @Test
    void completedWithoutResultHasNoFooterAndLongTextIsTruncated() {
        String text = "é".repeat(2001);
        assertEquals("✅ Claude Code task complete!\n\n"
                + "Task: Run echo hi with Bash\n"
                + "Project: /home/dev/project\n"
                + "Result (2001 chars):\n\n"
                + "é".repeat(2000) + "\n"
                + "...(truncated)\n"
                + "Full output: " + OUT, Messages.completed(finished(text, null)));
    }

    @Test
    void completedAtExactly2000CodePointsIsNotTruncated() {
        String text = Messages.completed(finished("😀".repeat(2000), null));
        assertTrue(text.contains("Result (2000 chars):\n\n" + "😀".repeat(2000) + "\n\nFull output: "), text);
    }

    @Test
    void footerRules() {
        assertEquals("", Messages.footer(null));
        assertEquals("", Messages.footer(new ResultStats(null, null, 0)));
        assertEquals("Cost: $0.11 · 1 turn\n", Messages.footer(new ResultStats(0.105, 1, 0)));
        assertEquals("Cost: $0.00 · 0 turns · 1.2K tok\n", Messages.footer(new ResultStats(0.0, 0, 1250)));
        assertEquals("Cost: $12.35\n", Messages.footer(new ResultStats(12.345, null, 0)));
        assertEquals("84 tok\n", Messages.footer(new ResultStats(null, null, 84)));
    }

    @Test
    void failedShowsTheExitCodeAndThePreviewWithoutTruncationMarker() {
        Finished f = new Finished("t", "./p/", OUT, "Invalid API key · Fix external API key\n" + "x".repeat(2100), 1,
                10, 7200, 0, new ResultStats(0.0, 1, 0), null);
        assertEquals("❌ Claude Code error (exit 1)\n\nTask: t\nProject: p\n\nInvalid API key · Fix external API key\n"
                + "x".repeat(2000 - 39), Messages.failed(f));
    }

    @Test
    void timeoutMessage() {
        Finished f = new Finished("😀".repeat(201), "/p", OUT, "partial\n", 143, 3605, 3600, 12, null, null);
        assertEquals("⏰ Claude Code timed out after 60min (limit: 60min)\n\n"
                + "Task: " + "😀".repeat(200) + "\n"
                + "Project: /p\n"
                + "Tool calls: 12\n\n"
                + "Partial result (8 chars):\n\n"
                + "partial\n\n\n"
                + "Full output: " + OUT, Messages.timeout(f));
    }

    @Test
    void cancelledMessage() {
        Finished f = new Finished("task", "/p", OUT, "half done", 143, 42, 7200, 2, null, "auth refactor");
        assertEquals("🛑 Claude Code task cancelled after 42s\n\n"
                + "Label: auth refactor\nTask: task\nProject: /p\nTool calls: 2\n\n"
                + "Partial result (9 chars):\n\nhalf done\n\n"
                + "Full output: " + OUT, Messages.cancelled(f));
    }

    private static final BackgroundTask KILLED = new BackgroundTask("local_agent", "Run the test matrix", "killed");
    private static final BackgroundTask RUNNING = new BackgroundTask("local_bash", "npm run watch", "running");

    @Test
    void incompleteNamesEveryUnfinishedTaskThenTheResultLikeTheCompletedMessage() {
        Finished f = new Finished("Run echo hi with Bash", "/home/dev/project", OUT, "Done: the command printed hi.",
                0, 185, 7200, 3, new ResultStats(0.103788, 2, 84), "nightly", List.of(KILLED, RUNNING), null);
        assertEquals("⚠️ Claude Code finished, but 2 background tasks did not complete\n\n"
                + "Label: nightly\n"
                + "Task: Run echo hi with Bash\n"
                + "Project: /home/dev/project\n"
                + "Not completed: subagent \"Run the test matrix\" (killed)\n"
                + "Not completed: command \"npm run watch\" (still running)\n"
                + "Result (29 chars):\n\n"
                + "Done: the command printed hi.\n\n"
                + "Cost: $0.10 · 2 turns · 84 tok\n"
                + "Full output: " + OUT, Messages.finished(Event.INCOMPLETE, f));
    }

    @Test
    void incompleteWithOneTaskSaysTaskAndListsAtMostTenCutToOneLine() {
        Finished one = new Finished("t", "/p", OUT, "r", 0, 1, 7200, 1, null, null,
                List.of(new BackgroundTask(null, null, "stopped")), null);
        assertEquals("⚠️ Claude Code finished, but 1 background task did not complete\n\nTask: t\nProject: /p\n"
                + "Not completed: task (stopped)\nResult (1 chars):\n\nr\n\nFull output: " + OUT, Messages.incomplete(one));

        List<BackgroundTask> many = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            many.add(new BackgroundTask("local_agent", "line one\nline two " + "x".repeat(100), "killed"));
        }
        String text = Messages.incomplete(new Finished("t", "/p", OUT, "r", 0, 1, 7200, 1, null, null, many, null));
        assertTrue(text.startsWith("⚠️ Claude Code finished, but 12 background tasks did not complete\n"), text);
        String line = "Not completed: subagent \"line one line two " + "x".repeat(82) + "\" (killed)\n";
        assertTrue(text.contains("Project: /p\n" + line.repeat(10) + "Not completed: … and 2 more\nResult (1 chars)"),
                text);
    }

    @Test
    void timeoutAndCancelledListTheBackgroundTasksStillRunning() {
        List<BackgroundTask> tasks = List.of(KILLED, new BackgroundTask("local_agent", "Run echo", "running"));
        Finished f = new Finished("task", "/p", OUT, "half done", 143, 20, 20, 2, null, null, tasks, null);
        assertEquals("⏰ Claude Code timed out after 20s (limit: 20s)\n\n"
                + "Task: task\nProject: /p\nTool calls: 2\nStill running: subagent \"Run echo\"\n\n"
                + "Partial result (9 chars):\n\nhalf done\n\n"
                + "Full output: " + OUT, Messages.finished(Event.TIMEOUT, f));
        assertEquals("🛑 Claude Code task cancelled after 20s\n\n"
                + "Task: task\nProject: /p\nTool calls: 2\nStill running: subagent \"Run echo\"\n\n"
                + "Partial result (9 chars):\n\nhalf done\n\n"
                + "Full output: " + OUT, Messages.finished(Event.CANCELLED, f));
    }

    @Test
    void crashKeepsBoldAndCutsTheErrorTo500CodePoints() {
        assertEquals("💥 Claude Code script crashed!\n\n**Task:** " + "t".repeat(200) + "\n**Error:** " + "e".repeat(500),
                Messages.crash("t".repeat(300), "e".repeat(600)));
        assertEquals("💥 Claude Code script crashed!\n\n**Task:** x\n**Error:** Claude executable not found: claude",
                Messages.crash("x", "Claude executable not found: claude"));
    }

    @Test
    void resumeFailedKeepsBold() {
        assertEquals("❌ Claude Code resume failed\n\n"
                + "Session ID `11111111-2222-4333-8444-555555555555` not found or expired.\n\n"
                + "**Suggestion:** Start a fresh session without --resume flag.",
                Messages.resumeFailed("11111111-2222-4333-8444-555555555555"));
    }

    @Test
    void lostWithAndWithoutSessionId() {
        String base = "⚠️ Claude Code task lost\n\nTask: task\nProject: /home/dev/project\n"
                + "The runner (PID 4242) stopped without reporting a result.\nPartial output: " + OUT;
        assertEquals(base + "\nResume with: --resume abc",
                Messages.lost(new Lost("task", "/home/dev/project", OUT, 4242, "abc")));
        assertEquals(base, Messages.lost(new Lost("task", "/home/dev/project", OUT, 4242, null)));
    }

    // ---------------------------------------------------------------- wake payload

    @Test
    void wakePayloadForAWhatsAppGroupIsByteIdenticalToTheOriginal() {
        String message = Messages.resumeFailed("abc");
        // The original's f-string pieces, concatenated as Python does.
        String original = "[CLAUDE_CODE_RESULT]\n" + message + "\n\n"
                + "---\n"
                + "⚠️ INSTRUCTION: You received a Claude Code result. "
                + "Process it, then send your response to the WhatsApp group using "
                + "message(action=send, channel=whatsapp, target=" + JID + ", message=YOUR_SUMMARY). "
                + "Then reply NO_REPLY to avoid duplicate. Do NOT rely on announce step.";
        assertEquals(original, Messages.wakePayload(message, new Route("whatsapp", JID, null, null, "group")));
    }

    @Test
    void wakePayloadNamesTheTelegramTopic() {
        String payload = Messages.wakePayload("m", new Route("telegram", "-1001234567890", "42", null, "group"));
        assertEquals("[CLAUDE_CODE_RESULT]\nm\n\n---\n⚠️ INSTRUCTION: You received a Claude Code result. Process it, "
                + "then send your response to the Telegram group using message(action=send, channel=telegram, "
                + "target=-1001234567890, threadId=42, message=YOUR_SUMMARY). Then reply NO_REPLY to avoid duplicate. "
                + "Do NOT rely on announce step.", payload);
    }

    @ParameterizedTest(name = "{0}/{1} -> {2}")
    @CsvSource({
        "discord,channel,Discord channel",
        "slack,direct,Slack chat",
        "signal,group,Signal group",
        "whatsapp,chat,WhatsApp chat",
        "matrix,group,matrix group",
        "telegram,direct,Telegram chat"
    })
    void wakePayloadPlaceNamesChannelAndKind(String channel, String kind, String place) {
        String payload = Messages.wakePayload("m", new Route(channel, "T", null, null, kind));
        assertTrue(payload.contains("send your response to the " + place + " using message(action=send, channel="
                + channel + ", target=T, message=YOUR_SUMMARY). Then"), payload);
    }

    @Test
    void wakePayloadWithoutRouteUsesTheSessionsOwnChannel() {
        assertEquals("[CLAUDE_CODE_RESULT]\nm\n\n---\n"
                + "⚠️ INSTRUCTION: You received a Claude Code result. Process it, then send your response to the user "
                + "with the message tool (action=send) on this session's channel. Then reply NO_REPLY to avoid "
                + "duplicate. Do NOT rely on announce step.", Messages.wakePayload("m", null));
    }

    // ---------------------------------------------------------------- the full output as a document (issue 20)

    @Test
    void documentCaptionIsShortAndACutOneNamesTheWholeFile() {
        assertEquals("📎 Full output", Messages.documentCaption(null));
        assertEquals("📎 Full output, cut at 1.5 MB of 3.2 MB; the whole file: " + OUT,
                Messages.documentCaption(new Messages.Cut(1_499_750, 3_249_999, OUT)));
    }

    @Test
    void wakeSaysTheFullOutputIsAttachedSoThatTheAgentDoesNotPasteIt() {
        String told = Messages.documentAttached("✅ done", "cc-report-result.md", null);
        assertEquals("[CLAUDE_CODE_RESULT]\n✅ done\n\n📎 The full output is attached to the chat as cc-report-result.md:"
                + " the user has it, do not paste it.\n\n---\n⚠️ INSTRUCTION: You received a Claude Code result. Process"
                + " it, then send your response to the user with the message tool (action=send) on this session's"
                + " channel. Then reply NO_REPLY to avoid duplicate. Do NOT rely on announce step.",
                Messages.wakePayload(told, null));
        assertEquals("✅ done\n\n📎 The full output is attached to the chat as cc-report-result.md, cut at 1.5 MB of"
                + " 16.0 MB (the whole file: " + OUT + "): the user has it, do not paste it.",
                Messages.documentAttached("✅ done", "cc-report-result.md", new Messages.Cut(1_499_750, 16_000_000, OUT)));
    }

    // ---------------------------------------------------------------- the plan's usage limit (issue 15)

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final Instant NOW = Instant.parse("2026-12-03T10:52:00Z"); // 11:52 in Berlin
    private static final Messages.SoFar SO_FAR = new Messages.SoFar("Refactor auth", "/home/dev//app/", "auth refactor",
            12, 8400);

    @ParameterizedTest(name = "span({0}) = {1}")
    @CsvSource({"PT0S,0s", "PT-5S,0s", "PT45S,45s", "PT13M,13m", "PT13M59S,13m", "PT2H13M,2h13m", "PT2H5M,2h05m",
        "PT12H,12h", "PT36H,1d12h", "PT96H30M,4d"})
    void spansAreWholeUnitsWithoutZeros(Duration d, String expected) {
        assertEquals(expected, Messages.span(d));
    }

    @Test
    void limitsAreNamedAsUsersKnowThem() {
        assertEquals("5-hour", Messages.limitName("five_hour"));
        assertEquals("weekly", Messages.limitName("seven_day"));
        assertEquals("weekly Opus", Messages.limitName("seven_day_opus"));
        assertEquals("some new", Messages.limitName("some_new"));
        assertEquals("plan", Messages.limitName(null));
    }

    @Test
    void thePauseSaysWhichLimitWhenInLocalTimeTheWorkSoFarAndHowToCancel() {
        Messages.Limit limit = new Messages.Limit("five_hour", Instant.parse("2026-12-03T13:05:30Z"), NOW, BERLIN);
        assertEquals("⏸ Claude Code paused: usage limit (5-hour) · resumes at 14:05 (in 2h13m)\n\n"
                + "Label: auth refactor\nTask: Refactor auth\nProject: /home/dev/app\nSo far: 12 tool calls · 8.4K tok\n"
                + "Cancel: run-task cancel \"auth refactor\"", Messages.paused(limit, SO_FAR,
                Messages.cancelCommand("auth refactor", 48213, null)));
    }

    @Test
    void aResetOnAnotherDayIsShownWithItsDate() {
        assertEquals("2026-12-07 09:00 (in 3d21h)", Messages.when(new Messages.Limit("seven_day",
                Instant.parse("2026-12-07T08:00:00Z"), NOW, BERLIN)));
        assertEquals("an unknown time", Messages.when(new Messages.Limit(null, null, NOW, BERLIN)));
    }

    @Test
    void theStopAtTheLimitNamesTheResetWhyAndTheCommandThatResumesLater() {
        Messages.Limit limit = new Messages.Limit("seven_day", Instant.parse("2026-12-07T08:00:00Z"), NOW, BERLIN);
        String resume = Messages.resumeCommand("78fa22a3-ef34-46fe-b46e-36fe36db94c1", "/home/dev/my app",
                "agent:main:telegram:group:-1001234567890");
        assertEquals("run-task --resume 78fa22a3-ef34-46fe-b46e-36fe36db94c1 -p \"/home/dev/my app\""
                + " -s \"agent:main:telegram:group:-1001234567890\""
                + " -t \"The usage limit has reset. Continue the task from where you stopped.\"", resume);
        assertEquals("⛔ Claude Code stopped: usage limit (weekly) · resets at 2026-12-07 09:00 (in 3d21h)\n\n"
                + "Label: auth refactor\nTask: Refactor auth\nProject: /home/dev/app\nSo far: 12 tool calls · 8.4K tok\n"
                + "Not waiting: the reset is more than --max-pause 12h away\nResume after the reset: " + resume
                + "\nFull output: " + OUT, Messages.limitStopped(limit, SO_FAR,
                Messages.beyondMaxPause(Duration.ofHours(12)), resume, OUT));
    }

    @Test
    void theCancelCommandNamesTheRunByLabelOrPidAndQuotesForTheShell() {
        assertEquals("run-task cancel 48213", Messages.cancelCommand(null, 48213, null));
        assertEquals("run-task cancel \"nightly\" --pid-dir /srv/pids", Messages.cancelCommand("nightly", 1, "/srv/pids"));
        assertEquals("run-task cancel 'say \"hi\" for $5'\\''s sake' --pid-dir \"/srv/my pids\"",
                Messages.cancelCommand("say \"hi\" for $5's sake", 1, "/srv/my pids"));
    }

    @Test
    void theResumeLineAndTheOutputSeparator() {
        assertEquals("📡 ▶️ Claude Code resumed after the usage limit", Messages.resumed());
        assertEquals("\n--- ▶️ resumed after the usage limit (5-hour) at 2026-12-03 14:05:31 ---\n",
                Messages.outputSeparator("five_hour", "2026-12-03 14:05:31"));
    }

    @Test
    void anApprovalRequestShowsABashCommandWholeUpTo500CodePointsAndTheTwoCommandsThatAnswerIt() {
        String command = "npm install left-pad";
        assertEquals("🔐 Claude Code asks (#2): Bash\nnpm install left-pad\nin /home/me/projects/app\n"
                + "Approve: run-task approve app 2   ·   Deny: run-task deny app 2 \"why\"",
                Messages.approvalRequest(new Messages.Ask(2, "Bash", command, null, null, "Install", "/home/me/projects/app",
                        "app")));
        String longer = "é".repeat(501);
        String shown = Messages.approvalRequest(new Messages.Ask(1, "Bash", longer, null, null, null, "/p", "my task"))
                .lines().toList().get(1);
        assertEquals("é".repeat(500) + "…", shown);
        assertTrue(Messages.approvalRequest(new Messages.Ask(1, "Bash", "x", null, null, null, "/p", "my task"))
                .endsWith("Approve: run-task approve \"my task\" 1   ·   Deny: run-task deny \"my task\" 1 \"why\""));
    }

    @Test
    void anApprovalRequestShowsAFileWriteAsPathSizeAndItsFirstLines() {
        String content = "1\n2\n3\n4\n5\n6\n7\n";
        assertEquals("🔐 Claude Code asks (#1): Write\n/p/a.txt (14 bytes)\n1\n2\n3\n4\n5\n… (2 more lines)\nin /p\n"
                + "Approve: run-task approve 4242 1   ·   Deny: run-task deny 4242 1 \"why\"",
                Messages.approvalRequest(new Messages.Ask(1, "Write", null, "/p/a.txt", content, "a.txt", "/p", "4242")));
    }

    @Test
    void whileClaudeWaitsForAnApprovalTheHeartbeatSaysSoInsteadOfThinking() {
        assertEquals("📡 🟢 CC (5min) | 3 calls | 🔐 waiting for approval #2 (4min)",
                Messages.heartbeat(new Heartbeat(300, 240, 0, 3, "📝 Write: a.txt", 0, List.of(), false,
                        Messages.approvalWaiting(2, 240))));
        assertEquals("No answer within 30min", Messages.approvalTimeoutReason(Duration.ofMinutes(30)));
        assertEquals("📡 ✖️ denied #2: No answer within 30min", Messages.approvalTimedOut(2, Duration.ofMinutes(30)));
        assertEquals("📡 ✔️ approved #2", Messages.approved(2));
    }
}
