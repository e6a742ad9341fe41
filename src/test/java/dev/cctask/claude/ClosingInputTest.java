package dev.cctask.claude;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The closing rule of Claude's stdin, fed the recorded two-way transcripts line by line. */
class ClosingInputTest {
    /** Claude's stdin as the rule sees it: what was sent, each write completed by the test, and whether it closed. */
    static final class Stdin implements ClaudeInput {
        final List<String> sent = new ArrayList<>();
        final List<CompletableFuture<Boolean>> writes = new ArrayList<>();
        boolean closed;

        @Override
        public CompletableFuture<Boolean> send(String text, Runnable beforeWrite) {
            sent.add(text);
            CompletableFuture<Boolean> write = new CompletableFuture<>();
            writes.add(write);
            return write;
        }

        @Override
        public CompletableFuture<Boolean> respond(String requestId, ObjectNode response) {
            sent.add("control_response " + requestId + " " + response);
            return CompletableFuture.completedFuture(true);
        }

        @Override
        public void close() {
            closed = true;
        }

        void writeAll() {
            writes.forEach(w -> w.complete(true));
        }
    }

    final RunState state = new RunState();
    final StreamParser parser = new StreamParser(new ObjectMapper(), state, new StreamParser.Listener() { });
    final Stdin stdin = new Stdin();
    final ClosingInput input = new ClosingInput(state, false);

    /** Feeds Claude's output lines of a fixture (the {@code >> } stdin lines are skipped) up to the one that matches. */
    private List<String> replayUntil(List<String> lines, String mark) {
        while (!lines.isEmpty()) {
            String line = lines.remove(0);
            if (!line.startsWith(">> ")) {
                feed(line);
            }
            if (line.contains(mark)) {
                return lines;
            }
        }
        throw new AssertionError("no line with " + mark);
    }

    private static List<String> fixture(String name) {
        return new ArrayList<>(Fixtures.lines(name));
    }

    @Test
    void stdinStaysOpenThroughTheTurnAndClosesAfterTheResultThatEndsIt() {
        input.open(stdin, "Run echo hi with Bash");
        stdin.writeAll();
        List<String> rest = replayUntil(fixture("stdin-steer-mid-turn.txt"), "\"name\":\"Bash\"");
        assertFalse(stdin.closed, "open while Claude works");
        replayUntil(rest, "\"type\":\"result\"");
        assertTrue(stdin.closed, "closed at the result");
        assertEquals(List.of("Run echo hi with Bash"), stdin.sent);
        assertFalse(input.send("too late").join(), "refused once closed: the run has finished");
        assertEquals(1, stdin.sent.size());
    }

    @Test
    void neverWhileABackgroundTaskIsReportedRunningThenAtItsEnd() {
        input.open(stdin, "SPAWN_AGENT please");
        stdin.writeAll();
        List<String> rest = replayUntil(fixture("stdin-close-after-background.txt"), "\"result_index\":0");
        assertFalse(stdin.closed, "the main turn's result came while the subagent runs");
        rest = replayUntil(rest, "\"subtype\":\"task_notification\"");
        assertTrue(stdin.closed, "closed where the recording's host closed it (>> EOF), before the notification turn");
        replayUntil(rest, "\"result_index\":1");
        assertEquals(2, state.resultCount(), "Claude still ran its notification turn and ended with result 1");
    }

    @Test
    void withTheUsersCeilingStdinClosesAtTheMainTurnsResultSoThatClaudeStopsTheSubagentAtIt() {
        ClosingInput input = new ClosingInput(state, true);
        input.open(stdin, "SPAWN_AGENT please");
        stdin.writeAll();
        List<String> rest = fixture("stdin-close-at-ceiling.txt");
        while (!rest.get(0).startsWith(">> EOF")) {
            String line = rest.remove(0);
            if (!line.startsWith(">> ")) {
                parse(line);
                input.closeIfDone();
                assertEquals(line.contains("\"type\":\"result\""), stdin.closed, "closed at the result: " + line);
            }
        }
        replayUntil(rest, "\"status\":\"stopped\"");
        assertEquals("killed", state.backgroundTasks().get(0).status(), "Claude stopped it at the ceiling once stdin ended");
    }

    @Test
    void aMessageStillBeingWrittenKeepsStdinOpen() {
        input.open(stdin, "Run echo hi with Bash");
        stdin.writes.get(0).complete(true);
        List<String> rest = replayUntil(fixture("stdin-steer-mid-turn.txt"), "\"name\":\"Bash\"");
        CompletableFuture<Boolean> steered = input.send("STEER: also WRITE_FILE please");
        replayUntil(rest, "\"type\":\"result\"");
        assertFalse(stdin.closed, "the steered message is queued, not yet written");
        stdin.writes.get(1).complete(true);
        assertTrue(steered.join());
        assertTrue(stdin.closed, "written before the result, so the result ended the work: closed after the write");
    }

    @Test
    void aMessageSentAfterTheResultStartsATurnWhoseResultClosesStdin() {
        input.open(stdin, "Run echo hi with Bash");
        stdin.writeAll();
        List<String> turn = Fixtures.lines("basic.jsonl");
        turn.subList(0, turn.size() - 1).forEach(this::feed);
        parse(turn.get(turn.size() - 1)); // the result; before the rule looks, a message comes in
        CompletableFuture<Boolean> next = input.send("Now also update the docs");
        stdin.writeAll();
        input.closeIfDone();
        assertTrue(next.join());
        assertFalse(stdin.closed, "the message starts a new turn: its result ends the work");
        turn.forEach(this::feed);
        assertTrue(stdin.closed, "closed at the new turn's result");
    }

    private void parse(String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        parser.accept(bytes, 0, bytes.length);
    }

    /** One line Claude prints, as Attempt hands it on: parsed, then the rule applied. */
    private void feed(String line) {
        parse(line);
        input.closeIfDone();
    }
}
