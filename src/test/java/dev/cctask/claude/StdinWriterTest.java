package dev.cctask.claude;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StdinWriterTest {
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
    void sendsReturnAtOnceAndReachStdinWholeInOrderBeforeTheClose() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Recording stdin = new Recording(release);
        StdinWriter input = new StdinWriter(stdin, ClaudeCommand.InputMode.TEXT, "test-stdin");
        input.send("first ");
        input.send("zweite Zeile ü 🚀");
        input.close();
        input.close();
        input.send("after close");
        assertEquals(0, stdin.bytes.size(), "a child that does not read never blocks the sender");
        release.countDown();
        assertTrue(stdin.closed.await(10, TimeUnit.SECONDS));
        assertEquals("first zweite Zeile ü 🚀", stdin.bytes.toString(StandardCharsets.UTF_8));
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
        StdinWriter input = new StdinWriter(broken, ClaudeCommand.InputMode.TEXT, "test-stdin");
        input.send("a");
        input.send("b");
        input.close();
        assertTrue(closed.await(10, TimeUnit.SECONDS));
        assertEquals(1, writes[0], "nothing more is tried after the child stopped reading");
    }
}
