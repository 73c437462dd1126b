package dev.apollo.testkit;

import static dev.apollo.testkit.Refusals.assertRefused;
import static dev.apollo.testkit.TestJars.jar;
import static dev.apollo.testkit.TestJars.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apollo.core.ApolloException;
import dev.apollo.core.model.ArtifactRef;
import dev.apollo.core.model.ImageReference;
import dev.apollo.core.model.ServiceName;
import dev.apollo.core.model.Version;
import dev.apollo.core.port.ArtifactKind;
import dev.apollo.core.port.ArtifactStore;
import dev.apollo.core.port.ArtifactStore.ImageFacts;
import dev.apollo.core.port.ArtifactStore.StoredArtifact;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ArtifactStore} does, wherever it keeps the jars. An adapter's test extends this
 * class and says how to open a store holding nothing and how to open the same artifacts again; the
 * adapter is done when all of this passes. Where a backend looks for Maven artifacts, its size cap
 * and its layout are its own, tested beside it.
 */
public abstract class ArtifactStoreContract {
    protected static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");
    private static final ServiceName WEB = ServiceName.of("web-service");
    private static final Version V1 = Version.of("1.0.0");

    /** Stamps {@code storedAt}; it moves when a test says so. */
    protected final ManualClock clock = new ManualClock(NOW);

    protected ArtifactStore store;

    /**
     * A store holding no artifact, stamping {@code storedAt} from {@code clock}. No Maven repository
     * it consults may hold {@code com.example:nothing}.
     */
    protected abstract ArtifactStore newStore(Clock clock);

    /** Opens the artifacts of {@code store} again, as a restarted control plane would; may return {@code store} itself. */
    protected abstract ArtifactStore reopen(ArtifactStore store, Clock clock);

    /** The bytes a scheduler gets from an artifact's {@code location}; as a URL unless the backend says otherwise. */
    protected byte[] read(URI location) throws IOException {
        try (InputStream in = location.toURL().openStream()) {
            return in.readAllBytes();
        }
    }

    /**
     * Fails if a refused or raced push left something half-stored where the backend keeps its data
     * (an upload directory, a temporary file). Nothing to look at unless the backend says so.
     */
    protected void assertNothingLeftBehind() {}

    @BeforeEach
    protected final void openStore() {
        store = newStore(clock);
    }

    private StoredArtifact push(String name, String version, byte[] bytes) {
        return store.push(ServiceName.of(name), Version.of(version), new ByteArrayInputStream(bytes));
    }

    @Test
    void aPushReturnsTheDigestSizeAndTimeOfWhatItStored() {
        byte[] bytes = jar("hello");

        StoredArtifact pushed = push("web-service", "1.6.0", bytes);

        assertThat(pushed.name()).isEqualTo(WEB);
        assertThat(pushed.version()).isEqualTo(Version.of("1.6.0"));
        assertThat(pushed.sha256()).isEqualTo(sha256(bytes)).hasSize(64);
        assertThat(pushed.size()).isEqualTo(bytes.length);
        assertThat(pushed.storedAt()).isEqualTo(NOW);
    }

    @Test
    void aPushedArtifactIsListedResolvedAndReadFromItsLocation() throws IOException {
        byte[] bytes = jar("hello");

        StoredArtifact pushed = push("web-service", "1.6.0", bytes);

        assertThat(store.list()).containsExactly(pushed);
        assertThat(store.resolve(ArtifactRef.parse("web-service:1.6.0"))).isEqualTo(pushed);
        assertThat(read(pushed.location())).isEqualTo(bytes);
    }

    @Test
    void pushingTheSameBytesAgainLaterReturnsTheStoredArtifact() {
        byte[] bytes = jar("same");
        StoredArtifact first = push("web-service", "1.0.0", bytes);
        clock.advance(Duration.ofMinutes(1));

        assertThat(push("web-service", "1.0.0", bytes)).isEqualTo(first);
        assertThat(store.list()).containsExactly(first);
    }

    @Test
    void differentBytesUnderAnExistingVersionAreAConflictAndTheFirstStays() throws IOException {
        byte[] original = jar("original");
        byte[] other = jar("other");
        StoredArtifact first = push("web-service", "1.0.0", original);

        // Both digests, shortened as people read them, so that the message says which content is which.
        assertRefused(() -> push("web-service", "1.0.0", other), ApolloException.Conflict.class,
                "web-service:1.0.0", sha256(original).substring(0, 12), sha256(other).substring(0, 12), "new version");

        assertThat(store.list()).containsExactly(first);
        assertThat(read(first.location())).isEqualTo(original);
        assertNothingLeftBehind();
    }

