package dev.apollo.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

/** Small real jars for tests that push or run artifacts; the same arguments always give the same bytes. */
public final class TestJars {
    private static final long FIXED_TIME = 1_700_000_000_000L;

    private TestJars() {}

    public static byte[] jar(String content) {
        return jar(content.getBytes(StandardCharsets.UTF_8), ZipEntry.DEFLATED);
    }

    /** A jar whose one entry is stored uncompressed, so the jar is at least {@code payload} bytes. */
    public static byte[] storedJar(byte[] payload) {
        return jar(payload, ZipEntry.STORED);
    }

    private static byte[] jar(byte[] payload, int method) {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "example.Main");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes)) {
            JarEntry manifestEntry = new JarEntry("META-INF/MANIFEST.MF");
            manifestEntry.setTime(FIXED_TIME);
            jar.putNextEntry(manifestEntry);
            manifest.write(jar);
            jar.closeEntry();

            JarEntry entry = new JarEntry("payload.txt");
            entry.setTime(FIXED_TIME);
            entry.setMethod(method);
            if (method == ZipEntry.STORED) {
                java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                crc.update(payload);
                entry.setSize(payload.length);
                entry.setCompressedSize(payload.length);
                entry.setCrc(crc.getValue());
            }
            jar.putNextEntry(entry);
            jar.write(payload);
            jar.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static String sha256(byte[] bytes) {
        return digest("SHA-256", bytes);
    }

    public static String sha1(byte[] bytes) {
        return digest("SHA-1", bytes);
    }

    private static String digest(String algorithm, byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
