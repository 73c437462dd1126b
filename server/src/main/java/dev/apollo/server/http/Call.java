package dev.apollo.server.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.apollo.api.Json;
import dev.apollo.core.ApolloException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/** One API request and its answer: path parameters, query, JSON in and out. */
final class Call {
    static final int MAX_JSON_BYTES = 1 << 20;
    /** A stream writes a heartbeat every 10 s; this much silence means the client is gone. */
    private static final Duration STREAM_IDLE = Duration.ofSeconds(60);

    private final Request request;
    private final Response response;
    private Map<String, String> params;
    private Map<String, String> query; // parsed when first asked: after the token was checked
    private final InputStream body;
    private boolean answered;

    Call(Request request, Response response, Map<String, String> params) {
        this.request = request;
        this.response = response;
        this.params = params;
        this.body = new RequestBody(Content.Source.asInputStream(request));
    }

    /** The path parameters of the route that matched. */
    Call bind(Map<String, String> params) {
        this.params = Map.copyOf(params);
        return this;
    }

    String param(String name) {
        return params.get(name);
    }

    /** Decodes the query now, so that a malformed one is refused whichever parameters the handler reads. */
    void decodeQuery() {
        if (query == null) {
            query = parseQuery(request.getHttpURI().getQuery());
        }
    }

