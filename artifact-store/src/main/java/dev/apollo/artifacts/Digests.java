package dev.apollo.artifacts;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

final class Digests {
    private Digests() {}

    static MessageDigest sha256() {
        return named("SHA-256");
    }

    static MessageDigest sha1() {
        return named("SHA-1");
    }

    static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Short enough to read in an error message, long enough to tell two artifacts apart. */
    static String prefix(String hex) {
        return hex.substring(0, Math.min(12, hex.length()));
    }

    private static MessageDigest named(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform is required to provide SHA-1 and SHA-256.
            throw new IllegalStateException(algorithm + " is not available in this JDK", e);
        }
    }
}
