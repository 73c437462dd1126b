package dev.apollo.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.sun.net.httpserver.HttpExchange;
import dev.apollo.api.Json;
import dev.apollo.core.ApolloException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** One API request and its answer: path parameters, query, JSON in and out. */
final class Call {
    private static final int MAX_JSON_BYTES = 1 << 20;

    private final HttpExchange exchange;
    private final Map<String, String> params;
    private final Map<String, String> query;
    private boolean answered;

    Call(HttpExchange exchange, Map<String, String> params) {
        this.exchange = exchange;
        this.params = params;
        this.query = parseQuery(exchange.getRequestURI().getRawQuery());
    }

    String param(String name) {
        return params.get(name);
    }

    Optional<String> query(String name) {
        return Optional.ofNullable(query.get(name)).filter(v -> !v.isEmpty());
    }

    int queryInt(String name, int fallback, int min, int max) {
        Optional<String> raw = query(name);
        if (raw.isEmpty()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw.get());
            if (value < min || value > max) {
                throw new ApolloException.Invalid(name + ": " + value + " (expected: " + min + ".." + max + ")");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new ApolloException.Invalid(name + ": '" + raw.get() + "' (expected a whole number)");
        }
    }

    Optional<String> header(String name) {
        return Optional.ofNullable(exchange.getRequestHeaders().getFirst(name));
    }

    InputStream body() {
        return exchange.getRequestBody();
    }

    /** True when the request says it carries a body (an empty POST is allowed where a body is optional). */
    boolean hasBody() {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        return exchange.getRequestHeaders().containsKey("Transfer-Encoding") || (length != null && !length.equals("0"));
    }

    <T> T readJson(Class<T> type) throws IOException {
        byte[] bytes = exchange.getRequestBody().readNBytes(MAX_JSON_BYTES + 1);
        if (bytes.length > MAX_JSON_BYTES) {
            throw new ApolloException.Invalid("request body is larger than " + MAX_JSON_BYTES + " bytes of JSON.");
        }
        if (bytes.length == 0) {
            throw new ApolloException.Invalid("request body is empty; expected a JSON object.");
        }
        try {
            T value = Json.mapper().readValue(bytes, type);
            if (value == null) {
                throw new ApolloException.Invalid("request body is null; expected a JSON object.");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw new ApolloException.Invalid("unknown field '" + e.getPropertyName() + "' in the request body (known: "
                    + e.getKnownPropertyIds() + ").");
        } catch (MismatchedInputException e) {
            String field = e.getPath().isEmpty() ? "the request body" : "field '" + e.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(java.util.stream.Collectors.joining(".")) + "'";
            throw new ApolloException.Invalid("wrong JSON type for " + field + "; expected "
                    + (e.getPath().isEmpty() ? "a JSON object" : jsonKind(e.getTargetType())) + ".");
        } catch (JsonProcessingException e) {
            // Jackson's message ends with a source location that only repeats what we know: drop it.
            String detail = e.getOriginalMessage().replaceAll("\\s*\\(start marker at \\[Source.*$", "")
                    .replaceAll("\\s*at \\[Source.*$", "");
            throw new ApolloException.Invalid("malformed JSON in the request body: " + detail
                    + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ").");
        }
    }

    private static String jsonKind(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        return type == String.class ? "a string" : "a JSON " + type.getSimpleName();
    }

    void json(int status, Object body) throws IOException {
        byte[] bytes = Json.mapper().writeValueAsBytes(body);
        answered = true;
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** A plain-text answer, UTF-8: for bodies that are files, not data (a rendered nginx.conf). */
    void text(int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        answered = true;
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length); // 0 would mean chunked
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Starts a streamed answer (chunked): event streams and followed logs. */
    OutputStream stream(String contentType) throws IOException {
        answered = true;
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        return exchange.getResponseBody();
    }

    boolean answered() {
        return answered;
    }

    private static Map<String, String> parseQuery(String raw) {
        Map<String, String> result = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return result;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            result.putIfAbsent(key, value);
        }
        return result;
    }
}
