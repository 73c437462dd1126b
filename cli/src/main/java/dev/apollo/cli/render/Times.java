package dev.apollo.cli.render;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** Times as people read them: "12s ago", "in 3m", or a short UTC timestamp. */
public final class Times {
    private static final DateTimeFormatter SHORT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private Times() {}

    /** "12s ago" for the past, "in 12s" for the future, "-" when unknown. */
    public static String relative(Instant at, Instant now) {
        if (at == null) {
            return "-";
        }
        Duration between = Duration.between(at, now);
        return between.isNegative() ? "in " + duration(between.negated()) : duration(between) + " ago";
    }

    /** A duration in its two largest units: 45s, 3m12s, 2h5m, 4d3h. */
    public static String duration(Duration duration) {
        long seconds = Math.max(0, duration.toSeconds());
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return pair(seconds / 60, "m", seconds % 60, "s");
        }
        if (seconds < 86_400) {
            return pair(seconds / 3600, "h", seconds % 3600 / 60, "m");
        }
        return pair(seconds / 86_400, "d", seconds % 86_400 / 3600, "h");
    }

    /** "2025-11-25 00:52:10Z", or "-" when unknown. */
    public static String shortIso(Instant at) {
        return at == null ? "-" : SHORT.format(at.truncatedTo(ChronoUnit.SECONDS));
    }

    private static String pair(long big, String bigUnit, long small, String smallUnit) {
        return small == 0 ? big + bigUnit : big + bigUnit + small + smallUnit;
    }
}
