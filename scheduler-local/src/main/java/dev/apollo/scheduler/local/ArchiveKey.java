package dev.apollo.scheduler.local;

import dev.apollo.core.ApolloException;
import dev.apollo.core.model.InstanceId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Names one artifact's class-data archive for one JDK: never shared between different jars or JDKs. The name
 * starts with the jar's, for whoever looks in the directory, and ends in a digest of all the archive depends on:
 * the jar's content (sha256), where it is, its size and time (the archive records the class path, and the JVM
 * checks the jar's size and time before it maps anything), the JDK build, and the JVM options, some of which make
 * an archive made without them unusable ({@code -XX:-UseCompressedOops}, a heap over 32 GB).
 */
record ArchiveKey(String name) {
    private static final String ARCHIVE = ".jsa";
    private static final String OUTPUT = ".tmp";

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

    /** Where {@code writer} writes the archive when it exits: a file of its own, moved into place once checked. */
    Path outputIn(Path dir, InstanceId writer) {
        return dir.resolve(name + "." + writer.value() + OUTPUT);
    }

    /** The outputs of this key's writers in {@code dir}, finished or not, by the instance that writes each. */
    Map<InstanceId, Path> outputsIn(Path dir) throws IOException {
        Map<InstanceId, Path> outputs = new HashMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, name + ".*" + OUTPUT)) {
            for (Path file : files) {
                String fileName = file.getFileName().toString();
                String writer = fileName.substring(name.length() + 1, fileName.length() - OUTPUT.length());
                try {
                    outputs.put(new InstanceId(writer), file);
                } catch (ApolloException.Invalid notOurs) {
                    // a name we never give; left alone
                }
            }
        }
        return outputs;
    }
}
