package dev.apollo.artifacts;

import dev.apollo.core.ApolloException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Copies an incoming artifact to a file in one pass: checks it starts as a zip, hashes it and
 * enforces the size cap while streaming, so that an artifact is never held in memory whatever its
 * size; then opens the file as a jar ({@link RunnableJar}) before anyone can deploy it.
 */
final class JarIntake {
    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};

    record Received(String sha256, String sha1, long size) {}

    private JarIntake() {}

    /** @param what the artifact's coordinates, for error messages */
    static Received receive(InputStream in, Path target, long maxBytes, String what) throws IOException {
        byte[] head = in.readNBytes(ZIP_MAGIC.length);
        if (!Arrays.equals(head, ZIP_MAGIC)) {
            throw new ApolloException.Invalid(what + ": expected an executable jar (a zip file starting with 'PK'), but the content "
                    + describe(head) + ". Push the jar your build produced (e.g. target/web-service.jar).");
        }
        MessageDigest sha256 = Digests.sha256();
        MessageDigest sha1 = Digests.sha1();
        long size = 0;
        try (FileChannel out = FileChannel.open(target, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")))) {
            byte[] buffer = new byte[64 * 1024];
            System.arraycopy(head, 0, buffer, 0, head.length);
            int n = head.length;
            while (n != -1) {
                size += n;
                if (size > maxBytes) {
                    throw new ArtifactTooLargeException(what, maxBytes);
                }
                sha256.update(buffer, 0, n);
                sha1.update(buffer, 0, n);
                ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
                while (chunk.hasRemaining()) {
                    out.write(chunk);
                }
                n = in.read(buffer);
            }
            // Durable before it becomes visible: the rename that publishes it must not outrun the data.
            out.force(true);
        }
        RunnableJar.check(target, what);
        return new Received(Digests.hex(sha256), Digests.hex(sha1), size);
    }

    private static String describe(byte[] head) {
        return head.length == 0 ? "is empty" : "starts with bytes " + HexFormat.ofDelimiter(" ").formatHex(head);
    }
}
