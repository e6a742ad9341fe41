package dev.cctask.claude;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StdinWriterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Records what was written; counts down when closed. */
    static final class Recording extends OutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final CountDownLatch closed = new CountDownLatch(1);
        final CountDownLatch release;

        Recording(CountDownLatch release) {
            this.release = release;
        }

        @Override
        public void write(int b) {
            bytes.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            bytes.write(b, off, len);
        }

        @Override
        public void close() {
            closed.countDown();
        }
    }

    @Test
    void sendsReturnAtOnceAndReachStdinAsWholeUserLinesInOrderBeforeTheClose() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Recording stdin = new Recording(release);
        StdinWriter input = new StdinWriter(stdin, "test-stdin");
        CompletableFuture<Boolean> first = input.send("first\nline \"quoted\"");
        CompletableFuture<Boolean> second = input.send("zweite Zeile ü 🚀");
        input.close();
        input.close();
        CompletableFuture<Boolean> late = input.send("after close");
        assertEquals(0, stdin.bytes.size(), "a child that does not read never blocks the sender");
        assertFalse(first.isDone(), "not written yet");
        assertFalse(late.join(), "refused: stdin is closed");
        release.countDown();
        assertTrue(first.get(10, TimeUnit.SECONDS) && second.get(10, TimeUnit.SECONDS));
        assertTrue(stdin.closed.await(10, TimeUnit.SECONDS));
        assertEquals("{\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":\"first\\nline \\\"quoted\\\"\"}}\n"
                + "{\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":\"zweite Zeile ü 🚀\"}}\n",
                stdin.bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void whatIsRecordedBeforeAWriteComesBeforeItsBytesAndNotAfterThePipeBroke() throws Exception {
        Recording stdin = new Recording(new CountDownLatch(0));
        StdinWriter input = new StdinWriter(stdin, "test-stdin");
        List<Integer> bytesBefore = new ArrayList<>();
        input.send("one", () -> bytesBefore.add(stdin.bytes.size()));
        assertTrue(input.send("two", () -> bytesBefore.add(stdin.bytes.size())).get(10, TimeUnit.SECONDS));
        assertEquals(List.of(0, StdinWriter.userLine("one").length), bytesBefore);

        StdinWriter broken = new StdinWriter(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }
        }, "test-stdin");
        List<String> recorded = new ArrayList<>();
        assertFalse(broken.send("a", () -> recorded.add("a")).get(10, TimeUnit.SECONDS));
        assertFalse(broken.send("b", () -> recorded.add("b")).get(10, TimeUnit.SECONDS));
        assertEquals(List.of("a"), recorded, "nothing recorded once Claude stopped reading");
    }

    @Test
    void aBrokenPipeStopsTheWritesButStillCloses() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        int[] writes = {0};
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                writes[0]++;
                throw new IOException("Broken pipe");
            }

            @Override
            public void close() {
                closed.countDown();
            }
        };
        StdinWriter input = new StdinWriter(broken, "test-stdin");
        assertFalse(input.send("a").get(10, TimeUnit.SECONDS), "not written: Claude stopped reading");
        assertFalse(input.send("b").get(10, TimeUnit.SECONDS));
        input.close();
        assertTrue(closed.await(10, TimeUnit.SECONDS));
        assertEquals(1, writes[0], "nothing more is tried after the child stopped reading");
    }

    /** The lines the host wrote in the recorded two-way sessions (CLAUDE-STREAM.md §8.3), and ours, as JSON trees. */
    @Test
    void aUserLineHasTheShapeOfTheRecordedOnes() throws Exception {
        List<JsonNode> recorded = new ArrayList<>();
        for (String fixture : List.of("stdin-steer-mid-turn.txt", "stdin-control-protocol.txt")) {
            for (String line : Fixtures.lines(fixture)) {
                if (line.startsWith(">> ") && line.contains("\"type\": \"user\"")) {
                    recorded.add(JSON.readTree(line.substring(3)));
                }
            }
        }
        assertEquals(4, recorded.size());
        for (JsonNode r : recorded) {
            String text = r.path("message").path("content").asText();
            byte[] ours = StdinWriter.userLine(text);
            assertEquals('\n', ours[ours.length - 1], "one line each");
            assertEquals(r, JSON.readTree(ours));
        }
    }
}
