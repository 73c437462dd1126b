package dev.apollo.process;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Which machine, and which boot of it, this process runs on: the scope within which a pid names a
 * process. Two control planes with the same identity can signal and adopt each other's processes;
 * after a reboot (a new boot id) every pid recorded before names nothing, or someone else.
 *
 * @param hostname the host's name
 * @param bootId the kernel's random id of this boot ({@code /proc/sys/kernel/random/boot_id}), or
 *     {@code unknown} where there is none
 */
public record Machine(String hostname, String bootId) {
    private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");

    public Machine {
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(bootId, "bootId");
        if (hostname.isBlank() || hostname.contains("/")) {
            throw new IllegalArgumentException("hostname: '" + hostname + "' (expected: a non-blank name without '/')");
        }
    }

    /** This machine, now. */
    public static Machine current() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        String boot;
        try {
            boot = Files.readString(BOOT_ID, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            boot = "unknown";
        }
        return new Machine(host, boot.isEmpty() ? "unknown" : boot);
    }

    /** As {@link #toString()} writes it: {@code hostname/bootId}. */
    public static Machine parse(String value) {
        int slash = value.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("machine: '" + value + "' (expected: HOSTNAME/BOOT_ID)");
        }
        return new Machine(value.substring(0, slash), value.substring(slash + 1));
    }

    @Override
    public String toString() {
        return hostname + "/" + bootId;
    }
}
