package dev.cctask;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version from the Maven build (a filtered resource), so it works from the jar and from tests alike. */
public final class Version {
    private static final String VALUE = load();

    private Version() {}

    public static String get() {
        return VALUE;
    }

    private static String load() {
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("/cctask-version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException ignored) {
            // fall through to "unknown"
        }
        return p.getProperty("version", "unknown");
    }
}
