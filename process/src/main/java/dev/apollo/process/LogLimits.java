package dev.apollo.process;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How large a log may grow before it is rotated, and how many rotated copies are kept
 * ({@code server.log.1} the newest, up to {@code server.log.KEEP}).
 *
 * @param maxBytes the size past which the log is rotated
 * @param keep rotated copies kept; 0 keeps none (the log is emptied instead)
 */
public record LogLimits(long maxBytes, int keep) {
    /** What instance logs have too: 10 MiB, two copies. */
    public static final LogLimits DEFAULT = new LogLimits(10L * 1024 * 1024, 2);

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmg]?)(i?b)?");

    public LogLimits {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("log max size: " + maxBytes + " bytes (expected: >= 1, e.g. 10MiB)");
        }
        if (keep < 0) {
            throw new IllegalArgumentException("log keep: " + keep + " (expected: >= 0 rotated copies)");
        }
    }

    public LogLimits withMaxBytes(long bytes) {
        return new LogLimits(bytes, keep);
    }

    public LogLimits withKeep(int copies) {
        return new LogLimits(maxBytes, copies);
    }

    /**
     * A size as people write it: {@code 1048576}, {@code 512K}, {@code 10M}, {@code 10MiB}, {@code 1G}
     * (powers of 1024, case ignored).
     */
    public static long parseSize(String text) {
        Matcher matcher = SIZE.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new IllegalArgumentException("log size '" + text + "': expected bytes, or a number with K, M or G"
                    + " (e.g. 10MiB, 512K).");
        }
        long number;
        try {
            number = Long.parseLong(matcher.group(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("log size '" + text + "': too large.");
        }
        int shift = switch (matcher.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> 0;
        };
        if (number > Long.MAX_VALUE >> shift) {
            throw new IllegalArgumentException("log size '" + text + "': too large.");
        }
        return number << shift;
    }

    /** The size the way {@link #parseSize} reads it back: {@code 10MiB}, {@code 4KiB}, {@code 1000}. */
    public static String formatSize(long bytes) {
        for (String unit : new String[] {"GiB", "MiB", "KiB"}) {
            int shift = unit.equals("GiB") ? 30 : unit.equals("MiB") ? 20 : 10;
            if (bytes >= 1L << shift && bytes % (1L << shift) == 0) {
                return (bytes >> shift) + unit;
            }
        }
        return Long.toString(bytes);
    }
}
