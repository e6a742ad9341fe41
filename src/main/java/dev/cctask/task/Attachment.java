package dev.cctask.task;

import dev.cctask.Text;
import dev.cctask.Threads;
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
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

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
 * @param base64   the content in base64, as {@code buffer} takes it: the output as UTF-8; when cut, its start (whole
 *                 characters) and {@link Messages#documentCutNote}
 * @param cut      how it was cut, or null when it holds the whole output
 */
record Attachment(String filename, String base64, Messages.Cut cut) {
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
        String name = filename(label, at);
        if (text.length() <= MAX_BYTES) { // in UTF-8 at most three times that
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            return bytes.length <= MAX_BYTES ? whole(name, bytes) : cut(name, bytes, bytes.length, outputFile);
        }
        // longer than any document: only a start that surely holds MAX_BYTES is encoded, the rest is counted
        int end = Character.isHighSurrogate(text.charAt(MAX_BYTES - 1)) ? MAX_BYTES - 1 : MAX_BYTES;
        return cut(name, text.substring(0, end).getBytes(StandardCharsets.UTF_8), utf8Length(text), outputFile);
    }

    /**
     * {@link #of}, made on a thread of its own when a document is wanted: beside the output file's write and sync,
     * off the final message's path.
     */
    static CompletableFuture<Attachment> beside(AttachMode mode, String text, String outputFile, String label,
            LocalDateTime at) {
        return !wanted(mode, text) ? CompletableFuture.completedFuture(null) : CompletableFuture.supplyAsync(
                () -> of(mode, text, outputFile, label, at), Threads.starting("run-task-attach"));
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
                return wanted(AttachMode.AUTO, text) ? whole(filename(label, at), bytes) : null;
            }
            return cut(filename(label, at), bytes, size, file.toString());
        }
    }

    private static boolean wanted(AttachMode mode, String text) {
        return mode != AttachMode.NEVER && !text.isEmpty()
                && (mode == AttachMode.ALWAYS || Text.length(text) > Messages.PREVIEW_LIMIT);
    }

    /**
     * The start of {@code head} (whole characters: a cut inside one backs off to its first byte) and the cut note,
     * {@link #MAX_BYTES} at most together.
     */
    private static Attachment cut(String name, byte[] head, long total, String outputFile) {
        int noteRoom = Messages.documentCutNote(new Messages.Cut(MAX_BYTES, total, outputFile))
                .getBytes(StandardCharsets.UTF_8).length + 8; // the kept size may print differently: 8 bytes spare
        int keep = Math.min(head.length, MAX_BYTES - noteRoom);
        while (keep > 0 && keep < head.length && (head[keep] & 0xC0) == 0x80) {
            keep--;
        }
        Messages.Cut cut = new Messages.Cut(keep, total, outputFile);
        byte[] note = Messages.documentCutNote(cut).getBytes(StandardCharsets.UTF_8);
        byte[] content = Arrays.copyOf(head, keep + note.length);
        System.arraycopy(note, 0, content, keep, note.length);
        return new Attachment(name, Base64.getEncoder().encodeToString(content), cut);
    }

    private static Attachment whole(String name, byte[] content) {
        return new Attachment(name, Base64.getEncoder().encodeToString(content), null);
    }

    /** Bytes of {@code s} in UTF-8 as {@link String#getBytes} writes it (a lone surrogate becomes {@code ?}). */
    private static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80 || Character.isSurrogate(c) && !isPair(s, i)) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (isPair(s, i)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    private static boolean isPair(String s, int i) {
        return Character.isHighSurrogate(s.charAt(i)) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
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
