package dev.apollo.artifacts;

import dev.apollo.core.ApolloException;
import dev.apollo.core.port.ArtifactKind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;

/**
 * Copies an incoming artifact to a file in one pass: tells by its first bytes what it is (a jar, or an image
 * archive as {@code docker save} writes it), hashes it and enforces the size cap while streaming, so that an
 * artifact is never held in memory whatever its size. What the content claims is checked once it is on disk,
 * before anyone can deploy it: a jar must open with a Main-Class ({@link RunnableJar}), an image archive must
 * hold one image ({@link ImageArchive}). The file is the user's only (0600).
 */
final class ArtifactIntake {
    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};
    /** A tar header is 512 bytes, with "ustar" at offset 257 (POSIX and GNU tars alike). */
    private static final int TAR_HEADER = 512;
    private static final int TAR_MAGIC_AT = 257;
    private static final byte[] TAR_MAGIC = "ustar".getBytes(StandardCharsets.US_ASCII);

    /** The file name under which each kind is kept. */
    static String fileName(ArtifactKind kind) {
        return kind == ArtifactKind.JAR ? "artifact.jar" : "artifact.tar";
    }

    record Received(ArtifactKind kind, Path file, String sha256, String sha1, long size) {}

    private ArtifactIntake() {}

    /**
     * @param dir where the file is written, named after its kind
     * @param what the artifact's coordinates, for error messages
     */
    static Received receive(InputStream in, Path dir, long maxBytes, String what) throws IOException {
        byte[] head = in.readNBytes(TAR_HEADER);
        ArtifactKind kind = kindOf(head, what);
        Path target = dir.resolve(fileName(kind));
        MessageDigest sha256 = Digests.sha256();
        MessageDigest sha1 = Digests.sha1();
        long size = 0;
        try (FileChannel out = FileChannel.open(target, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
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
        if (kind == ArtifactKind.JAR) {
            RunnableJar.check(target, what);
        }
        return new Received(kind, target, Digests.hex(sha256), Digests.hex(sha1), size);
    }

    private static ArtifactKind kindOf(byte[] head, String what) {
        if (head.length >= ZIP_MAGIC.length && Arrays.equals(head, 0, ZIP_MAGIC.length, ZIP_MAGIC, 0, ZIP_MAGIC.length)) {
            return ArtifactKind.JAR;
        }
        if (head.length == TAR_HEADER
                && Arrays.equals(head, TAR_MAGIC_AT, TAR_MAGIC_AT + TAR_MAGIC.length, TAR_MAGIC, 0, TAR_MAGIC.length)) {
            return ArtifactKind.IMAGE;
        }
        throw new ApolloException.Invalid(what + ": expected an executable jar (a zip file starting with 'PK') or a"
                + " container image archive (a tar written by docker save), but the content " + describe(head)
                + ". Push the jar your build produced (e.g. target/web-service.jar) or the output of"
                + " docker save IMAGE -o FILE.tar.");
    }

    private static String describe(byte[] head) {
        return head.length == 0 ? "is empty"
                : "starts with bytes " + HexFormat.ofDelimiter(" ").formatHex(head, 0, Math.min(head.length, 4));
    }
}
