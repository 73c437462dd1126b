package dev.apollo.client;

/** One server-sent event as it came off the wire; {@code id} is the last event id seen, or null. */
record SseEvent(String id, String type, String data) {}
