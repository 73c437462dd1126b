package dev.apollo.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The text/event-stream format, fed one line at a time: {@code field: value} lines accumulate,
 * a blank line dispatches, lines starting with ':' are comments (keep-alives). Stateful, so one
 * parser per connection.
 */
final class SseParser {
    private String lastEventId;
    private String type;
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;

    /** Feeds one line without its terminator; returns the event that a blank line completes. */
    Optional<SseEvent> line(String line) {
        if (line.isEmpty()) {
            return dispatch();
        }
        if (line.startsWith(":")) {
            return Optional.empty();
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    lastEventId = value;
                }
            }
            case "event" -> type = value;
            case "data" -> {
                if (hasData) {
                    data.append('\n');
                }
                data.append(value);
                hasData = true;
            }
            default -> { } // "retry" and unknown fields: the spec says ignore
        }
        return Optional.empty();
    }

    /** Reads until the stream ends, handing each complete event to {@code sink}; a trailing partial event is dropped. */
    void parse(BufferedReader reader, Consumer<SseEvent> sink) throws IOException {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            line(line).ifPresent(sink);
        }
    }

    private Optional<SseEvent> dispatch() {
        try {
            if (!hasData) {
                return Optional.empty();
            }
            return Optional.of(new SseEvent(lastEventId, type == null ? "message" : type, data.toString()));
        } finally {
            type = null;
            data.setLength(0);
            hasData = false;
        }
    }
}
