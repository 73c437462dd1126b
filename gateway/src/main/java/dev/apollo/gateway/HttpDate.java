package dev.apollo.gateway;

import io.netty.handler.codec.DateFormatter;
import java.util.Date;

/**
 * The Date header of answers that lack one (ours, and a backend's that sent none), in the IMF-fixdate
 * form RFC 9110 §5.6.7 requires ({@code Wed, 02 Dec 2026 10:00:00 GMT}: two-digit day, which
 * {@code DateTimeFormatter.RFC_1123_DATE_TIME} does not give). Formatted at most once a second.
 */
final class HttpDate {
    private record Stamp(long second, String text) {}

    private static volatile Stamp current = new Stamp(-1, "");

    private HttpDate() {}

    static String now() {
        long millis = System.currentTimeMillis();
        long second = millis / 1000;
        Stamp stamp = current;
        if (stamp.second() != second) {
            stamp = new Stamp(second, DateFormatter.format(new Date(second * 1000)));
            current = stamp;
        }
        return stamp.text();
    }
}
