package dev.cctask.claude;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class BoundedLineReaderTest {
    private final List<String> lines = new ArrayList<>();
    private final List<Long> discarded = new ArrayList<>();

    private void read(InputStream in, int limit) throws IOException {
        new BoundedLineReader(in, limit).readAll(
                (bytes, offset, length) -> lines.add(new String(bytes, offset, length, StandardCharsets.UTF_8)),
                discarded::add);
    }

    /** Hands out one byte per read, so every line crosses chunk boundaries. */
    private static InputStream trickle(byte[] bytes) {
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(1, len));
            }
        };
    }

    @Test
    void linesUpToTheLimitAreKeptLongerOnesDiscardedWhole() throws IOException {
        byte[] input = "0123456789\n0123456789A\nok\n\nlast".getBytes(StandardCharsets.UTF_8);
        read(new ByteArrayInputStream(input), 10);
        assertEquals(List.of("0123456789", "ok", "", "last"), lines);
        assertEquals(List.of(11L), discarded);
    }

    @Test
    void sameResultWhenBytesArriveOneByOne() throws IOException {
        read(trickle("0123456789\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nok\nüñï\n".getBytes(StandardCharsets.UTF_8)), 10);
        assertEquals(List.of("0123456789", "ok", "üñï"), lines);
        assertEquals(List.of(30L), discarded);
    }

    @Test
    void aDiscardedLineAtEofIsReported() throws IOException {
        read(new ByteArrayInputStream("a\nbbbbbbbbbbbbbbbb".getBytes(StandardCharsets.UTF_8)), 4);
        assertEquals(List.of("a"), lines);
        assertEquals(List.of(16L), discarded);
    }

    @Test
    void bytesArriveUndecodedEvenMalformedOnes() throws IOException {
        byte[] input = {'a', (byte) 0xff, 'b', (byte) 0xc3, '\n', (byte) 0xe2, (byte) 0x82, (byte) 0xac, '\n'};
        for (InputStream in : List.of(new ByteArrayInputStream(input), trickle(input))) {
            List<String> raw = new ArrayList<>();
            new BoundedLineReader(in, 100).readAll(
                    (bytes, offset, length) -> raw.add(HexFormat.of().formatHex(bytes, offset, offset + length)),
                    discarded::add);
            assertEquals(List.of("61ff62c3", "e282ac"), raw);
        }
    }
}
