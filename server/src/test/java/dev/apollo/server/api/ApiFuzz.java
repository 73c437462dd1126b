package dev.apollo.server.api;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Hostile requests for every endpoint of the API, each one a function of (seed, index) alone, so a
 * failure is reproduced by its two numbers. Every request that could change state carries at least
 * one defect (a wrong type, a duplicate key, a malformed name, broken framing...), so a correct
 * server changes nothing, whatever it answers.
 */
public final class ApiFuzz {
    /** One generated request: what it is (for the failure message), its bytes, whether it opens a stream. */
    public record Request(String description, byte[] bytes, boolean stream) {}

    private record Endpoint(String method, String path, String body, boolean stream) {}

    private static final String SERVICE = "/v1/environments/{env}/services/{service}";
    private static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("GET", "/v1/info", null, false),
            new Endpoint("PUT", "/v1/artifacts/{service}/{version}", "JAR", false),
            new Endpoint("GET", "/v1/artifacts", null, false),
            new Endpoint("POST", "/v1/deploys", "{\"artifact\":\"web-service:1.0.0\",\"instances\":1,\"environment\":\"production\","
                    + "\"health\":{\"path\":\"/h\",\"readiness\":{\"type\":\"tcp\"}},\"env\":{\"A\":\"1\"},\"args\":[\"x\"]}", false),
            new Endpoint("GET", "/v1/services", null, false),
            new Endpoint("GET", "/v1/environments", null, false),
            new Endpoint("GET", SERVICE, null, false),
            new Endpoint("PUT", SERVICE + "/instances", "{\"instances\":2}", false),
            new Endpoint("DELETE", SERVICE, null, false),
            new Endpoint("GET", SERVICE + "/history", null, false),
            new Endpoint("GET", SERVICE + "/logs", null, false),
            new Endpoint("GET", SERVICE + "/logs?follow=true", null, true),
            new Endpoint("POST", SERVICE + "/rollback", null, false),
            new Endpoint("POST", SERVICE + "/testbed/promote", "{\"instances\":1}", false),
            new Endpoint("DELETE", SERVICE + "/testbed", null, false),
            new Endpoint("POST", SERVICE + "/restart", null, false),
            new Endpoint("GET", SERVICE + "/configuration", null, false),
            new Endpoint("PATCH", SERVICE + "/configuration", "{\"set\":{\"A\":\"1\"},\"unset\":[\"B\"]}", false),
            new Endpoint("PUT", SERVICE + "/secrets/{secret}", "{\"value\":\"s3cr3t\"}", false),
            new Endpoint("DELETE", SERVICE + "/secrets/{secret}", null, false),
            new Endpoint("GET", "/v1/environments/{env}/routes", null, false),
            new Endpoint("PUT", "/v1/environments/{env}/routes", "{\"path\":\"/x\",\"service\":\"web-service\"}", false),
            new Endpoint("DELETE", "/v1/environments/{env}/routes?path=/x", null, false),
            new Endpoint("POST", "/v1/environments", "{\"name\":\"stage1\",\"fallback\":\"production\"}", false),
            new Endpoint("DELETE", "/v1/environments/{env}", null, false),
            new Endpoint("GET", "/v1/environments/{env}/externals", null, false),
            new Endpoint("PUT", "/v1/environments/{env}/externals", "{\"name\":\"payments\",\"url\":\"https://api.example.com\"}",
                    false),
            new Endpoint("DELETE", "/v1/environments/{env}/externals/{service}", null, false),
            new Endpoint("GET", "/v1/routes", null, false),
            new Endpoint("GET", "/v1/routes/stream", null, true),
            new Endpoint("GET", "/v1/events", null, true),
            new Endpoint("GET", "/v1/gateway", null, false),
            new Endpoint("GET", "/v1/gateway/config", null, false));

    private static final String[] BAD_SEGMENTS = {"Bad_Name", "%zz", "%", "%2F", "..", "%2E%2E", "a%00b", "\u00e9t\u00e9",
            "x".repeat(300), "-", "UPPER", "%C0%AF", "a b", ";", "%25", "%u0041", "+", "*"};
    private static final String[] JUNK_VALUES = {"1", "-1", "1.5", "true", "false", "[]", "{}", "[\"a\"]", "{\"a\":1}",
            "\"\"", "\"" + "y".repeat(70_000) + "\"", "99999999999999999999", "1e400", "\"\\ud800\"", "NaN"};

    private final long seed;
    private final String token;

    public ApiFuzz(long seed, String token) {
        this.seed = seed;
        this.token = token;
    }

    public static int endpoints() {
        return ENDPOINTS.size();
    }

    public Request request(int index) {
        Random random = new Random(seed * 1_000_003L + index);
        Endpoint endpoint = ENDPOINTS.get(index % ENDPOINTS.size()); // every endpoint, in turn
        boolean mutating = !endpoint.method().equals("GET");
        // Defects marked "!" make any request invalid on their own; the others may not.
        String method = random.nextInt(20) == 0 ? pick(random, "GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "FOO", "TRACE")
                : endpoint.method();
        List<String> defects = new ArrayList<>();

        // A mutating request on valid names of things that do not exist is refused anyway (404); the
        // body defects below make sure of it for the rest. DELETE of production is a 409.
        String path = endpoint.path()
                .replace("{env}", segment(random, "production", defects))
                .replace("{service}", segment(random, "web-service", defects))
                .replace("{version}", segment(random, "1.0.0", defects))
                .replace("{secret}", segment(random, "API_KEY", defects));
        if (random.nextInt(6) == 0) {
            path += (path.contains("?") ? "&" : "?") + pick(random, "environment=%zz", "after=-3", "lines=0", "lines=abc",
                    "instance=..", "environment=" + "e".repeat(500), "release=r%", "service=Bad_Name", "follow=maybe", "%=%");
        }

        byte[] body = null;
        if (endpoint.body() != null || mutating && random.nextInt(4) == 0) {
            String base = endpoint.body() == null ? "{}" : endpoint.body();
            body = base.equals("JAR") ? notAJar(random, defects) : mutateJson(random, base, defects);
        }
        boolean mustFail = !method.equals("GET") && !method.equals("HEAD");
        if (mustFail && defects.stream().noneMatch(d -> d.startsWith("!"))) {
            // Nothing certainly broke it yet (a value of another type may still be a valid one, "-" may be
            // a valid name): break the authorization, so that it can change nothing.
            defects.add("auth");
        }

        String auth = "Authorization: Bearer " + token;
        if (defects.contains("auth") || random.nextInt(12) == 0) {
            auth = pick(random, "Authorization: Bearer " + token + "x", "Authorization: Basic " + token, "Authorization: Bearer",
                    "Authorization: bearer " + token, "X-Nothing: 1", "Authorization: Bearer " + token + "\r\nAuthorization: Bearer "
                            + token);
            defects.add("auth");
        }
        StringBuilder head = new StringBuilder();
        String version = random.nextInt(30) == 0 ? pick(random, "HTTP/1.0", "HTTP/2.0", "HTTP/9.9", "HTTP/1", "http/1.1")
                : "HTTP/1.1";
        head.append(method).append(' ').append(path).append(' ').append(version).append("\r\nHost: 127.0.0.1\r\n")
                .append(auth).append("\r\n");
        head.append("Connection: close\r\n");
        if (random.nextInt(25) == 0) {
            head.append("X-Big: ").append("b".repeat(20_000)).append("\r\n");
        }
        byte[] bytes;
        int framing = random.nextInt(10);
        if (body == null) {
            head.append("\r\n");
            bytes = head.toString().getBytes(StandardCharsets.UTF_8);
        } else if (framing == 0) {
            // Chunked, sometimes broken (never promising more than is sent: that is a slow client, SlowClientsTest's).
            head.append("Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
            String size = random.nextBoolean() ? Integer.toHexString(body.length) : pick(random, "zz", "-1", "", "1;x=\"");
            bytes = concat(head.toString().getBytes(StandardCharsets.UTF_8), (size + "\r\n").getBytes(StandardCharsets.US_ASCII),
                    body, "\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        } else if (framing == 1) {
            head.append("Content-Type: application/json\r\nContent-Length: ")
                    .append(pick(random, "abc", "-5", "1, 2", String.valueOf(body.length / 2))).append("\r\n\r\n");
            bytes = concat(head.toString().getBytes(StandardCharsets.UTF_8), body);
        } else {
            head.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n\r\n");
            bytes = concat(head.toString().getBytes(StandardCharsets.UTF_8), body);
        }
        boolean stream = endpoint.stream() && method.equals("GET");
        return new Request("#" + index + " " + method + " " + clip(path) + " defects " + defects + " body "
                + (body == null ? "none" : clip(new String(body, StandardCharsets.UTF_8))), bytes, stream);
    }

    private static String segment(Random random, String valid, List<String> defects) {
        if (random.nextInt(5) != 0) {
            return valid;
        }
        defects.add("segment");
        return BAD_SEGMENTS[random.nextInt(BAD_SEGMENTS.length)];
    }

    private static byte[] notAJar(Random random, List<String> defects) {
        defects.add("!not a jar");
        byte[] bytes = new byte[random.nextInt(2048)];
        random.nextBytes(bytes);
        if (bytes.length >= 4 && random.nextBoolean()) {
            bytes[0] = 'P';
            bytes[1] = 'K';
            bytes[2] = 3;
            bytes[3] = 4;
        }
        return bytes;
    }

    /**
     * The valid body with up to two changes of a value (another JSON type, a malformed name: these may
     * still be valid) and then exactly one defect that makes any well-formed object invalid. That one
     * comes last, so that nothing after it can repair it (a value replaced inside a nesting would).
     */
    private static byte[] mutateJson(Random random, String valid, List<String> defects) {
        String json = valid;
        List<String> fields = fields(valid);
        int[] kinds = new int[random.nextInt(3) + 1];
        for (int i = 0; i < kinds.length - 1; i++) {
            kinds[i] = random.nextBoolean() ? 0 : 7;
        }
        kinds[kinds.length - 1] = new int[] {1, 2, 3, 4, 5, 6, 8, 9, 10}[random.nextInt(9)];
        for (int kind : kinds) {
            String field = fields.isEmpty() ? "name" : fields.get(random.nextInt(fields.size()));
            switch (kind) {
                case 0 -> { // a value of another JSON type (null is "not set", a valid value, so never null)
                    json = replaceValue(json, field, JUNK_VALUES[random.nextInt(JUNK_VALUES.length)]);
                    defects.add("type of " + field);
                }
                case 1 -> {
                    json = json.substring(0, json.length() - 1) + ",\"" + field + "\":" + pick(random, "5", "\"x\"", "[]", "{}")
                            + "}";
                    defects.add("!duplicate " + field);
                }
                case 2 -> {
                    json = json.substring(0, json.length() - 1) + (json.length() > 2 ? "," : "") + "\"unknownField\":1}";
                    defects.add("!unknown field");
                }
                case 3 -> {
                    int depth = 17 + random.nextInt(5_000);
                    json = "{\"" + field + "\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
                    defects.add("!nesting " + depth);
                }
                case 4 -> {
                    json = json.substring(0, 1 + random.nextInt(json.length() - 1));
                    defects.add("!truncated");
                }
                case 5 -> {
                    json = json + pick(random, " x", " {}", ",", "]");
                    defects.add("!trailing");
                }
                case 6 -> {
                    json = pick(random, "[" + json + "]", "\"" + json.replace("\"", "'") + "\"", "null", "42", "");
                    defects.add("!not an object");
                }
                case 7 -> {
                    json = replaceValue(json, field, "\"" + BAD_SEGMENTS[random.nextInt(BAD_SEGMENTS.length)].replace("\\", "")
                            + "\"");
                    defects.add("bad value of " + field);
                }
                case 8 -> {
                    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
                    byte[] broken = concat(java.util.Arrays.copyOf(bytes, bytes.length / 2), new byte[] {(byte) 0xC0, (byte) 0xFF},
                            java.util.Arrays.copyOfRange(bytes, bytes.length / 2, bytes.length));
                    defects.add("!invalid UTF-8");
                    return broken;
                }
                case 9 -> {
                    json = "{\"" + "k".repeat(300 + random.nextInt(1_000)) + "\":1}";
                    defects.add("!long name");
                }
                default -> {
                    json = json.contains(":") ? json.replace(":", random.nextBoolean() ? "=" : "::") : json + "}";
                    defects.add("!syntax");
                }
            }
        }
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> fields(String json) {
        List<String> names = new ArrayList<>();
        var m = java.util.regex.Pattern.compile("\"(\\w+)\":").matcher(json);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** Replaces the value of the first {@code "field":} in a small JSON text (strings, numbers, objects one level deep). */
    private static String replaceValue(String json, String field, String value) {
        int at = json.indexOf("\"" + field + "\":");
        if (at < 0) {
            return json.substring(0, json.length() - 1) + ",\"" + field + "\":" + value + "}";
        }
        int start = at + field.length() + 3;
        int end = start;
        int depth = 0;
        boolean inString = false;
        for (; end < json.length(); end++) {
            char c = json.charAt(end);
            if (c == '"' && (end == 0 || json.charAt(end - 1) != '\\')) {
                inString = !inString;
            } else if (!inString && (c == '{' || c == '[')) {
                depth++;
            } else if (!inString && (c == '}' || c == ']')) {
                if (depth == 0) {
                    break;
                }
                depth--;
            } else if (!inString && c == ',' && depth == 0) {
                break;
            }
        }
        return json.substring(0, start) + value + json.substring(end);
    }

    @SafeVarargs
    private static <T> T pick(Random random, T... options) {
        return options[random.nextInt(options.length)];
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    private static String clip(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "... (" + text.length() + ")" : text;
    }
}
