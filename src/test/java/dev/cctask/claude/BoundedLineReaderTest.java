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

    @Test
    void theNewlineScanAgreesWithAByteLoopEverywhere() {
        java.util.Random random = new java.util.Random(42);
        byte[] alphabet = {'\n', 0x0B, 0x09, (byte) 0x8A, 0x01, 0x00, (byte) 0xFF, 'a', (byte) 0x0A, 0x7F};
        for (int round = 0; round < 2000; round++) {
            byte[] bytes = new byte[random.nextInt(40)];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = random.nextInt(4) == 0 ? alphabet[random.nextInt(alphabet.length)] : (byte) random.nextInt(256);
            }
            for (int from = 0; from <= bytes.length; from++) {
                for (int to = from; to <= bytes.length; to += 1 + random.nextInt(3)) {
                    int expected = -1;
                    for (int i = from; i < to && expected < 0; i++) {
                        expected = bytes[i] == '\n' ? i : -1;
                    }
                    assertEquals(expected, BoundedLineReader.indexOfNewline(bytes, from, to),
                            () -> HexFormat.of().formatHex(bytes));
                }
            }
        }
    }
}
