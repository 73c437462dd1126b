package dev.apollo.artifacts;

import dev.apollo.core.model.Version;
import java.util.Comparator;

/**
 * Orders versions the way people read them: {@code 1.9.0} before {@code 1.10.0}. Dot-separated
 * parts compare numerically when both are numbers and as text otherwise; it is not full semver,
 * only a listing order.
 */
final class VersionOrder implements Comparator<Version> {
    static final VersionOrder INSTANCE = new VersionOrder();

    private VersionOrder() {}

    @Override
    public int compare(Version a, Version b) {
        String[] left = a.value().split("\\.");
        String[] right = b.value().split("\\.");
        for (int i = 0; i < Math.min(left.length, right.length); i++) {
            int c = compareParts(left[i], right[i]);
            if (c != 0) {
                return c;
            }
        }
        int c = Integer.compare(left.length, right.length);
        // Distinct strings must never compare equal, or sorted sets would drop versions.
        return c != 0 ? c : a.value().compareTo(b.value());
    }

    private static int compareParts(String a, String b) {
        if (isNumber(a) && isNumber(b)) {
            // Compare as digit strings so that huge numbers cannot overflow.
            String x = stripLeadingZeros(a);
            String y = stripLeadingZeros(b);
            int c = Integer.compare(x.length(), y.length());
            return c != 0 ? c : x.compareTo(y);
        }
        return a.compareTo(b);
    }

    private static boolean isNumber(String part) {
        return !part.isEmpty() && part.chars().allMatch(ch -> ch >= '0' && ch <= '9');
    }

    private static String stripLeadingZeros(String digits) {
        int i = 0;
        while (i < digits.length() - 1 && digits.charAt(i) == '0') {
            i++;
        }
        return digits.substring(i);
    }
}
