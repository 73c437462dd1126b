package dev.apollo.rpc;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The W3C {@code baggage} header (https://www.w3.org/TR/baggage/), just enough of it to carry {@code apollo.env}
 * alongside whatever else a request carries: members are kept as received and forwarded untouched.
 */
final class Baggage {
    static final String HEADER = "baggage";
    static final String ENV_KEY = "apollo.env";

    private Baggage() {}

    /** Key to the rest of the member as received (percent-encoded value and any {@code ;properties}). */
    static Map<String, String> parse(String header) {
        if (header == null || header.isBlank()) {
            return Map.of();
        }
        Map<String, String> members = new LinkedHashMap<>();
        for (String member : header.split(",")) {
            int equals = member.indexOf('=');
            if (equals <= 0) {
                continue; // malformed: the spec says to drop it rather than fail the request
            }
            String key = member.substring(0, equals).trim();
            String value = member.substring(equals + 1).trim();
            if (!key.isEmpty()) {
                members.put(key, value);
            }
        }
        return Collections.unmodifiableMap(members);
    }

    /** The decoded value of a member, without its properties; null when absent or empty. */
    static String value(Map<String, String> members, String key) {
        String raw = members.get(key);
        if (raw == null) {
            return null;
        }
        int semicolon = raw.indexOf(';');
        String value = (semicolon < 0 ? raw : raw.substring(0, semicolon)).trim();
        try {
            value = URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8); // '+' is literal here
        } catch (IllegalArgumentException malformedEscape) {
            // keep it as received
        }
        return value.isBlank() ? null : value;
    }

    /**
     * The header to send: the members as received, with {@code apollo.env} first and set to the environment (or
     * dropped when there is none); null when there is nothing to send.
     */
    static String format(Map<String, String> members, String environment) {
        Map<String, String> merged = new LinkedHashMap<>();
        if (environment != null) {
            merged.put(ENV_KEY, URLEncoder.encode(environment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        members.forEach((key, value) -> {
            if (!key.equals(ENV_KEY)) {
                merged.put(key, value);
            }
        });
        if (merged.isEmpty()) {
            return null;
        }
        StringBuilder header = new StringBuilder();
        merged.forEach((key, value) -> header.append(header.isEmpty() ? "" : ",").append(key).append('=').append(value));
        return header.toString();
    }
}
