package dev.apollo.rpc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** One HTTP request to one method call of the implementation, and every way that can go wrong to a JSON answer. */
final class RpcHandler implements HttpHandler {
    private static final String HEALTH = "/health/is_alive";

    private record Local(Method method, Type[] parameterTypes) {}

    private final String service;
    private final Object implementation;
    private final Map<String, Local> locals = new HashMap<>();

    RpcHandler(Class<?> iface, Object implementation) {
        this.service = iface.getSimpleName();
        this.implementation = implementation;
        RpcMethods.of(iface).forEach((name, method) -> {
            try {
                method.setAccessible(true); // the interface may be package-private, as in tests
            } catch (InaccessibleObjectException e) {
                throw new IllegalArgumentException(iface.getName() + " is not open to dev.apollo.rpc: " + e.getMessage(), e);
            }
            locals.put("/" + name, new Local(method, method.getGenericParameterTypes()));
        });
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String verb = exchange.getRequestMethod();
            if (path.equals(HEALTH)) {
                if (verb.equals("GET") || verb.equals("HEAD")) {
                    reply(exchange, 200, "text/plain", "alive\n".getBytes(StandardCharsets.UTF_8));
                } else {
                    refuseMethod(exchange, "GET", HEALTH + " answers GET");
                }
                return;
            }
            Local local = locals.get(path);
            if (local == null) {
                error(exchange, 404, "NoSuchMethod", service + " has no method '" + path.substring(1)
                        + "'; it has: " + String.join(", ", locals.keySet().stream().map(p -> p.substring(1)).sorted().toList()));
                return;
            }
            if (!verb.equals("POST")) {
                refuseMethod(exchange, "POST", "call " + local.method().getName() + " with POST and its arguments as a JSON array");
                return;
            }
            RpcContext context = RpcContext.fromHeaders(exchange.getRequestHeaders().getFirst(RemoteCalls.ENV_HEADER),
                    exchange.getRequestHeaders().getFirst(Baggage.HEADER));
            byte[] body = exchange.getRequestBody().readAllBytes();
            context.run(() -> answer(exchange, local, body));
        }
    }

    private void answer(HttpExchange exchange, Local local, byte[] body) {
        try {
            Object[] args;
            try {
                args = arguments(local, body);
            } catch (BadRequest e) {
                error(exchange, 400, "BadRequest", e.getMessage());
                return;
            }
            Object result;
            try {
                result = local.method().invoke(implementation, args);
            } catch (InvocationTargetException e) {
                Throwable thrown = e.getCause();
                log(System.Logger.Level.WARNING, service + "." + local.method().getName() + " threw", thrown);
                error(exchange, 500, thrown.getClass().getSimpleName(), thrown.getMessage());
                return;
            } catch (IllegalAccessException e) {
                error(exchange, 500, "IllegalAccessException", e.getMessage());
                return;
            }
            byte[] json;
            try {
                json = Json.mapper().writeValueAsBytes(result);
            } catch (JsonProcessingException e) {
                log(System.Logger.Level.WARNING, "cannot write the result of " + service + "." + local.method().getName(), e);
                error(exchange, 500, "BadResult", "the result of " + local.method().getName() + " cannot be written as JSON: "
                        + e.getOriginalMessage());
                return;
            }
            reply(exchange, 200, Json.CONTENT_TYPE, json);
        } catch (IOException e) {
            // The caller hung up before its answer: nobody left to tell.
            log(System.Logger.Level.DEBUG, "could not answer " + service + "." + local.method().getName(), e);
        }
    }

    private Object[] arguments(Local local, byte[] body) throws BadRequest {
        String signature = RpcMethods.signature(local.method());
        JsonNode tree;
        try {
            tree = body.length == 0 ? Json.mapper().createArrayNode() : Json.mapper().readTree(body);
        } catch (IOException e) {
            throw new BadRequest("the body is not JSON (" + e.getClass().getSimpleName() + "); " + signature
                    + " expects its arguments as a JSON array");
        }
        if (!(tree instanceof ArrayNode array)) {
            throw new BadRequest(signature + " expects its arguments as a JSON array, got " + Json.excerpt(body));
        }
        Type[] types = local.parameterTypes();
        if (array.size() != types.length) {
            throw new BadRequest(signature + " expects " + types.length + " argument(s), got " + array.size());
        }
        Object[] args = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            try {
                args[i] = Json.mapper().treeToValue(array.get(i), Json.type(types[i]));
            } catch (IOException | IllegalArgumentException e) {
                String why = e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
                throw new BadRequest("argument " + (i + 1) + " of " + signature + " cannot be read as "
                        + Json.type(types[i]).getRawClass().getSimpleName() + ": " + why);
            }
        }
        return args;
    }

    /** Looked up only when there is something to say: it is not needed to answer calls. */
    private static void log(System.Logger.Level level, String message, Throwable thrown) {
        System.getLogger(RpcServer.class.getName()).log(level, message, thrown);
    }

    private static void refuseMethod(HttpExchange exchange, String allowed, String message) throws IOException {
        exchange.getResponseHeaders().set("Allow", allowed);
        error(exchange, 405, "MethodNotAllowed", message);
    }

    private static void error(HttpExchange exchange, int status, String type, String message) throws IOException {
        reply(exchange, status, Json.CONTENT_TYPE, Json.error(type, message));
    }

    private static void reply(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        // A newline after the JSON, for people reading answers with curl.
        boolean newline = body.length > 0 && body[body.length - 1] != '\n';
        exchange.sendResponseHeaders(status, head ? -1 : body.length + (newline ? 1 : 0));
        if (!head) {
            OutputStream out = exchange.getResponseBody();
            out.write(body);
            if (newline) {
                out.write('\n');
            }
        }
    }

    /** A request that cannot become a call; its message says what was expected. */
    private static final class BadRequest extends Exception {
        BadRequest(String message) {
            super(message, null, false, false);
        }
    }
}
