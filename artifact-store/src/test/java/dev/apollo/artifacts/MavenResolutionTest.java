package dev.apollo.artifacts;

import static dev.apollo.testkit.TestJars.jar;
import static dev.apollo.testkit.TestJars.sha1;
import static dev.apollo.testkit.TestJars.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.apollo.core.ApolloException;
import dev.apollo.core.model.ArtifactRef;
import dev.apollo.core.model.ServiceName;
import dev.apollo.core.model.Version;
import dev.apollo.core.port.ArtifactStore.StoredArtifact;
import dev.apollo.testkit.TestJars;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MavenResolutionTest {
    private static final String JAR_PATH = "/maven2/com/example/web-service/1.6.0/web-service-1.6.0.jar";
    private static final ArtifactRef.Maven WEB_1_6 = (ArtifactRef.Maven) ArtifactRef.parse("com.example:web-service:1.6.0");

    @TempDir
    Path root;

    @TempDir
    Path localRepo;

    private HttpServer server;
    private final Map<String, byte[]> served = new ConcurrentHashMap<>();
    private final List<String> requested = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startRemote() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            requested.add(path);
            byte[] body = served.get(path);
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopRemote() {
        server.stop(0);
    }

    private URI remote() {
        // No trailing slash on purpose: the base must be joined, not resolved.
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/maven2");
    }

    private FileArtifactStore localOnly() {
        return FileArtifactStore.open(root, FileArtifactStore.Options.defaults().withLocalRepository(localRepo));
    }

    private FileArtifactStore withRemote() {
        return FileArtifactStore.open(root, FileArtifactStore.Options.defaults()
                .withLocalRepository(localRepo).withRemoteRepository(remote()));
    }

    private Path installLocally(byte[] bytes) throws IOException {
        Path jar = localRepo.resolve("com/example/web-service/1.6.0/web-service-1.6.0.jar");
        Files.createDirectories(jar.getParent());
        return Files.write(jar, bytes);
    }

    @Test
    void resolvesFromTheLocalRepositoryAndStoresIt() throws IOException {
        byte[] bytes = jar("local");
        installLocally(bytes);
        FileArtifactStore store = localOnly();

        StoredArtifact resolved = store.resolve(WEB_1_6);

        assertThat(resolved.name()).isEqualTo(ServiceName.of("web-service"));
        assertThat(resolved.version()).isEqualTo(Version.of("1.6.0"));
        assertThat(resolved.sha256()).isEqualTo(sha256(bytes));
        assertThat(Paths.get(resolved.location())).startsWith(root.toAbsolutePath());
        assertThat(Files.readAllBytes(Paths.get(resolved.location()))).isEqualTo(bytes);
        assertThat(store.list()).containsExactly(resolved);
        assertThat(store.resolve(ArtifactRef.parse("web-service:1.6.0"))).isEqualTo(resolved);
    }

    @Test
    void aCachedMavenArtifactIsServedFromTheStore() throws IOException {
        Path installed = installLocally(jar("cached"));
        FileArtifactStore store = localOnly();
        StoredArtifact first = store.resolve(WEB_1_6);

        Files.delete(installed);

        assertThat(store.resolve(WEB_1_6)).isEqualTo(first);
    }

    @Test
    void resolvesFromTheRemoteRepositoryAndVerifiesItsSha1() {
        byte[] bytes = jar("remote");
        served.put(JAR_PATH, bytes);
        served.put(JAR_PATH + ".sha1", (sha1(bytes) + "  web-service-1.6.0.jar\n").getBytes(StandardCharsets.UTF_8));
        FileArtifactStore store = withRemote();

        StoredArtifact resolved = store.resolve(WEB_1_6);

        assertThat(resolved.sha256()).isEqualTo(sha256(bytes));
        assertThat(requested).contains(JAR_PATH, JAR_PATH + ".sha1");
        assertThat(store.list()).containsExactly(resolved);

        requested.clear();
        assertThat(store.resolve(WEB_1_6)).isEqualTo(resolved);
        assertThat(requested).as("second resolve is served from the store").isEmpty();
    }

    @Test
    void aRemoteWithoutSha1IsAccepted() {
        byte[] bytes = jar("no checksum");
        served.put(JAR_PATH, bytes);

        assertThat(withRemote().resolve(WEB_1_6).sha256()).isEqualTo(sha256(bytes));
    }

    @Test
    void theLocalRepositoryIsPreferredOverTheRemote() throws IOException {
        byte[] local = jar("local wins");
        installLocally(local);
        served.put(JAR_PATH, jar("remote loses"));

        assertThat(withRemote().resolve(WEB_1_6).sha256()).isEqualTo(sha256(local));
        assertThat(requested).isEmpty();
    }

    @Test
    void aWrongSha1IsRefusedAndNothingIsStored() {
        byte[] bytes = jar("tampered");
        served.put(JAR_PATH, bytes);
        served.put(JAR_PATH + ".sha1", sha1(jar("something else")).getBytes(StandardCharsets.UTF_8));
        FileArtifactStore store = withRemote();

        assertThatThrownBy(() -> store.resolve(WEB_1_6))
                .isInstanceOf(ApolloException.class)
                .hasMessageContaining(remote() + "/com/example/web-service/1.6.0/web-service-1.6.0.jar")
                .hasMessageContaining(sha1(bytes))
                .hasMessageContaining("nothing was stored");

        assertThat(store.list()).isEmpty();
        assertThat(rootEntries()).isEmpty();
    }

    @Test
    void aSha1FileThatIsNotASha1IsRefused() {
        served.put(JAR_PATH, jar("garbage checksum"));
        served.put(JAR_PATH + ".sha1", "<html>oops</html>".getBytes(StandardCharsets.UTF_8));
        FileArtifactStore store = withRemote();

        assertThatThrownBy(() -> store.resolve(WEB_1_6))
                .isInstanceOf(ApolloException.class)
                .hasMessageContaining("does not hold a sha1");
        assertThat(store.list()).isEmpty();
    }

    @Test
    void aMissingArtifactIsNotFoundNamingEveryPlaceTried() {
        FileArtifactStore store = withRemote();

        assertThatThrownBy(() -> store.resolve(WEB_1_6))
                .isInstanceOf(ApolloException.NotFound.class)
                .hasMessageContaining("com.example:web-service:1.6.0")
                .hasMessageContaining(localRepo.toAbsolutePath().resolve("com/example/web-service/1.6.0/web-service-1.6.0.jar").toString())
                .hasMessageContaining(remote() + "/com/example/web-service/1.6.0/web-service-1.6.0.jar");
        assertThat(rootEntries()).isEmpty();
    }

    @Test
    void withoutARemoteTheMessageSaysNoneIsConfigured() {
        assertThatThrownBy(() -> localOnly().resolve(WEB_1_6))
                .isInstanceOf(ApolloException.NotFound.class)
                .hasMessageContaining(localRepo.toAbsolutePath().toString())
                .hasMessageContaining("No remote Maven repository is configured")
                .hasMessageContaining("apollo up --maven-remote https://repo.maven.apache.org/maven2");
    }

    @Test
    void aRemoteServerErrorIsReportedAsSuch() {
        server.removeContext("/");
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });

        assertThatThrownBy(() -> withRemote().resolve(WEB_1_6))
                .isInstanceOf(ApolloException.class)
                .isNotInstanceOf(ApolloException.NotFound.class)
                .hasMessageContaining("HTTP 503");
    }

    @Test
    void anOversizeRemoteJarIsRefused() {
        byte[] incompressible = new byte[10_000];
        new java.util.Random(7).nextBytes(incompressible);
        served.put(JAR_PATH, TestJars.storedJar(incompressible));
        FileArtifactStore store = FileArtifactStore.open(root, FileArtifactStore.Options.defaults()
                .withLocalRepository(localRepo).withRemoteRepository(remote()).withMaxArtifactBytes(100));

        assertThatThrownBy(() -> store.resolve(WEB_1_6)).isInstanceOf(ArtifactTooLargeException.class);
        assertThat(rootEntries()).isEmpty();
    }

    @Test
    void aDifferentArtifactPushedByHandUnderTheSameVersionIsAConflict() throws IOException {
        installLocally(jar("from maven"));
        FileArtifactStore store = localOnly();
        byte[] byHand = jar("by hand");
        StoredArtifact pushed = store.push(ServiceName.of("web-service"), Version.of("1.6.0"), new ByteArrayInputStream(byHand));

        assertThatThrownBy(() -> store.resolve(WEB_1_6))
                .isInstanceOf(ApolloException.Conflict.class)
                .hasMessageContaining("web-service:1.6.0")
                .hasMessageContaining(sha256(byHand).substring(0, 12));
        assertThat(store.list()).containsExactly(pushed);
    }

    @Test
    void theSameBytesPushedByHandAreAccepted() throws IOException {
        byte[] bytes = jar("identical");
        installLocally(bytes);
        FileArtifactStore store = localOnly();
        StoredArtifact pushed = store.push(ServiceName.of("web-service"), Version.of("1.6.0"), new ByteArrayInputStream(bytes));

        assertThat(store.resolve(WEB_1_6)).isEqualTo(pushed);
    }

    @Test
    void optionsRefuseANonHttpRemote() {
        assertThatThrownBy(() -> FileArtifactStore.Options.defaults().withRemoteRepository(URI.create("ftp://example.com/maven2")))
                .isInstanceOf(ApolloException.Invalid.class)
                .hasMessageContaining("expected an http or https URL");
    }

    private List<Path> rootEntries() {
        try (Stream<Path> entries = Files.list(root)) {
            return entries.toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
