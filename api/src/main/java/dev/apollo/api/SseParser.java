package dev.apollo.api;

import java.util.Optional;

/**
 * The text/event-stream format as the HTML spec reads it, fed one line at a time without its
 * terminator: {@code data:} lines accumulate (joined by newlines), a blank line dispatches, lines
 * starting with ':' are comments (keep-alives), one space after the colon is dropped. Stateful,
 * so one parser per connection: a new connection starts a new one, which also drops the half
 * event a broken connection left. Both the client's event stream and the gateway's route stream
 * read with it.
 */
public final class SseParser {
    private String lastEventId = "";
    private String type = "";
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;

    /** Feeds one line; returns the event that a blank line completes. */
    public Optional<SseEvent> line(String line) {
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
                if (value.indexOf('\0') < 0) { // the spec ignores such an id
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
            default -> { } // "retry" and unknown fields: the spec says ignore; our reconnect policies are our own
        }
        return Optional.empty();
    }

    private Optional<SseEvent> dispatch() {
        try {
            if (!hasData) {
                return Optional.empty();
            }
            return Optional.of(new SseEvent(lastEventId, type.isEmpty() ? "message" : type, data.toString()));
        } finally {
            type = "";
            data.setLength(0);
            hasData = false;
        }
    }
}
