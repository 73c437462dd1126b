package dev.apollo.rpc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/** What an {@link RpcClient} proxy does with each call: one POST, its answer mapped back to Java. */
final class RemoteCalls implements InvocationHandler {
    static final String ENV_HEADER = "X-Apollo-Env";

    private record Remote(URI uri, Type resultType, boolean returnsNothing) {}

    private final Class<?> iface;
    private final Supplier<HttpClient> clientFactory;
    private final ReentrantLock clientLock = new ReentrantLock();
    private volatile HttpClient client;
    private final String serviceUrl;
    private final String service;
    private final Duration callTimeout;
    private final Map<Method, Remote> remotes = new HashMap<>();

    RemoteCalls(Class<?> iface, Supplier<HttpClient> clientFactory, String baseUrl, String part, Duration callTimeout) {
        this.iface = iface;
        this.clientFactory = clientFactory;
        this.serviceUrl = part == null ? baseUrl : baseUrl + "/" + part;
        this.service = part == null ? iface.getSimpleName() : part;
        this.callTimeout = callTimeout;
        RpcMethods.of(iface).forEach((name, method) -> {
            Class<?> returns = method.getReturnType();
            remotes.put(method, new Remote(URI.create(serviceUrl + "/" + name),
                    method.getGenericReturnType(),
                    returns == void.class || returns == Void.class));
        });
    }

    /** The HttpClient, made by the first caller (a lock, not synchronized: callers may be virtual threads). */
    HttpClient client() {
        HttpClient made = client;
        if (made == null) {
            clientLock.lock();
            try {
                made = client;
                if (made == null) {
                    made = clientFactory.get();
                    client = made;
                }
            } finally {
                clientLock.unlock();
            }
        }
        return made;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        Remote remote = remotes.get(method);
        if (remote != null) {
            return call(method, remote, args == null ? new Object[0] : args);
        }
        if (method.isDefault()) {
            return InvocationHandler.invokeDefault(proxy, method, args);
        }
        return switch (method.getName()) {
            case "equals" -> proxy == args[0];
            case "hashCode" -> System.identityHashCode(proxy);
            case "toString" -> "RpcClient[" + iface.getSimpleName() + " at " + serviceUrl + "]";
            default -> throw new UnsupportedOperationException(method + " is not a remote method of " + iface.getName());
        };
    }

    private Object call(Method method, Remote remote, Object[] args) {
        String name = service + "." + method.getName();
        String where = "POST " + remote.uri();
        byte[] body;
        try {
            body = Json.mapper().writeValueAsBytes(args);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the arguments of " + name + " cannot be written as JSON: "
                    + e.getOriginalMessage(), e);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(remote.uri())
                .version(HttpClient.Version.HTTP_1_1)
                .timeout(callTimeout)
                .header("Content-Type", Json.CONTENT_TYPE)
                .header("Accept", Json.CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        RpcContext context = RpcContext.current();
        context.environment().ifPresent(environment -> request.header(ENV_HEADER, environment));
        String baggage = context.baggageHeader();
        if (baggage != null) {
            request.header(Baggage.HEADER, baggage);
        }

        HttpResponse<byte[]> response;
        try {
            response = sendRetryingAClosedIdleConnection(request.build());
        } catch (HttpConnectTimeoutException e) {
            throw unavailable(name, where, "no connection within the connect timeout", e);
        } catch (HttpTimeoutException e) {
            throw new RpcTimeoutException(name + " got no answer within " + callTimeout + " (" + where
                    + "); it may still run on the other side. If it is legitimately slow, raise withCallTimeout.",
                    0, "Timeout", "", e);
        } catch (IOException e) {
            Throwable cause = e instanceof ConnectException ? e : e.getCause();
            if (cause instanceof ConnectException || cause instanceof UnresolvedAddressException) {
                throw unavailable(name, where, describe(cause), e);
            }
            // The request may have reached the service: not safe to call "unavailable" (and retry).
            throw new RpcException(name + " failed before its answer arrived (" + where + "): " + describe(e), 0,
                    e.getClass().getSimpleName(), "", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RpcException(name + " was interrupted while waiting for its answer (" + where + ")", 0,
                    "Interrupted", "", e);
        }

        int status = response.statusCode();
        if (status < 200 || status > 299) {
            throw failure(name, where, status, response.body());
        }
        if (remote.returnsNothing()) {
            return null;
        }
        JavaType resultType = Json.type(remote.resultType());
        if (response.body().length == 0) {
            throw new RpcException(name + " answered HTTP " + status + " with an empty body, expected "
                    + resultType.toCanonical() + " (" + where + ")", status, "BadResponse", "", null);
        }
        try {
            return Json.mapper().readValue(response.body(), resultType);
        } catch (IOException e) {
            throw new RpcException(name + " answered what cannot be read as " + resultType.toCanonical() + " ("
                    + where + "): " + Json.excerpt(response.body()), status, "BadResponse", "", e);
        }
    }

    /**
     * Sends the call, once more if the gateway closed its kept-alive connection just as the call went
     * out: the connection ended before a single byte of an answer. A gateway does that to an idle
     * connection it is shutting down (nginx on every reload), never to a request it read, so the
     * call never reached a service and sending it again is safe, as Go's HTTP client also does.
     */
    private HttpResponse<byte[]> sendRetryingAClosedIdleConnection(HttpRequest request) throws IOException, InterruptedException {
        try {
            return client().send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            if (e instanceof HttpTimeoutException || e.getMessage() == null
                    || !e.getMessage().contains("header parser received no bytes")) {
                throw e;
            }
            return client().send(request, HttpResponse.BodyHandlers.ofByteArray());
        }
    }

    private RpcUnavailableException unavailable(String name, String where, String why, Throwable cause) {
        return new RpcUnavailableException(name + " could not connect (" + where + "): " + why + ". Is the RPC gateway at "
                + serviceUrl + " up (the platform gives its address as RPC_INT)?", 0, "Unavailable", "", cause);
    }

    private static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** An error answer: RpcServer's {"type","message"}, the gateway's {"error","message"}, or anything else. */
    private static RpcException failure(String name, String where, int status, byte[] body) {
        ObjectNode json = Json.objectOrNull(body);
        String type = json == null ? "" : json.path("type").asText(json.path("error").asText(""));
        String remoteMessage = json == null ? Json.excerpt(body) : json.path("message").asText("");
        if (type.isEmpty()) {
            type = "HTTP " + status;
        }
        String message = name + " failed: " + type + (remoteMessage.isEmpty() ? "" : ": " + remoteMessage)
                + " (HTTP " + status + " from " + where + ")";
        return switch (status) {
            case 503 -> new RpcUnavailableException(message, status, type, remoteMessage, null);
            case 504 -> new RpcTimeoutException(message, status, type, remoteMessage, null);
            default -> new RpcException(message, status, type, remoteMessage, null);
        };
    }
}
