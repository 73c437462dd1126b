package dev.apollo.artifacts;

import dev.apollo.core.ApolloException;
import dev.apollo.core.model.ArtifactRef;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** Finds a Maven jar in the local repository, then in the remote one if there is one. */
final class MavenResolver {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern SHA1 = Pattern.compile("[0-9a-f]{40}");

    private final Path localRepository;
    private final Optional<URI> remoteRepository;
    private final long maxBytes;
    private final HttpClient http;

    MavenResolver(Path localRepository, Optional<URI> remoteRepository, long maxBytes) {
        this.localRepository = localRepository.toAbsolutePath().normalize();
        this.remoteRepository = remoteRepository;
        this.maxBytes = maxBytes;
        this.http = remoteRepository.isEmpty() ? null : HttpClient.newBuilder()
                .connectTimeout(TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    /** Opens the jar; the caller closes it. Throws not-found naming every place it looked. */
    MavenJar open(ArtifactRef.Maven ref) {
        String[] segments = layout(ref);
        List<String> tried = new ArrayList<>();

        Path local = SafePaths.below(localRepository, segments);
        if (Files.isRegularFile(local)) {
            try {
                return new MavenJar(Files.newInputStream(local), local.toString(), Optional.empty());
            } catch (IOException e) {
                throw new ApolloException("could not read " + local + ": " + e.getMessage(), e);
            }
        }
        tried.add(local.toString());

        if (remoteRepository.isPresent()) {
            URI uri = remoteUri(remoteRepository.get(), segments);
            Optional<MavenJar> downloaded = download(ref, uri);
            if (downloaded.isPresent()) {
                return downloaded.get();
            }
            tried.add(uri.toString());
        }

        throw new ApolloException.NotFound("Maven artifact " + ref.coordinates() + " was not found; looked in "
                + String.join(" and ", tried) + "."
                + (remoteRepository.isEmpty()
                        ? " No remote Maven repository is configured, so only ~/.m2 was searched: install the jar there"
                        + " (mvn install), or start the control plane with one, e.g. apollo up --maven-remote"
                        + " https://repo.maven.apache.org/maven2 for Maven Central (or maven-remote = URL in apollo.conf)."
                        : " Check the coordinates, or install the jar locally (mvn install)."));
    }

    /** {@code com/example/web-service/1.6.0/web-service-1.6.0.jar}, as path segments. */
    private static String[] layout(ArtifactRef.Maven ref) {
        List<String> segments = new ArrayList<>(List.of(ref.groupId().split("\\.")));
        String artifactId = ref.name().value();
        String version = ref.version().value();
        segments.add(artifactId);
        segments.add(version);
        segments.add(artifactId + "-" + version + ".jar");
        return segments.toArray(String[]::new);
    }

    private static URI remoteUri(URI base, String[] segments) {
        String text = base.toString();
        // URI.resolve would drop the base's last segment when it lacks a trailing slash.
        String prefix = text.endsWith("/") ? text : text + "/";
        // Segments are [A-Za-z0-9._+-] only (checked by the model), so they need no escaping.
        return URI.create(prefix + String.join("/", segments));
    }

    private Optional<MavenJar> download(ArtifactRef.Maven ref, URI uri) {
        HttpResponse<InputStream> response = send(uri, HttpResponse.BodyHandlers.ofInputStream());
        boolean handedOver = false;
        try {
            if (response.statusCode() == 404) {
                return Optional.empty();
            }
            if (response.statusCode() != 200) {
                throw new ApolloException("the remote Maven repository answered HTTP " + response.statusCode()
                        + " for " + uri + "; try again later or check the repository URL.");
            }
            // Refuse early when the server announces the size; the copy enforces it either way.
            long announced = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (announced > maxBytes) {
                throw new ArtifactTooLargeException(ref.coordinates() + " at " + uri, maxBytes);
            }
            MavenJar jar = new MavenJar(response.body(), uri.toString(), publishedSha1(uri));
            handedOver = true;
            return Optional.of(jar);
        } finally {
            if (!handedOver) {
                closeQuietly(response.body());
            }
        }
    }

    /** The repository's {@code .sha1} for the jar; repositories need not publish one, so absence is fine. */
    private Optional<String> publishedSha1(URI jar) {
        URI uri = URI.create(jar + ".sha1");
        HttpResponse<String> response = send(uri, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            return Optional.empty();
        }
        // The file is either the bare hex digest or "digest  filename".
        String[] words = response.body().trim().split("\\s+");
        String digest = words[0].toLowerCase(Locale.ROOT);
        if (!SHA1.matcher(digest).matches()) {
            throw new ApolloException("the checksum file " + uri + " does not hold a sha1 (it starts with '"
                    + abbreviate(response.body().trim()) + "'); refusing the jar. Check the repository URL.");
        }
        return Optional.of(digest);
    }

    private <T> HttpResponse<T> send(URI uri, HttpResponse.BodyHandler<T> handler) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build();
        try {
            return http.send(request, handler);
        } catch (IOException e) {
            throw new ApolloException("could not download " + uri + ": " + e + ". Check the remote Maven repository URL and the network.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApolloException("interrupted while downloading " + uri, e);
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // Only releasing the connection; the response was already judged.
        }
    }
}
