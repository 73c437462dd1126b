package dev.apollo.scheduler.local;

import dev.apollo.core.model.InstanceId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Names one artifact's class-data archive for one JDK: never shared between different jars or JDKs. The name
 * starts with the jar's, for whoever looks in the directory, and ends in a digest of all the archive depends on:
 * the jar's content (sha256), where it is, its size and time (the archive records the class path, and the JVM
 * checks the jar's size and time before it maps anything), the JDK build, and the JVM options, some of which make
 * an archive made without them unusable ({@code -XX:-UseCompressedOops}, a heap over 32 GB).
 */
record ArchiveKey(String name) {
    private static final String ARCHIVE = ".jsa";
    private static final String CLASS_LIST = ".classlist";
    private static final String DUMP = ".tmp";

    static ArchiveKey of(Path jar, String jarSha256, InstanceJdk jdk, List<String> jvmOptions) throws IOException {
        Path real = jar.toRealPath();
        List<String> parts = new ArrayList<>(List.of(real.toString(), Long.toString(Files.size(real)),
                Long.toString(Files.getLastModifiedTime(real).toMillis()), jarSha256, jdk.java().toString(), jdk.release()));
        parts.addAll(jvmOptions);
        MessageDigest digest = sha256();
        for (String part : parts) {
            digest.update(part.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
        }
        String jarName = real.getFileName().toString().replaceFirst("\\.jar$", "").replaceAll("[^A-Za-z0-9._-]", "_");
        return new ArchiveKey(jarName + "-" + HexFormat.of().formatHex(digest.digest(), 0, 12));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JDK", e); // every JDK must have it
        }
    }

    /** The archive instances map, once there is one. */
    Path archiveIn(Path dir) {
        return dir.resolve(name + ARCHIVE);
    }

    /** Where {@code writer} records the classes it loads, for the archive to be made from. */
    Path classListIn(Path dir, InstanceId writer) {
        return dir.resolve(name + "." + writer.value() + CLASS_LIST);
    }

    /** Where the archive is written before it is checked and moved into place. */
    Path dumpIn(Path dir) {
        return dir.resolve(name + DUMP);
    }

    /** Whether {@code file} is one of the files an earlier control plane may have left half made. */
    static boolean isLeftover(Path file) {
        String fileName = file.getFileName().toString();
        return fileName.endsWith(CLASS_LIST) || fileName.endsWith(DUMP);
    }
}
