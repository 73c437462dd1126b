package dev.apollo.e2e;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apollo.api.Json;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The backend of the conformance suite: answers each path in one way HTTP allows, and records what
 * reached it. {@code /echo} tells the method, URI, every header line and the body's length and
 * sha256; {@code /stream?id=X} sends a first chunk and the rest only once {@code /release?id=X} is
 * called (so a test can tell streaming from buffering without timing anything); {@code /hold?id=X}
 * never answers and records when the gateway gives up on it.
 */
final class ConformanceBackend implements AutoCloseable {
    static final int BIG = 10 * 1024 * 1024;

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final List<String> uris = new CopyOnWriteArrayList<>();
    private final Map<String, Promise<Void>> releases = new ConcurrentHashMap<>();
    private final Map<String, Boolean> closed = new ConcurrentHashMap<>();

    ConformanceBackend() throws Exception {
        server = vertx.createHttpServer(new HttpServerOptions().setHandle100ContinueAutomatically(true)
                        .setMaxInitialLineLength(16 * 1024))
                .requestHandler(this::handle)
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    int port() {
        return server.actualPort();
    }

    /** The request URIs that reached the backend, in order. */
    List<String> uris() {
        return List.copyOf(uris);
    }

    /** Whether the client of {@code /hold?id=X} or {@code /stream?id=X} went away (the gateway closed it). */
    boolean closed(String id) {
        return closed.getOrDefault(id, false);
    }

    private void handle(HttpServerRequest request) {
        uris.add(request.uri());
        String id = request.getParam("id", "");
        switch (request.path()) {
            case "/echo" -> echo(request);
            case "/chunked" -> request.response().setChunked(true).write("a").compose(v -> request.response().write("b"))
                    .compose(v -> request.response().end("c"));
            case "/stream" -> {
                request.response().closeHandler(v -> closed.put(id, true));
                Promise<Void> release = releases.computeIfAbsent(id, k -> Promise.promise());
                request.response().setChunked(true).write("first;");
                release.future().onComplete(v -> request.response().end("last"));
            }
            case "/release" -> {
                releases.computeIfAbsent(id, k -> Promise.promise()).tryComplete();
                request.response().end("released");
            }
            case "/hold" -> request.connection().closeHandler(v -> closed.put(id, true));
            case "/nocontent" -> request.response().setStatusCode(204).end();
            case "/notmodified" -> request.response().setStatusCode(304).putHeader("ETag", "\"v1\"").end();
            case "/big" -> request.response().putHeader("Content-Length", Integer.toString(BIG))
                    .end(Buffer.buffer(new byte[BIG]));
            case "/private" -> request.response().putHeader("Connection", "X-Backend-Private")
                    .putHeader("X-Backend-Private", "1").putHeader("X-Public", "1").end("ok");
            case "/ws" -> request.response().setStatusCode(403).putHeader("X-Refused", "yes")
                    .putHeader("Content-Type", "application/json").end("{\"refused\":true}");
            default -> request.response().setStatusCode(404).end("no such path on the conformance backend");
        }
    }

    private void echo(HttpServerRequest request) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long[] length = {0};
        request.handler(chunk -> {
            length[0] += chunk.length();
            sha.update(chunk.getBytes());
        });
        request.endHandler(v -> {
            ObjectNode reply = Json.mapper().createObjectNode();
            reply.put("method", request.method().name());
            reply.put("uri", request.uri());
            reply.put("version", request.version().alpnName());
            ArrayNode headers = reply.putArray("headers");
            request.headers().forEach(h -> headers.add(h.getKey().toLowerCase() + ": " + h.getValue()));
            reply.put("bodyLength", length[0]);
            reply.put("sha256", HexFormat.of().formatHex(sha.digest()));
            request.response().putHeader("Content-Type", "application/json").end(reply.toString());
        });
    }

    @Override
    public void close() throws Exception {
        releases.values().forEach(Promise::tryComplete);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
