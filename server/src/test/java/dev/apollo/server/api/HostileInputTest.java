package dev.apollo.server.api;

import static dev.apollo.server.api.RawHttp.jsonRequest;
import static dev.apollo.server.api.RawHttp.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.apollo.server.TestControlPlane;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, items 1 to 3, against a real control plane over real sockets: every caller mistake on
 * every JSON endpoint is a 4xx with the documented JSON body naming the field and what is expected,
 * never a 500, an HTML page or a closed connection, and it changes nothing.
 */
class HostileInputTest {
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(20);

    /** Every endpoint that reads a JSON body. */
    static final List<String[]> JSON_ENDPOINTS = List.of(
            new String[] {"POST", "/v1/deploys"},
            new String[] {"PUT", "/v1/environments/production/services/web-service/instances"},
            new String[] {"POST", "/v1/environments/production/services/web-service/testbed/promote"},
            new String[] {"PATCH", "/v1/environments/production/services/web-service/configuration"},
            new String[] {"PUT", "/v1/environments/production/services/web-service/secrets/API_KEY"},
            new String[] {"PUT", "/v1/environments/production/routes"},
            new String[] {"POST", "/v1/environments"},
            new String[] {"PUT", "/v1/environments/production/externals"});

    @TempDir
    static Path home;

    private static TestControlPlane plane;
    private String before;

    @BeforeAll
    static void start() {
        plane = TestControlPlane.start(home);
    }

    @AfterAll
    static void stop() {
        plane.close();
    }

    @BeforeEach
    void remember() throws IOException {
        before = state();
    }

    @AfterEach
    void nothingChanged() throws IOException {
        assertThat(state()).as("desired state after the test").isEqualTo(before);
    }

    /** Everything a caller can change, as the API shows it. */
    static String state(int port, String token) throws IOException {
        StringBuilder all = new StringBuilder();
        for (String path : List.of("/v1/environments", "/v1/services", "/v1/artifacts", "/v1/environments/production/routes",
                "/v1/environments/production/externals",
                "/v1/environments/production/services/web-service/configuration")) {
            RawHttp.Answer answer = RawHttp.exchange(port, request("GET", path, token), ANSWER_WITHIN);
            all.append(path).append(' ').append(answer.status()).append(' ').append(answer.body()).append('\n');
        }
        return all.toString();
    }

    private String state() throws IOException {
        return state(plane.port(), plane.token());
    }

    private RawHttp.Answer send(String raw) throws IOException {
        return RawHttp.exchange(plane.port(), raw, ANSWER_WITHIN);
    }

    private RawHttp.Answer sendJson(String method, String path, String json) throws IOException {
        return send(jsonRequest(method, path, plane.token(), json));
    }

    /** The documented error: status, JSON, the error code, and a message with each of the words. */
    static void assertError(RawHttp.Answer answer, int status, String code, String... words) {
        assertThat(answer.status()).as("%s", answer).isEqualTo(status);
        assertThat(answer.header("Content-Type")).as("%s", answer).hasValue("application/json");
        assertThat(answer.body()).as("%s", answer).startsWith("{\"error\":\"" + code + "\",\"message\":\"");
        for (String word : words) {
            assertThat(answer.body()).as("%s", answer).contains(word);
        }
    }

    @Test
    void nestingDeeperThanTheCapIsA400OnEveryJsonEndpoint() throws IOException {
        // Used to be a NullPointerException and a 500. Strict types now refuse the first unexpected
        // bracket; the nesting cap itself is tested on the reader (api's JsonTest).
        String deep = "[".repeat(2_000) + "]".repeat(2_000);
        for (String[] endpoint : JSON_ENDPOINTS) {
            assertError(sendJson(endpoint[0], endpoint[1], "{\"name\":" + deep + "}"), 400, "invalid");
            assertError(sendJson(endpoint[0], endpoint[1], deep), 400, "invalid");
        }
    }

    @Test
    void aDuplicateKeyIsA400OnEveryJsonEndpointWhateverItsType() throws IOException {
        for (String[] endpoint : JSON_ENDPOINTS) {
            assertError(sendJson(endpoint[0], endpoint[1], "{\"path\":\"/x\",\"service\":\"web-service\",\"path\":5}"),
                    400, "invalid", "Duplicate field 'path'");
            assertError(sendJson(endpoint[0], endpoint[1], "{\"name\":\"a\",\"name\":\"a\"}"), 400, "invalid",
                    "Duplicate field 'name'");
        }
    }

