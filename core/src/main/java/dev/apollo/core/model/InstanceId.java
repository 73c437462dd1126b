package dev.apollo.core.model;

import dev.apollo.core.ApolloException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** One running copy's id, e.g. {@code web-service-3f9a1c0d}: readable in logs, safe as a directory name. */
public record InstanceId(String value) implements Comparable<InstanceId> {
    private static final Pattern SHAPE = Pattern.compile("[a-z0-9][a-z0-9-]{0,79}");
    private static final SecureRandom RANDOM = new SecureRandom();

    public InstanceId {
        if (value == null || !SHAPE.matcher(value).matches()) {
            throw new ApolloException.Invalid("instance id '" + value + "': expected up to 80 characters of [a-z0-9-].");
        }
    }

    public static InstanceId newFor(ServiceName service) {
        byte[] bytes = new byte[4];
        RANDOM.nextBytes(bytes);
        return new InstanceId(service.value() + "-" + HexFormat.of().formatHex(bytes));
    }

    @Override
    public int compareTo(InstanceId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
