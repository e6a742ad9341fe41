package dev.cctask.registry;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Naive local timestamps as Python's {@code datetime.now().isoformat()} writes them (SPEC conventions):
 * {@code YYYY-MM-DDTHH:MM:SS.ffffff}, the fraction omitted when the microseconds are 0, no offset.
 */
public final class IsoLocal {
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
    private static final DateTimeFormatter COMPACT = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private IsoLocal() {}

    public static String format(LocalDateTime t) {
        int micros = t.getNano() / 1000;
        String s = SECONDS.format(t);
        return micros == 0 ? s : s + String.format(".%06d", micros);
    }

    /** {@code YYYYMMDD-HHMMSS}, used in file names (PID files, quarantined registries). */
    public static String compact(LocalDateTime t) {
        return COMPACT.format(t);
    }

    /**
     * Parses what Python's {@code datetime.fromisoformat} accepts in practice: date, date + time (any one-character
     * separator, optional seconds and fraction) and, from hand-edited files, an offset (converted to local time).
     * Empty when unparseable, so callers can skip the entry as the original did.
     */
    public static Optional<LocalDateTime> parse(String s) {
        if (s == null) {
            return Optional.empty();
        }
        String t = s.length() > 10 ? s.substring(0, 10) + 'T' + s.substring(11) : s;
        try {
            return Optional.of(LocalDateTime.parse(t));
        } catch (DateTimeParseException notLocal) {
            // try the other shapes
        }
        try {
            return Optional.of(OffsetDateTime.parse(t)
                    .atZoneSameInstant(ZoneId.systemDefault())
                    .toLocalDateTime());
        } catch (DateTimeParseException notOffset) {
            // try a bare date
        }
        try {
            return Optional.of(LocalDate.parse(t).atStartOfDay());
        } catch (DateTimeParseException notDate) {
            return Optional.empty();
        }
    }

    /** The current local time at Python's resolution (microseconds). */
    public static LocalDateTime now(java.time.Clock clock) {
        return LocalDateTime.now(clock).truncatedTo(ChronoUnit.MICROS);
    }
}