    Optional<String> query(String name) {
        decodeQuery();
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
            throw new ApolloException.Invalid(name + ": '" + Messages.clip(raw.get()) + "' (expected a whole number)");
        }
    }

    Optional<String> header(String name) {
        return Optional.ofNullable(request.getHeaders().get(name));
    }

    /** The request body; a read that fails says why ({@link BodyReadException}), so the caller can be told. */
    InputStream body() {
        return body;
    }

    /**
     * Reads and drops what is left of the body, at most {@code max} bytes, so that a client still
     * sending an upload we refused (too large, disk full, not a jar) reads our answer instead of a
     * reset connection. Past {@code max} the connection is closed after the answer.
     */
    void discardBody(long max) {
        try {
            byte[] sink = new byte[64 * 1024];
            long left = max;
            for (int n = body.read(sink); n > 0 && left > 0; n = body.read(sink)) {
                left -= n;
            }
        } catch (IOException | RuntimeException ignored) {
            // Whatever stopped the reading, the answer is still worth sending.
        }
    }

    /** True when the request says it carries a body (an empty POST is allowed where a body is optional). */
    boolean hasBody() {
        String length = request.getHeaders().get(HttpHeader.CONTENT_LENGTH);
        return request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING) || (length != null && !length.equals("0"));
    }

    <T> T readJson(Class<T> type) throws IOException {
        byte[] bytes = body.readNBytes(MAX_JSON_BYTES + 1);
        if (bytes.length > MAX_JSON_BYTES) {
            throw new ApolloException.TooLarge("request body is larger than " + MAX_JSON_BYTES + " bytes of JSON.");
        }
        if (bytes.length == 0) {
            throw new ApolloException.Invalid("request body is empty; expected a JSON object.");
        }
        try {
            T value = Json.strict().readValue(bytes, type);
            if (value == null) {
                throw new ApolloException.Invalid("request body is null; expected a JSON object.");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw new ApolloException.Invalid("unknown field " + field(e) + " in the request body (known: "
                    + e.getKnownPropertyIds() + ").");
        } catch (MismatchedInputException e) {
            if (String.valueOf(e.getOriginalMessage()).startsWith("Trailing token")) {
                throw new ApolloException.Invalid("malformed JSON in the request body: there is more after the JSON object"
                        + at(e.getLocation()) + "; send one JSON object.");
            }
            throw new ApolloException.Invalid("wrong JSON type for " + (e.getPath().isEmpty() ? "the request body" : "field "
                    + field(e)) + ": expected " + (e.getPath().isEmpty() ? "a JSON object" : jsonKind(e.getTargetType()))
                    + ", given as written (no conversion from another JSON type).");
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof StreamConstraintsException limit) {
                throw new ApolloException.Invalid("field " + field(e) + " exceeds a limit of this API: " + detail(limit) + ". "
                        + LIMITS);
            }
            // Another mapping failure, such as a number out of an int's range inside a field.
            throw new ApolloException.Invalid("field " + field(e) + ": " + detail(e) + ".");
        } catch (InputCoercionException e) {
            throw new ApolloException.Invalid("a number in the request body is out of range: " + detail(e) + at(e.getLocation())
                    + "; expected a whole number between " + Integer.MIN_VALUE + " and " + Integer.MAX_VALUE + ".");
        } catch (StreamConstraintsException e) {
            throw new ApolloException.Invalid("the request body exceeds a limit of this API: " + detail(e) + at(e.getLocation())
                    + ". " + LIMITS);
        } catch (JsonProcessingException e) {
            throw new ApolloException.Invalid("malformed JSON in the request body: " + detail(e) + at(e.getLocation()) + ".");
        }
    }

    private static final String LIMITS = "Nesting may be at most " + Json.MAX_NESTING + " deep, strings at most "
            + Json.MAX_STRING_CHARS + " characters, field names at most " + Json.MAX_NAME_CHARS + ", numbers at most "
            + Json.MAX_NUMBER_CHARS + " digits.";

    private static String field(JsonMappingException e) {
        if (e.getPath().isEmpty()) {
            return "(the request body)";
        }
        return "'" + e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[") + "'";
    }

    /** Jackson's message without the source location it appends, which only repeats what we know. */
    private static String detail(JsonProcessingException e) {
        String message = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
        return Messages.clip(message.replaceAll("\\s*\\(start marker at \\[Source.*$", "")
                .replaceAll("\\s*at \\[Source.*$", "").replaceAll(", from `[^`]*`", "").replaceAll("\\s+", " ").strip());
    }

    private static String at(JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    private static String jsonKind(Class<?> type) {
        if (type == null) {
            return "another JSON type";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a JSON array";
        }
        return "a JSON object";
    }

    void json(int status, Object value) throws IOException {
        write(status, "application/json", Json.mapper().writeValueAsBytes(value));
    }

    /** A plain-text answer, UTF-8: for bodies that are files, not data (a rendered nginx.conf). */
    void text(int status, String value) throws IOException {
        write(status, "text/plain; charset=utf-8", value.getBytes(StandardCharsets.UTF_8));
    }

    /** An answer written outside a call: the router's errors, after whatever the handler left was reset. */
    static void answer(Response response, int status, Object value) throws IOException {
        write(response, status, "application/json", Json.mapper().writeValueAsBytes(value));
    }

    private void write(int status, String contentType, byte[] bytes) throws IOException {
        answered = true;
        write(response, status, contentType, bytes);
    }

    private static void write(Response response, int status, String contentType, byte[] bytes) throws IOException {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        Content.Sink.write(response, true, ByteBuffer.wrap(bytes));
    }

    /** Starts a streamed answer (chunked): event streams and followed logs. */
    OutputStream stream(String contentType) throws IOException {
        answered = true;
        // Streams are quiet between heartbeats: give this connection longer than the API's idle timeout.
        request.getConnectionMetaData().getConnection().getEndPoint().setIdleTimeout(STREAM_IDLE.toMillis());
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        Content.Sink.write(response, false, ByteBuffer.allocate(0)); // commits the headers now
        // Writers flush after each event or heartbeat: one chunk per flush, not one per write.
        return new java.io.BufferedOutputStream(Content.Sink.asOutputStream(response), 8192);
    }

    boolean answered() {
        return answered;
    }

    /** Decodes one percent-encoded part of a request target, refusing a malformed escape instead of guessing. */
    static String decode(String raw, String what, boolean plusIsSpace) {
        try {
            return URLDecoder.decode(plusIsSpace ? raw : raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ApolloException.Invalid(what + " '" + Messages.clip(raw) + "': invalid percent-escape (a '%' must be"
                    + " followed by two hex digits; write '%' itself as %25).");
        }
    }

    private static Map<String, String> parseQuery(String raw) {
        Map<String, String> result = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return result;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq), "query parameter", true);
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1), "query parameter " + key, true);
            result.putIfAbsent(key, value);
        }
        return result;
    }

    /**
     * Why reading the request body failed: the body was malformed (a broken chunked encoding), it
     * stalled past the idle timeout, or the client went away. Travels as an IOException through
     * code that reads streams (the artifact store), so the router can still answer the caller.
     */
    static final class BodyReadException extends IOException {
        enum Kind { MALFORMED, TIMEOUT, GONE }

        private final Kind kind;

        BodyReadException(Kind kind, IOException cause) {
            super(kind == Kind.MALFORMED ? "malformed request body" : kind == Kind.TIMEOUT ? "request body stalled"
                    : "client went away", cause);
            this.kind = kind;
        }

        Kind kind() {
            return kind;
        }

        static BodyReadException of(IOException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof org.eclipse.jetty.http.HttpException) {
                    return new BodyReadException(Kind.MALFORMED, e);
                }
                if (t instanceof java.util.concurrent.TimeoutException) {
                    return new BodyReadException(Kind.TIMEOUT, e);
                }
            }
            return new BodyReadException(Kind.GONE, e);
        }
    }

    private static final class RequestBody extends FilterInputStream {
        RequestBody(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (BodyReadException e) {
                throw e;
            } catch (IOException e) {
                throw BodyReadException.of(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (BodyReadException e) {
                throw e;
            } catch (IOException e) {
                throw BodyReadException.of(e);
            }
        }
    }
}
