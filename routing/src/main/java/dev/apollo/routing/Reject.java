package dev.apollo.routing;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An answer the gateway gives itself: {@code status} and a JSON error object.
 *
 * @param body the JSON error object, in the order its fields are written
 */
public record Reject(int status, Map<String, String> body) implements Decision {
    public String error() {
        return body.get("error");
    }

    /** {@code fields} are name/value pairs, written after {@code error} in this order. */
    static Reject of(int status, String error, String... fields) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", error);
        for (int i = 0; i + 1 < fields.length; i += 2) {
            body.put(fields[i], fields[i + 1]);
        }
        return new Reject(status, body);
    }
}
