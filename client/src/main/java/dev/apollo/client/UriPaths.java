package dev.apollo.client;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.StringJoiner;

/** Builds request paths from user-typed names, which must never be able to change the path's shape. */
final class UriPaths {
    private UriPaths() {}

    /** Encodes one path segment: '/', '?', '#', '%' and spaces all become escapes. */
    static String segment(String value) {
        // URLEncoder does form encoding; in a path a '+' is literal, so spaces must be %20.
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String path(String... segments) {
        StringBuilder path = new StringBuilder();
        for (String segment : segments) {
            path.append('/').append(segment);
        }
        return path.toString();
    }

    /** "" or "?k=v&k2=v2" with each value encoded. */
    static String query(Map<String, String> parameters) {
        if (parameters.isEmpty()) {
            return "";
        }
        StringJoiner joined = new StringJoiner("&", "?", "");
        parameters.forEach((key, value) -> joined.add(key + "=" + segment(value)));
        return joined.toString();
    }
}
