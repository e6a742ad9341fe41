package dev.cctask.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cctask.delivery.Messages;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The full output as a document (issue 20): when {@code --attach} sends one, its name, and the cut at the limit. */
class AttachmentTest {
    private static final LocalDateTime AT = LocalDateTime.of(2026, 11, 24, 2, 15, 0);
    private static final String OUT = "/tmp/cc-20261124-021500.txt";

    @TempDir
    Path dir;

    @Test
    void autoAttachesOnlyAResultLongerThanTheMessagesPreview() {
        String fits = "é".repeat(Messages.PREVIEW_LIMIT);
        String longer = fits + "!";

        assertNull(Attachment.of(AttachMode.AUTO, fits, OUT, null, AT));
        Attachment a = Attachment.of(AttachMode.AUTO, longer, OUT, null, AT);
        assertArrayEquals(longer.getBytes(StandardCharsets.UTF_8), content(a));
        assertNull(a.cut());
        assertNull(Attachment.of(AttachMode.NEVER, longer, OUT, null, AT));
        assertArrayEquals("short".getBytes(StandardCharsets.UTF_8),
                content(Attachment.of(AttachMode.ALWAYS, "short", OUT, null, AT)));
        assertNull(Attachment.of(AttachMode.ALWAYS, "", OUT, null, AT), "no result, no document");
    }

    @Test
    void theFileNameIsTheLabelAsASlugElseTheDate() {
        assertEquals("cc-auth-refactor-cafe-api-v2-result.md", Attachment.filename(" Auth refactor: Café/API v2! ", AT));
        assertEquals("cc-20261124-021500-result.md", Attachment.filename(null, AT));
        assertEquals("cc-20261124-021500-result.md", Attachment.filename("Исследование 🚀", AT));
        assertEquals("cc-" + "a".repeat(39) + "-result.md", Attachment.filename("a".repeat(39) + " b", AT));
    }

    @Test
    void aResultOfExactlyTheLimitIsSentWholeAndOneByteMoreIsCut() {
        String limit = "a".repeat(Attachment.MAX_BYTES);

        assertNull(Attachment.of(AttachMode.AUTO, limit, OUT, null, AT).cut());
        assertEquals(new Messages.Cut(Attachment.MAX_BYTES - note(Attachment.MAX_BYTES + 1) - 8,
                Attachment.MAX_BYTES + 1, OUT), Attachment.of(AttachMode.AUTO, limit + "b", OUT, null, AT).cut());
    }

    @Test
    void aLongerResultIsCutBelowTheLimitOnACharacterBoundaryAndSaysSoAtItsEnd() throws Exception {
        // 1-, 2-, 3- and 4-byte characters, so that the cut lands inside one unless it backs off. The second is
        // longer than the limit in chars (its start is encoded, the rest counted), has a surrogate pair across
        // char 1,500,000, and a lone surrogate, which UTF-8 (as the output file has it) writes as '?'.
        for (String text : List.of("é€🚀x".repeat(200_000), "xx" + "é€🚀x".repeat(320_000) + "\uD800")) {
            long total = text.getBytes(StandardCharsets.UTF_8).length;

            Attachment a = Attachment.of(AttachMode.AUTO, text, OUT, "report", AT);

            assertEquals("cc-report-result.md", a.filename());
            byte[] content = content(a);
            assertTrue(content.length <= Attachment.MAX_BYTES, content.length + " bytes");
            int kept = (int) a.cut().keptBytes();
            assertEquals(new Messages.Cut(kept, total, OUT), a.cut(), "kept and total bytes");
            String keptText = strictUtf8(Arrays.copyOf(content, kept));
            assertTrue(text.startsWith(keptText), "the start of the output, whole characters only");
            assertTrue(kept > Attachment.MAX_BYTES - note(total) - 8 - 4, "at most a character short: " + kept);
            String end = strictUtf8(Arrays.copyOfRange(content, kept, content.length));
            assertEquals("\n\n---\n✂️ Cut at 1.5 MB of " + Messages.megabytes(total) + ", the most the gateway takes in"
                    + " one document. The whole output is in " + OUT + " on the machine that ran the task.\n", end);
        }
    }

    @Test
    void aLostRunsOutputFileIsReadWithoutFollowingASymlinkAndCutLikeAResult() throws Exception {
        Path file = dir.resolve("cc-lost.txt");
        byte[] partial = "λ".repeat(1_000_000).getBytes(StandardCharsets.UTF_8); // 2 MB
        Files.write(file, partial);
        Path link = Files.createSymbolicLink(dir.resolve("link.txt"), file);

        Attachment a = Attachment.ofFile(file.toString(), "lost run", AT);

        assertEquals("cc-lost-run-result.md", a.filename());
        int kept = (int) a.cut().keptBytes();
        assertEquals(new Messages.Cut(kept, partial.length, file.toString()), a.cut());
        assertEquals(0, kept % 2, "λ is two bytes: never half of one");
        assertArrayEquals(Arrays.copyOf(partial, kept), Arrays.copyOf(content(a), kept));
        assertNull(Attachment.ofFile(link.toString(), null, AT));
        assertNull(Attachment.ofFile(dir.resolve("missing.txt").toString(), null, AT));
        Files.writeString(file, "short partial output");
        assertNull(Attachment.ofFile(file.toString(), null, AT), "fits the preview: no document (auto)");
    }

    private static byte[] content(Attachment a) {
        return Base64.getDecoder().decode(a.base64());
    }

    private static int note(long total) {
        return Messages.documentCutNote(new Messages.Cut(Attachment.MAX_BYTES, total, OUT))
                .getBytes(StandardCharsets.UTF_8).length;
    }

    private static String strictUtf8(byte[] bytes) throws Exception {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes)).toString();
    }
}
