package dev.apollo.cli.command;

import java.util.ArrayList;
import java.util.List;

/**
 * Flags for a control plane this command starts (ServerMain's), only those the user gave: the
 * server has the defaults, and the data dir's apollo.conf, which a flag passed on would override.
 */
final class ServerFlags {
    private final List<String> words = new ArrayList<>();

    /** {@code name value}, when a value was given (not null). */
    ServerFlags add(String name, Object value) {
        if (value != null) {
            words.add(name);
            words.add(value.toString());
        }
        return this;
    }

    ServerFlags addAll(List<String> flags) {
        words.addAll(flags);
        return this;
    }

    List<String> list() {
        return List.copyOf(words);
    }
}
