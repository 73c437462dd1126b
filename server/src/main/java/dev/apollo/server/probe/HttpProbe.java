package dev.apollo.server.probe;

import dev.apollo.core.health.ProbeResult;
import dev.apollo.core.model.Address;
import dev.apollo.core.model.Probe;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/** {@code GET http://address/path}: passes on any 2xx within the timeout. */
final class HttpProbe implements AutoCloseable {
    private final HttpClient client;

    HttpProbe(Executor executor) {
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(1))
                .executor(executor)
                .build();
    }

    CompletableFuture<ProbeResult> probe(Address address, Probe.Http http, Duration timeout) {
        URI uri = URI.create("http://" + address.host() + ":" + address.port() + http.path());
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .thenApply(response -> response.statusCode() / 100 == 2
                        ? ProbeResult.ok()
                        : ProbeResult.failed(http.describe() + " answered " + response.statusCode()))
                .exceptionally(error -> ProbeResult.failed(describe(error, http, timeout)));
    }

    private static String describe(Throwable error, Probe.Http http, Duration timeout) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof HttpTimeoutException) {
            return http.describe() + " timed out after " + timeout.toMillis() + " ms";
        }
        if (cause instanceof ConnectException) {
            return http.describe() + ": connection refused";
        }
        return http.describe() + " failed: " + cause;
    }

    @Override
    public void close() {
        client.close();
    }
}
