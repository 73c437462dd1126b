package dev.apollo.server.http;

/** Small helpers for error messages that quote what a caller sent. */
final class Messages {
    /** Quoted values are cut here, so that a 70,000-character value does not come back in full. */
    static final int QUOTE_CHARS = 120;

    private Messages() {}

    static String clip(String value) {
        if (value == null || value.length() <= QUOTE_CHARS) {
            return value;
        }
        return value.substring(0, QUOTE_CHARS) + "... (" + value.length() + " characters)";
    }
}
