package dev.apollo.api;

/**
 * One server-sent event as it came off the wire.
 *
 * @param id the last event id the stream set (it carries over to later events), "" when none
 * @param type the event's {@code event:} field, "message" when it named none
 * @param data its {@code data:} lines, joined by newlines
 */
public record SseEvent(String id, String type, String data) {}
