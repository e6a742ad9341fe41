package dev.cctask;

/** Text counted and cut in code points, as Python's {@code len} and slices (SPEC conventions). */
public final class Text {
    private Text() {}

    /** {@code s[:n]}: the first {@code n} code points (all of it when shorter); null stays null. */
    public static String cut(String s, int n) {
        if (s == null || s.codePointCount(0, s.length()) <= n) {
            return s;
        }
        return s.substring(0, s.offsetByCodePoints(0, n));
    }

    /** Length in code points (Python {@code len}). */
    public static int length(String s) {
        return s.codePointCount(0, s.length());
    }

    /** {@code s} on one line: each line break ({@code \r\n}, {@code \n}, {@code \r}) becomes a space. */
    public static String oneLine(String s) {
        return s.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
    }

    /** The first {@code max} code points on one line (logged bodies are cut at 200, SPEC §5.7). */
    public static String oneLine(String s, int max) {
        return oneLine(cut(s, max));
    }
}
