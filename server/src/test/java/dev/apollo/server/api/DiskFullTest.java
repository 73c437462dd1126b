package dev.apollo.server.api;

import static dev.apollo.server.api.HostileInputTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.apollo.server.TestControlPlane;
import dev.apollo.testkit.TestJars;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk during an upload is a 507 that names what ran out, not a 500, and nothing is stored.
 * The artifact store gets a real 8 MiB file system (tmpfs), so this runs where the test may mount
 * one (as root, as CI does); elsewhere it is skipped.
 */
class DiskFullTest {
    @TempDir
    Path home;

    @Test
    void anUploadThatFillsTheDiskIsA507NamingTheArtifactStore() throws Exception {
        Path artifacts = Files.createDirectories(home.resolve("artifacts"));
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=8m,mode=0700", "tmpfs", artifacts.toString()) == 0,
                "mounting a tmpfs needs root");
        try (TestControlPlane plane = TestControlPlane.start(home)) {
            byte[] jar = TestJars.storedJar(new byte[12 << 20]);
            RawHttp.Answer answer = upload(plane, jar);

            assertError(answer, 507, "insufficient_storage", "web-service:1.0.0", "artifact store", "is full",
                    "No space left on device", "Nothing was stored");
            String list = RawHttp.exchange(plane.port(), RawHttp.request("GET", "/v1/artifacts", plane.token()),
                    java.time.Duration.ofSeconds(20)).body();
            assertThat(list).isEqualTo("[]");
            try (var left = Files.list(artifacts)) {
                assertThat(left.toList()).as("half-stored uploads").allMatch(p -> !p.getFileName().toString().startsWith("."));
            }
            // A smaller one still fits: the failed upload left nothing behind to take its space.
            RawHttp.Answer small = upload(plane, TestJars.jar("small"));
            assertThat(small.status()).as("%s", small).isEqualTo(201);
        } finally {
            run("umount", artifacts.toString());
        }
    }

    private static RawHttp.Answer upload(TestControlPlane plane, byte[] jar) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", plane.port())) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            // Written from another thread: the server may answer before it has read everything.
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                try {
                    out.write(("PUT /v1/artifacts/web-service/1.0.0 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                            + plane.token() + "\r\nContent-Length: " + jar.length + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(jar);
                    out.flush();
                } catch (IOException ignored) {
                    // The server may close once it has answered.
                }
            });
            RawHttp.Answer answer = RawHttp.read(socket.getInputStream(), System.nanoTime());
            sent.get(60, TimeUnit.SECONDS);
            return answer;
        }
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        return process.waitFor();
    }
}
