package dev.apollo.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apollo.api.Json;
import dev.apollo.store.postgres.PostgresLocation;
import dev.apollo.testkit.PostgresCluster;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real control planes, in this JVM, with data dirs of their own, on one real PostgreSQL
 * database: one leads, the other stands by, and takes over when the leader resigns.
 */
class SharedStoreControlPlanesTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<ControlPlane> planes = new ArrayList<>();
    private PostgresLocation location;
    private Path passwordFile;

    @BeforeEach
    void database() throws IOException {
        PostgresCluster cluster = PostgresCluster.shared();
        location = PostgresLocation.parse(cluster.url(cluster.createDatabase()));
        passwordFile = Files.writeString(dir.resolve("store-password"), PostgresCluster.PASSWORD + "\n");
    }

    @AfterEach
    void stop() {
        planes.reversed().forEach(ControlPlane::close);
        http.close();
    }

    @Test
    void oneLeadsTheOtherStandsByNamingTheLeaderAndTakesOverWhenItResigns() throws Exception {
        ControlPlane a = start("a");
        await().atMost(PATIENCE).until(() -> leadership(a).path("mode").asText().equals("leader"));
        ControlPlane b = start("b");
        await().atMost(PATIENCE).until(() -> leadership(b).path("leaderAddress").asText().equals(a.url()));

        JsonNode seenByB = leadership(b);
        assertThat(seenByB.path("mode").asText()).isEqualTo("standby");
        assertThat(seenByB.path("controlPlanes")).hasSize(2);
        assertThat(seenByB.path("controlPlanes").findValuesAsText("address")).containsExactlyInAnyOrder(a.url(), b.url());
        // Each tells its gateway where the other answers (peers.json, left in place for a gateway that outlives it).
        await().atMost(PATIENCE).until(() -> peers("a").equals(List.of(b.url())) && peers("b").equals(List.of(a.url())));

        HttpResponse<String> refused = post(b, "/v1/environments", "{\"name\":\"stage1\"}");
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("X-Apollo-Leader")).contains(a.url());
        assertThat(refused.body()).contains("not_leader").contains("--server " + a.url());
        assertThat(post(a, "/v1/environments", "{\"name\":\"stage1\"}").statusCode()).isEqualTo(201);
        // A standby answers reads that come straight from the shared store.
        assertThat(get(b, "/v1/environments").body()).contains("stage1");

        a.close();

        await().atMost(PATIENCE).until(() -> leadership(b).path("mode").asText().equals("leader"));
        assertThat(leadership(b).path("epoch").asLong()).isEqualTo(2);
        // Refused for the moment it takes over (503 naming no leader), then accepted.
        await().atMost(PATIENCE).until(() -> post(b, "/v1/environments", "{\"name\":\"stage2\"}").statusCode() == 201);
        assertThat(get(b, "/v1/environments").body()).contains("stage1").contains("stage2");
    }

    /** Listening on every interface, a control plane tells the others the address it was given to advertise. */
    @Test
    void aControlPlaneListeningOnEveryInterfaceIsNamedByItsAdvertisedAddress() throws Exception {
        ControlPlane a = start("a", "0.0.0.0", Optional.of(AdvertisedAddress.parse("127.0.0.1")));
        await().atMost(PATIENCE).until(() -> leadership(a).path("mode").asText().equals("leader"));
        ControlPlane b = start("b");
        String advertised = "http://127.0.0.1:" + URI.create(a.url()).getPort();
        assertThat(a.url()).startsWith("http://0.0.0.0:");
        assertThat(a.advertisedUrl()).isEqualTo(advertised);

        await().atMost(PATIENCE).until(() -> leadership(b).path("leaderAddress").asText().equals(advertised));
        assertThat(post(b, "/v1/environments", "{\"name\":\"stage1\"}").headers().firstValue("X-Apollo-Leader"))
                .contains(advertised);
        await().atMost(PATIENCE).until(() -> peers("b").equals(List.of(advertised)));
    }

    private ControlPlane start(String name) throws IOException {
        return start(name, "127.0.0.1", Optional.empty());
    }

    private ControlPlane start(String name, String host, Optional<AdvertisedAddress> advertise) throws IOException {
        Path home = Files.createDirectories(dir.resolve(name));
        ServerConfig.Builder config = ServerConfig.defaults(home).toBuilder();
        config.listen = new InetSocketAddress(host, 0);
        config.advertise = advertise;
        config.gateway = Optional.empty();
        config.store = new Backends.StoreChoice.Postgres(location);
        config.storePasswordFile = Optional.of(passwordFile);
        config.lease = Duration.ofSeconds(1);
        ControlPlane plane = ControlPlane.start(config.build());
        planes.add(plane);
        return plane;
    }

    private JsonNode leadership(ControlPlane plane) throws Exception {
        HttpResponse<String> response = get(plane, "/v1/leadership");
        assertThat(response.statusCode()).isEqualTo(200);
        return Json.mapper().readTree(response.body());
    }

    private HttpResponse<String> get(ControlPlane plane, String path) throws Exception {
        return http.send(request(plane, path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(ControlPlane plane, String path, String json) throws Exception {
        return http.send(request(plane, path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Each control plane has the token of its own data dir. */
    private HttpRequest.Builder request(ControlPlane plane, String path) throws IOException {
        String token = Files.readString(dir.resolve(planes.indexOf(plane) == 0 ? "a" : "b").resolve("token")).strip();
        return HttpRequest.newBuilder(URI.create(plane.url() + path)).header("Authorization", "Bearer " + token);
    }

    /** What the control plane in data dir {@code name} last wrote for its gateway. */
    private List<String> peers(String name) throws IOException {
        Path file = dir.resolve(name).resolve("peers.json");
        List<String> peers = new ArrayList<>();
        if (Files.exists(file)) {
            Json.mapper().readTree(file.toFile()).path("peers").forEach(peer -> peers.add(peer.asText()));
        }
        return peers;
    }
}
