package dev.apollo.core.model;

import dev.apollo.core.ApolloException;

/** A release's number, unique in the whole platform; shown as {@code r12}. */
public record ReleaseId(long value) implements Comparable<ReleaseId> {
    public ReleaseId {
        if (value <= 0) {
            throw new ApolloException.Invalid("release id " + value + " (expected: > 0)");
        }
    }

    public static ReleaseId parse(String text) {
        String digits = text != null && text.startsWith("r") ? text.substring(1) : text;
        try {
            return new ReleaseId(Long.parseLong(digits));
        } catch (NumberFormatException e) {
            throw new ApolloException.Invalid("release id '" + text + "': expected r followed by a number (e.g. r12).");
        }
    }

    @Override
    public int compareTo(ReleaseId other) {
        return Long.compare(value, other.value);
    }

    @Override
    public String toString() {
        return "r" + value;
    }
}
