package dev.apollo.core.model;

/** A deployable's name, e.g. {@code web-service}; also its RPC name and a directory name. */
public record ServiceName(String value) implements Comparable<ServiceName> {
    public ServiceName {
        Names.requireLabel("service name", value);
    }

    public static ServiceName of(String value) {
        return new ServiceName(value);
    }

    @Override
    public int compareTo(ServiceName other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
