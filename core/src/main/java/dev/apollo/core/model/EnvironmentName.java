package dev.apollo.core.model;

/** An isolated world of releases and routes. {@code production} always exists. */
public record EnvironmentName(String value) implements Comparable<EnvironmentName> {
    public static final EnvironmentName PRODUCTION = new EnvironmentName("production");

    public EnvironmentName {
        Names.requireLabel("environment name", value);
    }

    public static EnvironmentName of(String value) {
        return new EnvironmentName(value);
    }

    @Override
    public int compareTo(EnvironmentName other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
