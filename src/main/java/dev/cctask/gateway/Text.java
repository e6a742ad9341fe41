package dev.cctask.gateway;

/** Text cutting in code points, as Python slices (SPEC conventions). */
final class Text {
    private Text() {}

    /** {@code s[:max]}: the first {@code max} code points. */
    static String firstCodePoints(String s, int max) {
        return s.codePointCount(0, s.length()) > max ? s.substring(0, s.offsetByCodePoints(0, max)) : s;
    }
}
