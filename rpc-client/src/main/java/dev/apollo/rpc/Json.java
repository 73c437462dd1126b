package dev.apollo.rpc;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/** The one Jackson mapper both sides use, and the error body they agree on. */
final class Json {
    static final String CONTENT_TYPE = "application/json";

    private static final AtomicBoolean WARMING = new AtomicBoolean();

    private Json() {}

    /**
     * Made on first use, not when the service starts: loading Jackson takes ~300 ms, which would double the time
     * until an instance answers its first health check. See {@link #warmUp()}.
     */
    private static final class Holder {
        /**
         * Lenient on unknown properties: caller and callee are deployed separately, so a record that gained a field
         * on one side must still be readable on the other. Strict on null for a primitive: a bad call, not 0.
         */
        static final ObjectMapper MAPPER = new ObjectMapper()
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);
    }

    static ObjectMapper mapper() {
        return Holder.MAPPER;
    }

    static JavaType type(Type type) {
        return mapper().getTypeFactory().constructType(type);
    }

    /**
     * Loads Jackson, once; called on a background thread at startup so that the server answers health checks
     * meanwhile and the first call finds Jackson ready (or waits only for the rest of it).
     */
    static void warmUp() {
        if (WARMING.compareAndSet(false, true)) {
            try {
                // The paths every call takes: a tree of arguments to values, a value to JSON and back.
                JsonNode arguments = mapper().readTree("[\"warm\", 1, {\"up\": true}]");
                mapper().treeToValue(arguments.get(0), String.class);
                mapper().readValue(mapper().writeValueAsBytes(List.of("warm", 1, Map.of("up", true))), Object.class);
            } catch (IOException | RuntimeException e) {
                // Only a warm-up: the first real call reports whatever is wrong.
            }
        }
    }

    /** Runs {@code task} on a virtual thread, off the path to the first health check. */
    static void inBackground(Runnable task) {
        Thread.ofVirtual().name("apollo-rpc-warm-up").start(task);
    }

    /** {@code {"type":..., "message":...}}, as {@link RpcServer} answers errors. */
    static byte[] error(String type, String message) {
        ObjectNode body = mapper().createObjectNode();
        body.put("type", type);
        body.put("message", message == null ? "" : message);
        return bytes(body);
    }

    static byte[] bytes(JsonNode node) {
        try {
            return mapper().writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    /** The body as a JSON object if it is one, else null. */
    static ObjectNode objectOrNull(byte[] body) {
        try {
            return mapper().readTree(body) instanceof ObjectNode object ? object : null;
        } catch (IOException notJson) {
            return null;
        }
    }

    /** The start of a body for a message, in case it is not JSON. */
    static String excerpt(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).strip();
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
