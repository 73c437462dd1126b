package dev.apollo.client;

import java.util.LinkedHashMap;
import java.util.Map;

/** Which events to receive; a null field means "any". */
public record EventFilter(String release, String service, String environment) {
    public static EventFilter all() {
        return new EventFilter(null, null, null);
    }

    public static EventFilter release(String releaseId) {
        return new EventFilter(releaseId, null, null);
    }

    public static EventFilter service(String environment, String service) {
        return new EventFilter(null, service, environment);
    }

    Map<String, String> query() {
        Map<String, String> query = new LinkedHashMap<>();
        if (release != null) {
            query.put("release", release);
        }
        if (service != null) {
            query.put("service", service);
        }
        if (environment != null) {
            query.put("environment", environment);
        }
        return query;
    }
}
