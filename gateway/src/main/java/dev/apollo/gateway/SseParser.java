package dev.apollo.gateway;

import java.util.function.Consumer;

/**
 * Server-sent events, line by line, as the HTML spec reads them: {@code data:} lines accumulate
 * (joined by newlines), a blank line dispatches, lines starting with ':' are comments, one space
 * after the colon is dropped. Feed it lines without their terminators.
 */
final class SseParser {
    /** @param name "message" unless the event named itself */
    record Event(String name, String id, String data) {}

    private final Consumer<Event> sink;
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private String name = "";
    private String id = "";

    SseParser(Consumer<Event> sink) {
        this.sink = sink;
    }

    void line(String line) {
        if (line.isEmpty()) {
            dispatch();
            return;
        }
        if (line.charAt(0) == ':') {
            return;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "data" -> {
                if (hasData) {
                    data.append('\n');
                }
                data.append(value);
                hasData = true;
            }
            case "event" -> name = value;
            case "id" -> id = value;
            default -> { } // "retry" and unknown fields: our reconnect policy is our own.
        }
    }

    /** Forgets a half-received event, as a dropped connection must. */
    void reset() {
        data.setLength(0);
        hasData = false;
        name = "";
    }

    private void dispatch() {
        if (hasData) {
            sink.accept(new Event(name.isEmpty() ? "message" : name, id, data.toString()));
        }
        reset();
    }
}