    @Test
    void contentThatIsNotAJarIsInvalidAndNothingIsStored() {
        byte[] html = "<!DOCTYPE html><p>not found</p>".getBytes(StandardCharsets.UTF_8);

        assertRefused(() -> push("web-service", "1.0.0", html), ApolloException.Invalid.class,
                "web-service:1.0.0", "expected an executable jar");

        assertThat(store.list()).isEmpty();
        assertNothingLeftBehind();
    }

    @Test
    void contentIsCheckedAsTheRunnableJarItClaimsToBeBeforeItIsStored() throws IOException {
        byte[] zipMagicThenJunk = new byte[4096];
        zipMagicThenJunk[0] = 'P';
        zipMagicThenJunk[1] = 'K';
        zipMagicThenJunk[2] = 3;
        zipMagicThenJunk[3] = 4;
        byte[] whole = jar("whole");
        byte[] truncated = java.util.Arrays.copyOf(whole, whole.length - 30);
        java.io.ByteArrayOutputStream library = new java.io.ByteArrayOutputStream();
        java.util.jar.Manifest manifest = new java.util.jar.Manifest();
        manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(library, manifest)) {
            out.putNextEntry(new java.util.jar.JarEntry("lib/Thing.class"));
            out.write(new byte[] {1, 2, 3});
        }

        assertRefused(() -> push("web-service", "1.0.0", zipMagicThenJunk), ApolloException.Invalid.class,
                "web-service:1.0.0", "not a readable jar");
        assertRefused(() -> push("web-service", "1.0.0", truncated), ApolloException.Invalid.class,
                "web-service:1.0.0", "not a readable jar");
        assertRefused(() -> push("web-service", "1.0.0", library.toByteArray()), ApolloException.Invalid.class,
                "web-service:1.0.0", "no Main-Class");