    @Test
    void valuesOfTheWrongJsonTypeAreNeverCoerced() throws IOException {
        assertError(sendJson("POST", "/v1/environments", "{\"name\":1}"), 400, "invalid", "'name'", "a string");
        assertError(sendJson("POST", "/v1/environments", "{\"name\":true}"), 400, "invalid", "'name'", "a string");
        assertError(sendJson("POST", "/v1/environments", "{\"name\":\"stage1\",\"fallback\":[\"production\"]}"), 400,
                "invalid", "'fallback'", "a string");
        String scale = "/v1/environments/production/services/web-service/instances";
        assertError(sendJson("PUT", scale, "{\"instances\":\"3\"}"), 400, "invalid", "'instances'", "a whole number");
        assertError(sendJson("PUT", scale, "{\"instances\":3.9}"), 400, "invalid", "'instances'", "a whole number");
        assertError(sendJson("PUT", scale, "{\"instances\":true}"), 400, "invalid", "'instances'", "a whole number");
        assertError(sendJson("PUT", scale, "{\"instances\":99999999999}"), 400, "invalid", "out of range");
        assertError(sendJson("PUT", "/v1/environments/production/routes", "{\"path\":\"/x\",\"service\":1}"), 400, "invalid",
                "'service'", "a string");
        assertError(sendJson("PUT", "/v1/environments/production/externals", "{\"name\":true,\"url\":\"https://a.example\"}"),
                400, "invalid", "'name'", "a string");
        assertError(sendJson("POST", "/v1/deploys", "{\"artifact\":\"web-service:1.0.0\",\"testbed\":\"true\"}"), 400,
                "invalid", "'testbed'", "true or false");
        assertError(sendJson("POST", "/v1/deploys", "{\"artifact\":\"web-service:1.0.0\",\"args\":\"--x\"}"), 400,
                "invalid", "'args'", "a JSON array");
        assertError(sendJson("POST", "/v1/deploys", "{\"artifact\":\"web-service:1.0.0\",\"env\":{\"A\":1}}"), 400,
                "invalid", "'env.A'", "a string");
        assertError(sendJson("POST", "/v1/deploys", "{\"artifact\":\"web-service:1.0.0\",\"health\":{\"readiness\":"
                + "{\"type\":\"command\",\"command\":[\"/bin/true\",2]}}}"), 400, "invalid", "'health.readiness.command[1]'");
        assertError(sendJson("PATCH", "/v1/environments/production/services/web-service/configuration",
                "{\"set\":{\"A\":false}}"), 400, "invalid", "'set.A'", "a string");
    }

    @Test
    void trailingContentAfterTheJsonValueIsRefused() throws IOException {
        assertError(sendJson("POST", "/v1/environments", "{\"name\":\"stage1\"} {\"name\":\"stage2\"}"), 400, "invalid",
                "after the JSON object");
    }

    @Test
    void hugeValuesAreBoundedAndNotEchoedInFull() throws IOException {
        String host = "a".repeat(70_000) + ".example";
        RawHttp.Answer answer = sendJson("PUT", "/v1/environments/production/externals",
                "{\"name\":\"payments\",\"url\":\"https://" + host + "/v2\"}");
        assertError(answer, 400, "invalid", "external URL", "70019 characters", "at most 2048");
        assertThat(answer.body().length()).isLessThan(1_000);
        assertError(sendJson("PUT", "/v1/environments/production/externals", "{\"name\":\"payments\",\"url\":\"https://"
                + "b".repeat(300) + ".example/v2\"}"), 400, "invalid", "host of 308 characters", "at most 253");

        String name = "x".repeat(300_000);
        assertError(sendJson("POST", "/v1/environments", "{\"name\":\"" + name + "\"}"), 400, "invalid", "'name'", "limit",
                "strings at most");
        assertError(sendJson("POST", "/v1/environments", "{\"" + name.substring(0, 1_000) + "\":1}"), 400, "invalid",
                "field names");
    }

    @Test
    void invalidPercentEscapesAreJson400sNamingTheEscape() throws IOException {
        for (String path : List.of("/v1/environments/%zz/routes", "/v1/environments/production/services/web%", "/v1/info%",
                "/v1/services?environment=%zz", "/v1/services?environment=prod%")) {
            RawHttp.Answer answer = send(request("GET", path, plane.token()));
            assertError(answer, 400, "invalid", "%25");
        }
    }

    @Test
    void ambiguousPathsAreJson400sWhateverTheMethod() throws IOException {
        for (String method : List.of("GET", "PUT", "DELETE", "PATCH", "POST")) {
            assertError(sendJson(method, "/v1/artifacts/web-service/%2E%2E", "x"), 400, "invalid");
            assertError(sendJson(method, "/v1/environments/..%2F..%2Fetc/services/x", "{}"), 400, "invalid");
        }
    }

