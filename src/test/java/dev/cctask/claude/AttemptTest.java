package dev.cctask.claude;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import dev.cctask.support.RunTaskProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttemptTest {
    private static final Duration GRACE = Duration.ofSeconds(5);

    @TempDir
    Path tmp;

    private Attempt start(RunTotals totals, Map<String, String> env, List<String> sessionIds, CountDownLatch exited)
            throws Exception {
        var launch = new Attempt.Launch(ClaudeCommand.argv(Fixtures.fakeClaude().toString(), null, List.of()), tmp,
                new ClaudeProcess.ChildEnv(env, List.of(), UUID.randomUUID().toString()), "Run echo hi with Bash");
        return Attempt.start(launch, totals, StreamParser.Listener.of(sessionIds::add, text -> { }), exited::countDown);
    }

    @Test
    void anAttemptEndsInItsExitCodeStderrAndSessionId() throws Exception {
        List<String> ids = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch exited = new CountDownLatch(1);
        Attempt a = start(new RunTotals(), Map.of("FAKE_CLAUDE_TRANSCRIPT", Fixtures.transcript("basic.jsonl").toString(),
                "FAKE_CLAUDE_EXIT", "3", "FAKE_CLAUDE_STDERR", "boom"), ids, exited);
        assertTrue(exited.await(30, TimeUnit.SECONDS), "the exit is signalled");
        Attempt.Ended ended = a.end(Attempt.Stop.EXITED, GRACE, GRACE);
        assertEquals(List.of(Attempt.Stop.EXITED, 3, "boom", "bb27ef18-6f34-4fe4-8f95-ea52f704dffe", 0),
                List.of(ended.stop(), ended.exitCode(), ended.stderr(), ended.sessionId(), ended.leftovers().join()));
        assertEquals(List.of("bb27ef18-6f34-4fe4-8f95-ea52f704dffe"), ids);
    }

    @Test
    void aLingeringClaudeStoppedAfterItsResultEndsWithTheResultsStatusNotTheKills() throws Exception {
        CountDownLatch exited = new CountDownLatch(1);
        Attempt a = start(new RunTotals(), Map.of("FAKE_CLAUDE_TRANSCRIPT", Fixtures.transcript("basic.jsonl").toString(),
                "FAKE_CLAUDE_SLEEP_AFTER", "3600"), new ArrayList<>(), exited);
        for (int i = 0; i < 3000 && a.state().lastResult().isEmpty(); i++) {
            Thread.sleep(10);
        }
        assertEquals(0, a.end(Attempt.Stop.DONE, GRACE, GRACE).exitCode());
        assertTrue(exited.await(5, TimeUnit.SECONDS), "the kill ended it");
    }

    @Test
    void aSecondAttemptStartsWithFreshStateWhileTheTotalsCarryOn() throws Exception {
        RunTotals totals = new RunTotals();
        Map<String, String> env = Map.of("FAKE_CLAUDE_TRANSCRIPT", Fixtures.transcript("basic.jsonl").toString());
        CountDownLatch first = new CountDownLatch(1);
        Attempt one = start(totals, env, new ArrayList<>(), first);
        assertTrue(first.await(30, TimeUnit.SECONDS));
        one.end(Attempt.Stop.EXITED, GRACE, GRACE);
        long tokens = totals.tokens();
        int calls = totals.toolCalls();
        String text = totals.assistantText();
        assertEquals(84, tokens);

        CountDownLatch second = new CountDownLatch(1);
        Attempt two = start(totals, env, new ArrayList<>(), second);
        assertTrue(second.await(30, TimeUnit.SECONDS));
        two.end(Attempt.Stop.EXITED, GRACE, GRACE);
        assertEquals(1, two.state().resultCount(), "the second attempt counts its own results");
        assertEquals(2 * tokens, two.state().tokens());
        assertEquals(2 * calls, totals.toolCalls());
        assertEquals(text + text, totals.assistantText());
    }

    @Test
    void aMessageSentWhileClaudeWorksReachesItsStdinAndTheResultAfterItEndsIt() throws Exception {
        Path stdin = tmp.resolve("stdin.txt");
        CountDownLatch exited = new CountDownLatch(1);
        // the recording waits after its Bash tool_use for the message steered in, then ends its turn
        Attempt a = start(new RunTotals(), Map.of("FAKE_CLAUDE_TRANSCRIPT",
                Fixtures.transcript("stdin-steer-mid-turn.txt").toString(), "FAKE_CLAUDE_STDIN_FILE", stdin.toString()),
                new ArrayList<>(), exited);
        assertTrue(a.input().send("STEER: also WRITE_FILE please").get(30, TimeUnit.SECONDS), "written");
        assertTrue(exited.await(30, TimeUnit.SECONDS), "stdin closed after the result: Claude ended by itself");
        assertEquals(0, a.end(Attempt.Stop.EXITED, GRACE, GRACE).exitCode());
        assertFalse(a.input().send("too late: the run has finished").get(10, TimeUnit.SECONDS));
        assertEquals(List.of("Run echo hi with Bash", "STEER: also WRITE_FILE please"),
                RunTaskProcess.messagesOnStdin(stdin));
        assertEquals(1, a.state().resultCount());
    }
}