        assertThat(store.list()).isEmpty();
        assertNothingLeftBehind();
    }

    @Test
    void emptyContentIsInvalid() {
        assertRefused(() -> push("web-service", "1.0.0", new byte[0]), ApolloException.Invalid.class,
                "expected an executable jar", "is empty");

        assertThat(store.list()).isEmpty();
        assertNothingLeftBehind();
    }

    @Test
    void anImageArchiveIsStoredAsAnImageAndReadFromItsLocation() throws IOException {
        byte[] bytes = TestImages.archive("layer");

        StoredArtifact pushed = push("web-service", "1.6.0", bytes);

        assertThat(pushed.kind()).isEqualTo(ArtifactKind.IMAGE);
        assertThat(pushed.sha256()).isEqualTo(sha256(bytes));
        assertThat(pushed.size()).isEqualTo(bytes.length);
        assertThat(store.list()).containsExactly(pushed);
        assertThat(read(pushed.location())).isEqualTo(bytes);
        assertThat(push("web-service", "1.6.1", jar("a jar")).kind()).isEqualTo(ArtifactKind.JAR);
    }

    @Test
    void aTarThatIsNotOneImageAsDockerSavesItIsInvalidAndNothingIsStored() {
        String layers = "\"Layers\":[\"l\"]";
        Map<String, byte[]> refused = new LinkedHashMap<>();
        refused.put("has no manifest.json", TestImages.tar(Map.of("hello.txt", "hello")));
        refused.put("is not JSON", TestImages.tar(Map.of("manifest.json", "[{")));
        refused.put("names 2 images", TestImages.tar(Map.of("manifest.json",
                "[{\"Config\":\"c\"," + layers + "},{\"Config\":\"c\"," + layers + "}]", "c", "{}", "l", "x")));
        refused.put("which the tar does not hold", TestImages.tar(Map.of("manifest.json",
                "[{\"Config\":\"c\"," + layers + "}]", "c", "{}")));

        refused.forEach((why, bytes) -> assertRefused(() -> push("web-service", "1.0.0", bytes),
                ApolloException.Invalid.class, "web-service:1.0.0", why, "docker save"));

        assertThat(store.list()).isEmpty();
        assertNothingLeftBehind();
    }

    @Test
    void anImageTheEngineHasIsRecordedByReferenceAndItsIdStandsForItsContent() {
        ImageReference image = ImageReference.of("acme/hello:1");
        ImageFacts facts = new ImageFacts("ab".repeat(32), 4_200_000);

        StoredArtifact recorded = store.pushImage(WEB, V1, image, facts);

        assertThat(recorded.kind()).isEqualTo(ArtifactKind.IMAGE);
        assertThat(recorded.location()).isEqualTo(URI.create("image:acme/hello:1"));
        assertThat(recorded.sha256()).isEqualTo(facts.sha256());
        assertThat(recorded.size()).isEqualTo(facts.size());
        assertThat(store.resolve(new ArtifactRef.Stored(WEB, V1))).isEqualTo(recorded);
        assertThat(store.pushImage(WEB, V1, image, facts)).isEqualTo(recorded);
        assertRefused(() -> store.pushImage(WEB, V1, image, new ImageFacts("cd".repeat(32), 1)),
                ApolloException.Conflict.class, "web-service:1.0.0", "abababababab", "cdcdcdcdcdcd");

        store = reopen(store, clock);
        assertThat(store.list()).containsExactly(recorded);
    }

    @Test
    void theListIsByNameThenVersionNumerically() {
        push("web-service", "1.10.0", jar("a"));
        push("web-service", "1.9.0", jar("b"));
        push("api", "2.0.0", jar("c"));
        push("web-service", "1.9.0-rc.1", jar("d"));
        push("web-service", "0.1", jar("e"));

        assertThat(store.list()).extracting(artifact -> artifact.name() + ":" + artifact.version()).containsExactly(
                "api:2.0.0", "web-service:0.1", "web-service:1.9.0", "web-service:1.9.0-rc.1", "web-service:1.10.0");
    }

    @Test
    void anUnknownVersionIsNotFoundAndTheMessageSaysHowToPushItAndWhatIsStored() {
        push("web-service", "1.10.0", jar("a"));
        push("web-service", "1.9.0", jar("b"));

        assertRefused(() -> store.resolve(ArtifactRef.parse("web-service:9.9.9")), ApolloException.NotFound.class,
                "web-service:9.9.9", "not in the artifact store", "apollo artifact push", "1.9.0, 1.10.0");
    }

    @Test
    void anUnknownNameIsNotFoundWithoutTheVersionsOfOtherNames() {
        push("web-service", "1.9.0", jar("b"));

        assertThatThrownBy(() -> store.resolve(ArtifactRef.parse("nothing:1.0.0")))
                .isInstanceOf(ApolloException.NotFound.class)
                .hasMessageContaining("nothing:1.0.0")
                .hasMessageNotContaining("1.9.0");
    }

    @Test
    void unknownMavenCoordinatesAreNotFound() {
        assertRefused(() -> store.resolve(ArtifactRef.parse("com.example:nothing:1.0.0")), ApolloException.NotFound.class,
                "com.example:nothing:1.0.0");
        assertThat(store.list()).isEmpty();
    }

    @Test
    void pushedArtifactsSurviveAReopenAndStayImmutable() {
        byte[] bytes = jar("kept");
        StoredArtifact first = push("web-service", "1.0.0", bytes);
        StoredArtifact second = push("api", "2.0.0", jar("also kept"));
        clock.advance(Duration.ofHours(1));

        store = reopen(store, clock);

        assertThat(store.list()).containsExactly(second, first);
        assertThat(store.resolve(new ArtifactRef.Stored(WEB, V1))).isEqualTo(first);
        assertThat(push("web-service", "1.0.0", bytes)).isEqualTo(first);
        assertRefused(() -> push("web-service", "1.0.0", jar("changed")), ApolloException.Conflict.class, "web-service:1.0.0");
    }

    @Test
    void concurrentPushesOfTheSameBytesAllSucceedWithOneArtifact() throws Exception {
        byte[] bytes = jar("race");

        List<StoredArtifact> results = concurrently(8, i -> push("web-service", "1.0.0", bytes));

        assertThat(results).hasSize(8).allSatisfy(result -> assertThat(result).isEqualTo(results.getFirst()));
        assertThat(store.list()).containsExactly(results.getFirst());
        assertNothingLeftBehind();
    }

    @Test
    void concurrentPushesOfDifferentBytesLeaveExactlyOneWinner() throws Exception {
        int contenders = 8;
        List<Object> outcomes = concurrently(contenders, i -> {
            try {
                return push("web-service", "1.0.0", jar("contender " + i));
            } catch (ApolloException.Conflict refused) {
                return refused;
            }
        });

        List<StoredArtifact> winners = outcomes.stream()
                .filter(StoredArtifact.class::isInstance).map(StoredArtifact.class::cast).toList();
        assertThat(winners).hasSize(1);
        assertThat(outcomes).filteredOn(ApolloException.Conflict.class::isInstance).hasSize(contenders - 1);
        assertThat(store.list()).containsExactly(winners.getFirst());
        assertThat(sha256(read(winners.getFirst().location()))).isEqualTo(winners.getFirst().sha256());
        assertNothingLeftBehind();
    }

    private interface Contender<T> {
        T run(int index) throws Exception;
    }

    /** Starts all contenders at once so that they really overlap. */
    private static <T> List<T> concurrently(int count, Contender<T> contender) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                Callable<T> task = () -> {
                    start.await();
                    return contender.run(index);
                };
                futures.add(pool.submit(task));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                try {
                    results.add(future.get());
                } catch (ExecutionException e) {
                    throw new AssertionError("a contender failed", e.getCause());
                }
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
