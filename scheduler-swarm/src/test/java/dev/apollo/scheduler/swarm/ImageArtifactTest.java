package dev.apollo.scheduler.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.transport.DockerHttpClient.Response;
import dev.apollo.core.ApolloException;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.ImageReference;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.core.model.ServiceName;
import dev.apollo.core.model.Version;
import dev.apollo.core.port.ArtifactKind;
import dev.apollo.core.port.ArtifactStore.ImageFacts;
import dev.apollo.core.port.ObservedInstance;
import dev.apollo.core.port.ReleaseSpec;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images as artifacts on the real engine: an archive as {@code docker save} writes it is loaded once and runs as a
 * release, and an image the engine has is run by its reference. The image is the example web service's jar image,
 * saved and tagged under names of the test's own.
 */
class ImageArtifactTest {
    private static Engine engine;
    private static Images images;
    private static String jarImage;

    @TempDir
    Path dir;

    private String namespace;
    private SwarmScheduler scheduler;

    @BeforeAll
    static void engineAndImage() {
        engine = Engine.connect(Engine.DEFAULT_HOST);
        engine.requireManager();
        images = new Images(engine);
        jarImage = JarImage.ensure(images, RuntimeImage.ofRunningJdk().ensure(images), SwarmFixtures.webServiceJar());
    }

    @AfterAll
    static void closeEngine() {
        engine.close();
    }

    @BeforeEach
    void open() {
        namespace = SwarmFixtures.newNamespace();
        scheduler = SwarmScheduler.open(SwarmFixtures.options(namespace));
    }

    @AfterEach
    void cleanUp() {
        scheduler.close();
        SwarmFixtures.removeNamespace(engine, namespace);
        for (String reference : new String[] {"apollo-test/saved:" + namespace, "apollo-test/known:" + namespace}) {
            if (images.exists(reference)) {
                engine.delete("/images/" + reference);
            }
        }
    }

    private ReleaseSpec release(long id, URI artifact) {
        return ReleaseSpec.plain(new ReleaseId(id), EnvironmentName.PRODUCTION, ServiceName.of("web-service"),
                Version.of("1.0." + id), ArtifactKind.IMAGE, artifact, 64, Map.of());
    }

    private String awaitAnswer(ReleaseSpec release) {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> scheduler.instances().stream().filter(i -> i.release().equals(release.id()))
                        .map(ObservedInstance::address).flatMap(Optional::stream)
                        .map(address -> SwarmFixtures.get(address, "/")).flatMap(Optional::stream).findFirst(),
                        Optional::isPresent).orElseThrow();
    }

    /** {@code docker save reference -o file}. */
    private Path save(String reference) throws IOException {
        Path archive = dir.resolve("saved.tar");
        try (Response response = engine.send("GET", "/images/" + reference + "/get", null, Map.of());
                InputStream body = response.getBody()) {
            Files.copy(body, archive);
        }
        return archive;
    }

    @Test
    void anImageArchiveIsLoadedTaggedByItsDigestAndRunsAsARelease() throws IOException {
        String saved = "apollo-test/saved:" + namespace;
        images.tag(jarImage, "apollo-test/saved", namespace);
        Path archive = save(saved);
        engine.delete("/images/" + saved); // the engine knows it by the archive only

        ReleaseSpec release = release(1, archive.toUri());
        scheduler.ensure(release, 1);

        assertThat(awaitAnswer(release)).contains("\"service\":\"web-service\"");
        assertThat(images.exists(ArchiveImage.REPOSITORY + ":" + FileSha256.of(archive))).isTrue();
        assertThat(images.exists(saved)).as("loaded with the tag it was saved with").isTrue();
    }

    @Test
    void anImageTheEngineHasIsInspectedAndRunByItsReference() {
        String known = "apollo-test/known:" + namespace;
        images.tag(jarImage, "apollo-test/known", namespace);

        ImageFacts facts = scheduler.inspectImage(ImageReference.of(known));
        ReleaseSpec release = release(2, URI.create("image:" + known));
        scheduler.ensure(release, 1);

        assertThat(facts.sha256()).matches("[0-9a-f]{64}")
                .isEqualTo(engine.get("/images/" + jarImage + "/json").path("Id").asText().substring("sha256:".length()));
        assertThat(facts.size()).isPositive();
        assertThat(awaitAnswer(release)).contains("\"service\":\"web-service\"");
    }

    @Test
    void anImageTheEngineDoesNotHaveIsNotFoundAndTheMessageSaysHowToGetItThere() {
        assertThatThrownBy(() -> scheduler.inspectImage(ImageReference.of("apollo-test/none:" + namespace)))
                .isInstanceOf(ApolloException.NotFound.class)
                .hasMessageContaining("apollo-test/none:" + namespace)
                .hasMessageContaining("docker load")
                .hasMessageContaining("apollo artifact push FILE.tar");
    }
}
