package dev.apollo.server.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apollo.core.ApolloException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretBoxTest {
    @TempDir
    Path dir;

    @Test
    void aSealedValueOpensWithTheSameKeyForTheSameSecretOnly() throws Exception {
        SecretBox box = SecretBox.open(dir.resolve("secret.key"));

        byte[] sealed = box.seal("hunter2 ✓", "production/web-service/DB_PASSWORD");

        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("hunter2");
        assertThat(SecretBox.open(dir.resolve("secret.key")).open(sealed, "production/web-service/DB_PASSWORD"))
                .isEqualTo("hunter2 ✓");
        assertThatThrownBy(() -> box.open(sealed, "production/other-service/DB_PASSWORD"))
                .isInstanceOf(ApolloException.class).hasMessageContaining("does not open");
        assertThat(box.seal("hunter2 ✓", "production/web-service/DB_PASSWORD")).isNotEqualTo(sealed); // a fresh nonce each time
    }

    @Test
    void theKeyIsMadeOnceReadableByItsOwnerOnly() throws Exception {
        Path key = dir.resolve("secret.key");
        SecretBox.open(key);
        byte[] first = Files.readAllBytes(key);

        SecretBox.open(key);

        assertThat(Files.readAllBytes(key)).hasSize(32).isEqualTo(first);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    }

    @Test
    void aReplacedKeyOpensNothingAndSaysWhatToDo() throws Exception {
        byte[] sealed = SecretBox.open(dir.resolve("secret.key")).seal("v", "p/s/N");
        Files.delete(dir.resolve("secret.key"));

        assertThatThrownBy(() -> SecretBox.open(dir.resolve("secret.key")).open(sealed, "p/s/N"))
                .isInstanceOf(ApolloException.class).hasMessageContaining("apollo secret set");
        Files.write(dir.resolve("short.key"), new byte[7]);
        assertThatThrownBy(() -> SecretBox.open(dir.resolve("short.key"))).isInstanceOf(ApolloException.class)
                .hasMessageContaining("damaged");
    }
}
