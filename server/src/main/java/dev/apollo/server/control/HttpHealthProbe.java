package dev.apollo.server.control;

import dev.apollo.core.model.Address;
import dev.apollo.core.model.HealthCheck;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;

/** Sends health checks: {@code GET http://address/path}, healthy on any 2xx within the timeout. */
public final class HttpHealthProbe implements HealthProbe {

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1))
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .build();

    @Override
    public CompletableFuture<Result> probe(Address address, HealthCheck check) {
        URI uri = URI.create("http://" + address.host() + ":" + address.port() + check.path());
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(check.timeout()).GET().build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .thenApply(response -> response.statusCode() / 100 == 2
                        ? new Result(true, "")
                        : new Result(false, "GET " + check.path() + " answered " + response.statusCode()))
                .exceptionally(error -> new Result(false, describe(error, check)));
    }

    private static String describe(Throwable error, HealthCheck check) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof HttpTimeoutException) {
            return "GET " + check.path() + " timed out after " + check.timeout().toMillis() + " ms";
        }
        if (cause instanceof ConnectException) {
            return "GET " + check.path() + ": connection refused";
        }
        return "GET " + check.path() + " failed: " + cause;
    }

    @Override
    public void close() {
        client.close();
    }
}
