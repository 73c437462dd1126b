package dev.apollo.artifacts;

final class Sizes {
    static final long MIB = 1024L * 1024;

    private Sizes() {}

    static String describe(long bytes) {
        return bytes >= MIB && bytes % MIB == 0 ? bytes / MIB + " MiB (" + bytes + " bytes)" : bytes + " bytes";
    }
}
