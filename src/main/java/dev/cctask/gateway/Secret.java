package dev.cctask.gateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * A token or password. {@link #toString()} never shows it, so a Secret can sit in records, logs and exception
 * messages safely; {@link #value()} is for the {@code Authorization} header only.
 */
public final class Secret {
    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /** A secret holding {@code value}, or null when the value is null or blank. */
    public static Secret ofNullable(String value) {
        return value == null || value.isBlank() ? null : new Secret(value);
    }

    /** The secret text: only for the {@code Authorization} header. */
    public String value() {
        return value;
    }

    /** Constant-time comparison (doctor: the hooks token must differ from the gateway token). */
    public boolean sameAs(Secret other) {
        return other != null
                && MessageDigest.isEqual(
                        value.getBytes(StandardCharsets.UTF_8), other.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && sameAs(s);
    }

    @Override
    public int hashCode() {
        return 1; // deliberately not derived from the value
    }

    @Override
    public String toString() {
        return "Secret[hidden]";
    }
}
