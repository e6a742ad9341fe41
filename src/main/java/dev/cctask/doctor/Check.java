package dev.cctask.doctor;

import java.util.Locale;

/**
 * One line of the {@code doctor} report.
 *
 * @param name   short fixed id ({@code java}, {@code sessions_send}, …), also the JSON {@code check} field
 * @param status the verdict
 * @param detail what was found, one line; never a secret
 * @param fix    what to do, one line; null for {@link Status#OK} and {@link Status#SKIP}
 */
public record Check(String name, Status status, String detail, String fix) {

    /** OK and WARN pass; FAIL makes {@code doctor} exit 1; SKIP means a check it depends on failed. */
    public enum Status {
        OK("✓"),
        WARN("⚠"),
        FAIL("✗"),
        SKIP("-");

        private final String mark;

        Status(String mark) {
            this.mark = mark;
        }

        /** The glyph before the line: ✓ ⚠ ✗ or -. */
        public String mark() {
            return mark;
        }

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static Check ok(String name, String detail) {
        return new Check(name, Status.OK, detail, null);
    }

    static Check warn(String name, String detail, String fix) {
        return new Check(name, Status.WARN, detail, fix);
    }

    static Check fail(String name, String detail, String fix) {
        return new Check(name, Status.FAIL, detail, fix);
    }

    static Check skip(String name, String why) {
        return new Check(name, Status.SKIP, why, null);
    }
}
