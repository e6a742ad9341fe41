package dev.cctask.task;

import dev.cctask.Text;
import dev.cctask.delivery.Messages;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.text.Normalizer;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.Locale;

/**
 * The full output as a chat document (issue 20, {@code --attach}), sent as {@code buffer} after the final message.
 *
 * <p>Size: the gateway refuses a {@code /tools/invoke} body over 2 MiB (2,097,152 bytes) with 413. Measured with
 * openclaw 2026.9.6 and a document body: 2,096,209 bytes accepted, 2,100,209 bytes refused. A document holds at most
 * {@link #MAX_BYTES} (1,500,000 bytes, 2,000,000 in base64); with the rest of the body (route, caption, file name:
 * a few hundred bytes, a few KB with absurdly long paths) the body stays under 2.01 MB, a margin of about 90 KB (4 %)
 * below the limit. {@code RealGatewayIT} sends the largest document run-task makes to the real gateway.
 *
 * @param filename {@code cc-<label slug or date>-result.md}
 * @param content  the output as UTF-8; when cut, its start (whole characters) and {@link Messages#documentCutNote}
 * @param cut      how it was cut, or null when it holds the whole output
 */
record Attachment(String filename, byte[] content, Messages.Cut cut) {
    /** The largest document, cut note included. */
    static final int MAX_BYTES = 1_500_000;
    static final String CONTENT_TYPE = "text/markdown";
    private static final int SLUG_LIMIT = 40;

    /**
     * The document of a run's final text (what its output file holds), or null when {@code mode} wants none: never;
     * auto and the text fits the message's preview; an empty text.
     *
     * @param at when the result came, for the file name of a run without a label
     */
    static Attachment of(AttachMode mode, String text, String outputFile, String label, LocalDateTime at) {
        if (!wanted(mode, text)) {
            return null;
        }
        long total = 0;
        int within = -1; // chars of the longest start of whole characters within MAX_BYTES
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            total += utf8Length(cp);
            if (within < 0 && total > MAX_BYTES) {
                within = i;
            }
            i += Character.charCount(cp);
        }
        String name = filename(label, at);
        if (within < 0) {
            return new Attachment(name, text.getBytes(StandardCharsets.UTF_8), null);
        }
        return cut(name, text.substring(0, within).getBytes(StandardCharsets.UTF_8), total, outputFile);
    }

    /**
     * The document of a lost run (auto rule): its output file, read without following a symlink; null when the file
     * is no regular file of this user, cannot be read, or its text fits the preview.
     */
    static Attachment ofFile(String outputFile, String label, LocalDateTime at) {
        try {
            Path file = Path.of(outputFile);
            return OutputFile.refusal(file) != null ? null : read(file, label, at);
        } catch (IOException | RuntimeException unreadable) {
            return null; // the notice names the file; it goes without the document
        }
    }

    private static Attachment read(Path file, String label, LocalDateTime at) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long size = ch.size();
            ByteBuffer head = ByteBuffer.allocate((int) Math.min(size, MAX_BYTES));
            while (head.hasRemaining() && ch.read(head) >= 0) {
                // read on
            }
            byte[] bytes = Arrays.copyOf(head.array(), head.position());
            if (size <= MAX_BYTES) {
                String text = new String(bytes, StandardCharsets.UTF_8);
                return wanted(AttachMode.AUTO, text) ? new Attachment(filename(label, at), bytes, null) : null;
            }
            return cut(filename(label, at), bytes, size, file.toString());
        }
    }

    private static boolean wanted(AttachMode mode, String text) {
        return mode != AttachMode.NEVER && !text.isEmpty()
                && (mode == AttachMode.ALWAYS || Text.length(text) > Messages.PREVIEW_LIMIT);
    }

    /** The start of {@code head} (whole characters) and the cut note, {@link #MAX_BYTES} at most together. */
    private static Attachment cut(String name, byte[] head, long total, String outputFile) {
        int noteRoom = Messages.documentCutNote(new Messages.Cut(MAX_BYTES, total, outputFile))
                .getBytes(StandardCharsets.UTF_8).length + 8; // the kept size may print differently: 8 bytes spare
        int keep = Math.min(head.length, MAX_BYTES - noteRoom);
        while (keep > 0 && keep < head.length && (head[keep] & 0xC0) == 0x80) {
            keep--; // not inside a character: back to its first byte
        }
        Messages.Cut cut = new Messages.Cut(keep, total, outputFile);
        byte[] note = Messages.documentCutNote(cut).getBytes(StandardCharsets.UTF_8);
        byte[] content = Arrays.copyOf(head, keep + note.length);
        System.arraycopy(note, 0, content, keep, note.length);
        return new Attachment(name, content, cut);
    }

    /** Bytes of one code point in UTF-8 as {@link String#getBytes} writes it (a lone surrogate becomes {@code ?}). */
    private static int utf8Length(int cp) {
        if (cp < 0x80 || cp <= Character.MAX_VALUE && Character.isSurrogate((char) cp)) {
            return 1;
        }
        return cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }

    /**
     * {@code cc-<slug>-result.md}: the label in lower-case ASCII letters and digits joined by {@code -} (accents
     * dropped, at most 40 characters), else the date and time {@code YYYYMMDD-HHMMSS}.
     */
    static String filename(String label, LocalDateTime at) {
        String slug = label == null ? "" : Normalizer.normalize(label, Normalizer.Form.NFKD)
                .replaceAll("\\p{M}+", "").toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        slug = Text.cut(slug.replaceAll("^-+", ""), SLUG_LIMIT).replaceAll("-+$", "");
        return "cc-" + (slug.isEmpty() ? OutputFile.STAMP.format(at) : slug) + "-result.md";
    }
}
