package dev.cctask.claude;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.function.LongConsumer;

/**
 * Splits a byte stream at {@code \n} and hands on each line's bytes, undecoded: the consumer decodes (P6), so a line
 * is not copied into a String on its way to the parser. A line inside one read chunk is passed from the chunk itself;
 * only a line spanning chunks is copied. A line longer than the limit is never held in full: its bytes are counted
 * and dropped up to the next {@code \n}.
 */
final class BoundedLineReader {
    private static final int CHUNK = 64 * 1024;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
    private static final int INITIAL_LINE = 8 * 1024;
    /** A line buffer grown beyond this is released after use, so one long line does not pin memory. */
    private static final int KEEP_LINE = 1024 * 1024;

    private final InputStream in;
    private final int maxLineBytes;

    private byte[] line = new byte[INITIAL_LINE];
    private int lineLength;
    private long discarding = -1;

    BoundedLineReader(InputStream in, int maxLineBytes) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    /**
     * Reads to EOF.
     *
     * @param onLine each line without its {@code \n} (a final unterminated line included)
     * @param onDiscarded the byte length of each line over the limit
     */
    void readAll(LineSink onLine, LongConsumer onDiscarded) throws IOException {
        byte[] chunk = new byte[CHUNK];
        int n;
        while ((n = in.read(chunk)) != -1) {
            int start = 0;
            for (int i = indexOfNewline(chunk, 0, n); i >= 0; i = indexOfNewline(chunk, i + 1, n)) {
                if (lineLength == 0 && discarding < 0 && i - start <= maxLineBytes) {
                    onLine.accept(chunk, start, i - start); // no copy needed
                } else {
                    append(chunk, start, i - start);
                    endLine(onLine, onDiscarded);
                }
                start = i + 1;
            }
            append(chunk, start, n - start);
        }
        if (lineLength > 0 || discarding >= 0) {
            endLine(onLine, onDiscarded);
        }
    }

    /**
     * The index of the first {@code \n} in {@code bytes[from, to)}, or -1. Eight bytes at a time (a byte equal to
     * {@code \n} is found with the carry trick on a long): the scan is a tenth of the supervisor's CPU per line,
     * and it runs as C1 code, which does not vectorise a byte loop.
     */
    static int indexOfNewline(byte[] bytes, int from, int to) {
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            long x = (long) LONGS.get(bytes, i) ^ NEWLINES;
            long found = (x - 0x0101010101010101L) & ~x & 0x8080808080808080L;
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3); // the lowest flagged byte is exact
            }
        }
        for (; i < to; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private void append(byte[] bytes, int offset, int length) {
        if (discarding >= 0) {
            discarding += length;
        } else if ((long) lineLength + length > maxLineBytes) {
            discarding = (long) lineLength + length;
            release();
        } else {
            if (lineLength + length > line.length) {
                line = Arrays.copyOf(line, (int) Math.min(maxLineBytes, Math.max(2L * line.length, lineLength + length)));
            }
            System.arraycopy(bytes, offset, line, lineLength, length);
            lineLength += length;
        }
    }

    private void endLine(LineSink onLine, LongConsumer onDiscarded) {
        if (discarding >= 0) {
            long length = discarding;
            discarding = -1;
            onDiscarded.accept(length);
            return;
        }
        try {
            onLine.accept(line, 0, lineLength);
        } finally {
            release();
        }
    }

    private void release() {
        lineLength = 0;
        if (line.length > KEEP_LINE) {
            line = new byte[INITIAL_LINE];
        }
    }
}