    @Test
    void optionsStarIsAJson400() throws IOException {
        RawHttp.Answer answer = send("OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + plane.token()
                + "\r\nConnection: close\r\n\r\n");
        assertError(answer, 400, "invalid", "/v1");
    }

    @Test
    void aMalformedChunkedBodyIsAJson400NotAClosedConnection() throws IOException {
        String head = "POST /v1/environments HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + plane.token()
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
        assertError(send(head + "zz\r\n{\"name\":\"stage1\"}\r\n0\r\n\r\n"), 400, "invalid", "malformed");
        assertError(send(head + "5\r\n{\"name\":\"stage1\"}\r\n0\r\n\r\n"), 400, "invalid");
        assertError(send("PUT /v1/artifacts/web-service/1.0.0 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                + plane.token() + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n4\r\nPK\3\4\r\nqq\r\n"), 400,
                "invalid", "malformed");
    }

    @Test
    void malformedRequestLinesAreAnsweredAtOnce() throws IOException {
        assertError(send("GET /v1/info HTTP/1.1 extra\r\nHost: x\r\n\r\n"), 400, "invalid");
        assertError(send("\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u01fc\u0003\u0003"), 400, "invalid");
        RawHttp.Answer lfOnly = send("GET /v1/info HTTP/1.1\nHost: x\nAuthorization: Bearer " + plane.token()
                + "\nConnection: close\n\n");
        assertThat(lfOnly.status()).as("%s", lfOnly).isIn(200, 400);
        assertThat(lfOnly.header("Content-Type")).hasValue("application/json");
        for (String request : List.of("GET /v1/info HTTP/2.0\r\nHost: x\r\n\r\n", "GET /v1/info HTTP/7.3\r\nHost: x\r\n\r\n",
                "GET /v1/info\r\n\r\n", "POST /v1/environments HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\nxx",
                "POST /v1/environments HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                "GET /v1/info HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n", "G\u0000T /v1/info HTTP/1.1\r\n\r\n")) {
            RawHttp.Answer answer = send(request);
            assertThat(answer.status()).as("%s -> %s", request, answer).isBetween(400, 499);
            assertThat(answer.header("Content-Type")).as("%s -> %s", request, answer).hasValue("application/json");
        }
    }

    @Test
    void aBodyOverTheJsonCapIsA413() throws IOException {
        String big = "{\"name\":\"" + "x".repeat(200_000) + "\",\"fallback\":\"" + "y".repeat(900_000) + "\"}";
        assertError(sendJson("POST", "/v1/environments", big), 413, "too_large", "bytes of JSON");
    }

    @Test
    void theTokenMustMatchExactly() throws IOException {
        String token = plane.token();
        assertError(send("GET /v1/info HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token + "x\r\nConnection: close\r\n\r\n"),
                401, "unauthorized");
        assertError(send("GET /v1/info HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token + "\r\nAuthorization: Bearer "
                + token + "\r\nConnection: close\r\n\r\n"), 401, "unauthorized");
        assertError(send("GET /v1/info HTTP/1.1\r\nHost: x\r\nAuthorization: bearer " + token + "\r\nConnection: close\r\n\r\n"),
                401, "unauthorized");
        // Nothing about a request is judged before its token: a stranger learns nothing from a 400.
        assertError(send("GET /v1/services?environment=%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 401,
                "unauthorized");
        // And with the token, a malformed query is refused even where no parameter is read.
        assertError(send(request("GET", "/v1/info?x=%zz", token)), 400, "invalid", "%25");
    }

    @Test
    void theLogsOfAServiceNeverDeployedAreA404LikeItsStatus() throws IOException {
        assertError(send(request("GET", "/v1/environments/production/services/ghost/logs", plane.token())), 404,
                "not_found", "service ghost was never deployed in production");
        assertError(send(request("GET", "/v1/environments/production/services/ghost", plane.token())), 404,
                "not_found", "service ghost was never deployed in production");
    }

    @Test
    void stringsStillWorkForWhatTheyAre() throws IOException {
        // The strict reader must not refuse what is right: an environment created and deleted leaves the state as it was.
        RawHttp.Answer created = sendJson("POST", "/v1/environments", "{\"name\":\"stage7\",\"fallback\":\"production\"}");
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        RawHttp.Answer deleted = send(request("DELETE", "/v1/environments/stage7", plane.token()));
        assertThat(deleted.status()).as("%s", deleted).isEqualTo(200);
        assertThat(new String(deleted.body().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo("[]");
    }
}
