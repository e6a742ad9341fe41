package dev.cctask.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cctask.delivery.LogLines.Banner;
import dev.cctask.gateway.Route;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogLinesTest {

    @Test
    void fullBannerWithResumeLabelAndThreadRoute() {
        Banner b = new Banner("t".repeat(120), "/home/dev//project/", "/tmp/cc-1.txt", 7200, "bb27ef18", "Build",
                4242, new Route("telegram", "-1001234567890", "42", null, "group"), "run-1");
        assertEquals(List.of(
                "🔧 Starting Claude Code...",
                "   Task: " + "t".repeat(100),
                "   Project: /home/dev/project",
                "   Output: /tmp/cc-1.txt",
                "   Timeout: 7200s (120min)",
                "   Resume: bb27ef18",
                "   Label: Build",
                "   PID: 4242",
                "   Route: telegram -1001234567890 thread 42",
                "   Run: run-1"), LogLines.banner(b));
    }

    @Test
    void minimalBannerWithoutRoute() {
        Banner b = new Banner("task", "p", "/tmp/o.txt", 59, null, null, 1, null, "r");
        assertEquals(List.of(
                "🔧 Starting Claude Code...",
                "   Task: task",
                "   Project: p",
                "   Output: /tmp/o.txt",
                "   Timeout: 59s",
                "   PID: 1",
                "   Route: none",
                "   Run: r"), LogLines.banner(b));
        assertEquals("   Timeout: 60s (1min)", LogLines.banner(new Banner("t", "p", "o", 60, null, null, 1, null, "r")).get(4));
        assertEquals("   Route: whatsapp 1@g.us", LogLines.banner(new Banner("task", "p", "o", 1, null, null, 1,
                new Route("whatsapp", "1@g.us", null, null, "group"), "r")).get(6));
    }

    @Test
    void doneLineForEveryStatus() {
        assertEquals("✅ COMPLETED Done (exit 0, 3 chars, 3min)", LogLines.done(Event.COMPLETED, 0, "a😀b", 239));
        assertEquals("❌ FAILED Done (exit 1, 0 chars, 0min)", LogLines.done(Event.FAILED, 1, "", 59));
        assertEquals("⏰ TIMEOUT Done (exit 143, 2 chars, 60min)", LogLines.done(Event.TIMEOUT, 143, "ab", 3600));
        assertEquals("🛑 CANCELLED Done (exit 143, 1 chars, 1min)", LogLines.done(Event.CANCELLED, 143, "a", 60));
        assertEquals("⚠️ INCOMPLETE Done (exit 0, 29 chars, 0min)",
                LogLines.done(Event.INCOMPLETE, 0, "Done: the command printed hi.", 9));
        assertEquals("⛔ LIMITED Done (exit 1, 43 chars, 2min)", LogLines.done(Event.LIMITED, 1,
                "You've hit your limit · resets 8:15am (UTC)", 150));
        assertThrows(IllegalArgumentException.class, () -> LogLines.done(Event.LOST, 0, "", 0));
    }

    @Test
    void usageLimitLines() {
        assertEquals("⏸ PAUSED usage limit (5-hour): resuming at 2026-12-03 14:05:30 (pause 1 of at most 10)",
                LogLines.paused("5-hour", "2026-12-03 14:05:30", 1, 10));
        assertEquals("▶️ Resuming session s-1 after the usage limit", LogLines.resuming("s-1"));
        assertEquals("⛔ Not waiting for the usage limit (weekly) to reset: --on-limit stop",
                LogLines.notWaiting("weekly", Messages.onLimitStop()));
    }

    @Test
    void runLines() {
        assertEquals("⏰ Timeout (3600s) reached, killing process...", LogLines.timeoutReached(3600));
        assertEquals("📝 Session registered: abc", LogLines.sessionRegistered("abc"));
        assertEquals("📂 Resuming session abc in /home/me/app, where it was started",
                LogLines.resumeInRegisteredDir("abc", "/home/me/app"));
        assertEquals("⚠️  Failed to register session: disk full", LogLines.registerFailed("disk full"));
        assertEquals("📨 Session notified", LogLines.sessionNotified());
        assertEquals("⚠ Outbox flush failed: x", LogLines.outboxFlushFailed("x"));
        assertEquals("⚠ Cannot remove the PID file /p/a.pid: x", LogLines.pidFileRemoveFailed(Path.of("/p/a.pid"), "x"));
        assertEquals("⚠ Cannot update the PID file /p/a.pid: x", LogLines.pidFileUpdateFailed(Path.of("/p/a.pid"), "x"));
        assertEquals("⚠ Cannot reconcile /p/a.pid: x", LogLines.reconcileFailed(Path.of("/p/a.pid"), "x"));
        assertEquals("⚠ Cannot queue the lost notice: x", LogLines.lostNoticeNotQueued("x"));
        assertEquals("⚠ Crash reconciliation failed: x", LogLines.reconciliationFailed("x"));
        assertEquals("💥 Crash while reporting the crash: disk full",
                LogLines.crashWhileReporting(new java.io.IOException("disk full")));
        assertEquals("📮 Delivery pending: 2 item(s) left in /s/claude-code-task/outbox",
                LogLines.deliveryPending(2, Path.of("/s/claude-code-task/outbox")));
        assertEquals("❌ Resume failed: session abc not found", LogLines.resumeFailed("abc"));
        assertEquals("📨 Resume failure notified", LogLines.resumeFailureNotified());
        assertEquals("💥 Crash: boom", LogLines.crash(new IllegalStateException("boom")));
        assertEquals("⚠ git not found; skipping git init", LogLines.gitNotFound());
        assertEquals("⚠ No gateway token (no token in /h/openclaw.json): chat messages disabled; final messages "
                + "queued in /s/outbox", LogLines.noGatewayToken("no token in /h/openclaw.json", Path.of("/s/outbox")));
        assertEquals("⚠ No delivery configured: results stay in /tmp/o.txt", LogLines.noDeliveryConfigured("/tmp/o.txt"));
        assertEquals("Delivered 2, pending 0, failed 0", LogLines.deliverSummary(2, 0, 0));
    }

    @Test
    void gatewayResultLinesCutTheBodyAndHintAtTheAllowList() {
        assertEquals("✓ Agent notified via sessions_send", LogLines.agentNotifiedViaSessionsSend());
        assertEquals("✓ Agent woken via hooks", LogLines.agentWokenViaHooks());
        assertEquals("⚠ sessions_send returned 500: " + "b".repeat(200),
                LogLines.sessionsSendReturned(500, "b".repeat(300)));
        assertEquals("⚠ sessions_send returned 404: {} (add \"sessions_send\" to gateway.tools.allow)",
                LogLines.sessionsSendReturned(404, "{}"));
        assertEquals("⚠ message send returned 500: x", LogLines.messageSendReturned(500, "x"));
    }

    @Test
    void aSendWithoutAnAnswerSaysItFailedWithoutAnInternalCode() {
        assertEquals("⚠ message send failed: gateway not running on http://127.0.0.1:18789: start it with"
                + " \"openclaw gateway run\"", LogLines.messageSendReturned(-1, "gateway not running on"
                + " http://127.0.0.1:18789: start it with \"openclaw gateway run\""));
        assertEquals("⚠ sessions_send failed: no answer from the gateway on http://127.0.0.1:18789 within 30s",
                LogLines.sessionsSendReturned(-1, "no answer from the gateway on http://127.0.0.1:18789 within 30s"));
        assertEquals("📮 Wake held back until the chat message is delivered", LogLines.wakeHeldBack());
    }

    @Test
    void deliveryEndLines() {
        assertEquals("📮 Delivery pending: 2 item(s) left in /s/outbox (stopped by a signal; send them with"
                + " \"run-task deliver\")", LogLines.deliveryStopped(2, Path.of("/s/outbox")));
        assertEquals("📮 Delivery lost: 1 item(s) neither delivered nor queued (the outbox was not writable);"
                + " the result is only in the output file; exit status 3", LogLines.deliveryLost(1));
        assertEquals("  failed: 1795486500000-x-1.json (unreadable: not JSON (Unexpected end-of-input)); moved to"
                + " /s/outbox/failed", LogLines.deliverUnreadable("1795486500000-x-1.json",
                "not JSON (Unexpected end-of-input)", Path.of("/s/outbox/failed")));
    }
}
