package dev.apollo.server.secrets;

import dev.apollo.core.ApolloException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals secret values before they reach the store, with AES-256-GCM under a key of the data dir
 * ({@code secret.key}, mode 0600, made on first use). The store, its backups and its copies hold
 * only sealed bytes; a value opens only with this key, and only for the secret it was sealed for
 * (its environment, service and name are bound in as associated data, so sealed bytes moved to
 * another secret's row do not open).
 */
public final class SecretBox {
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final byte FORMAT = 1;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    private SecretBox(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
    }

    /** Opens the box on {@code keyFile}, making a new random key there (readable by its owner only) when there is none. */
    public static SecretBox open(Path keyFile) {
        try {
            if (!Files.exists(keyFile)) {
                create(keyFile);
            }
            byte[] key = Files.readAllBytes(keyFile);
            if (key.length != KEY_BYTES) {
                throw new ApolloException("the secret key " + keyFile + " holds " + key.length + " bytes, not " + KEY_BYTES
                        + "; it is damaged. Restore it from a backup: without it no stored secret can be opened.");
            }
            return new SecretBox(key);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the secret key " + keyFile + ": " + e.getMessage(), e);
        }
    }

    private static void create(Path keyFile) throws IOException {
        byte[] key = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(key);
        try {
            // Created with its final permissions, so the key is never readable by others, not even for a moment.
            Files.write(Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
                    key, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            // another control plane made it first: use theirs
        }
    }

    /** The value sealed for one secret, named by {@code context} (e.g. "production/web-service/DB_PASSWORD"). */
    public byte[] seal(String value, String context) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] sealed = run(Cipher.ENCRYPT_MODE, nonce, context, value.getBytes(StandardCharsets.UTF_8));
        return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length).put(FORMAT).put(nonce).put(sealed).array();
    }

    /** The value of a secret sealed by {@link #seal} for the same context. */
    public String open(byte[] sealed, String context) {
        if (sealed.length < 1 + NONCE_BYTES || sealed[0] != FORMAT) {
            throw new ApolloException("stored secret " + context + " is not in a format this Apollo wrote; set it again"
                    + " with: apollo secret set");
        }
        byte[] nonce = java.util.Arrays.copyOfRange(sealed, 1, 1 + NONCE_BYTES);
        byte[] body = java.util.Arrays.copyOfRange(sealed, 1 + NONCE_BYTES, sealed.length);
        return new String(run(Cipher.DECRYPT_MODE, nonce, context, body), StandardCharsets.UTF_8);
    }

    private byte[] run(int mode, byte[] nonce, String context, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(input);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new ApolloException("stored secret " + context + " does not open with this data dir's secret.key (was the"
                    + " key replaced?); set the secret again with: apollo secret set");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JDK", e);
        }
    }
}
