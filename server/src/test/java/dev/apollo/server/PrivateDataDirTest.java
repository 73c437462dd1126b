package dev.apollo.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apollo.testkit.TestJars;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 16 item 8: the data dir and everything in it are private to the user running Apollo. */
class PrivateDataDirTest {
    @TempDir
    Path parent;

    @Test
    void everyDirectoryIs0700AndEveryFile0600IncludingTheDatabaseAndWhatAnOlderApolloLeft() throws Exception {
        Path home = parent.resolve("home");
        // What an older Apollo (or a umask of 022) left: a readable log and directory.
        Files.createDirectories(home.resolve("notes"));
        Files.writeString(home.resolve("server.log"), "DB_PASSWORD=hunter2\n");
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(home.resolve("notes"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(home.resolve("server.log"), PosixFilePermissions.fromString("rw-r--r--"));

        try (TestControlPlane plane = TestControlPlane.start(home)) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> pushed = http.send(HttpRequest.newBuilder(URI.create(plane.url() + "/v1/artifacts/web-service/1.0.0"))
                    .header("Authorization", "Bearer " + plane.token())
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(TestJars.jar("private"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(201);
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(plane.url() + "/v1/environments"))
                    .header("Authorization", "Bearer " + plane.token())
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"stage1\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

            List<String> open = new ArrayList<>();
            try (Stream<Path> all = Files.walk(home)) {
                for (Path path : all.toList()) {
                    if (Files.isSymbolicLink(path) || !Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                        continue;
                    }
                    String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
                    if (mode.substring(3).contains("r") || mode.substring(3).contains("w") || mode.substring(3).contains("x")) {
                        open.add(home.relativize(path) + " " + mode);
                    }
                }
            }
            assertThat(open).as("paths others may read, write or enter").isEmpty();
            assertThat(home.resolve("apollo.db")).exists();
            assertThat(mode(home.resolve("apollo.db"))).isEqualTo("rw-------");
            assertThat(mode(home.resolve("apollo.db-wal"))).isEqualTo("rw-------");
            assertThat(mode(home)).isEqualTo("rwx------");
            assertThat(mode(home.resolve("server.log"))).isEqualTo("rw-------");
            assertThat(mode(home.resolve("notes"))).isEqualTo("rwx------");
            try (Stream<Path> jars = Files.walk(home.resolve("artifacts"))) {
                assertThat(jars.filter(p -> p.toString().endsWith(".jar")).map(PrivateDataDirTest::mode).toList())
                        .containsExactly("rw-------");
            }
        }
    }

    private static String mode(Path path) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
