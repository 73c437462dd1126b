package dev.apollo.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apollo.testkit.ManualClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gate over a real socket, with an API that only records what reached it. */
class DashboardGateTest {
    private final Sessions sessions = new Sessions(new ManualClock(Instant.parse("2026-01-01T00:00:00Z")));
    private final List<String> reached = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private Server server;
    private String base;

    @BeforeEach
    void start() throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        Handler api = new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                reached.add(request.getMethod() + " " + request.getHttpURI().getPathQuery() + " "
                        + request.getHeaders().get("Authorization") + " cookie=" + request.getHeaders().get("Cookie"));
                response.setStatus(200);
                response.write(true, StandardCharsets.UTF_8.encode("{}"), callback);
                return true;
            }
        };
        server.setHandler(new DashboardGate(api, sessions, "t0ken"));
        server.start();
        base = "http://127.0.0.1:" + connector.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
        http.close();
    }

    private HttpResponse<String> send(String method, String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String login() throws Exception {
        HttpResponse<String> response = send("GET", "/dashboard/login?code=" + sessions.newLink().code());
        assertThat(response.statusCode()).isEqualTo(303);
        String cookie = response.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).contains("HttpOnly", "SameSite=Strict", "Path=/dashboard");
        return cookie.substring(0, cookie.indexOf(';'));
    }

    @Test
    void withoutASessionEveryPageIsTheLoginPageAndNothingReachesTheApi() throws Exception {
        for (String path : List.of("/dashboard/", "/dashboard/app.js", "/dashboard/overview.js", "/dashboard/nope.js")) {
            HttpResponse<String> response = send("GET", path);
            assertThat(response.statusCode()).as(path).isEqualTo(401);
            assertThat(response.body()).as(path).contains("apollo dashboard").doesNotContain("import ");
            assertThat(response.headers().firstValue("Content-Security-Policy")).get().asString()
                    .contains("script-src 'self'").doesNotContain("unsafe-inline");
        }
        assertThat(send("GET", "/dashboard/style.css").statusCode()).isEqualTo(200);
        assertThat(send("GET", "/dashboard/v1/services").statusCode()).isEqualTo(401);
        assertThat(send("GET", "/dashboard/v1/services", "Cookie", "apollo_session=forged").statusCode()).isEqualTo(401);
        assertThat(reached).isEmpty();
    }

    @Test
    void aSessionReadsTheApiWithTheTokenAndWithoutItsCookie() throws Exception {
        String cookie = login();

        assertThat(send("GET", "/dashboard/", "Cookie", cookie).body()).contains("app.js");
        assertThat(send("GET", "/dashboard/app.js", "Cookie", cookie).headers().firstValue("Content-Type"))
                .contains("text/javascript; charset=utf-8");
        assertThat(send("GET", "/dashboard/v1/services?environment=stage1", "Cookie", cookie).statusCode()).isEqualTo(200);

        assertThat(reached).containsExactly("GET /v1/services?environment=stage1 Bearer t0ken cookie=null");
    }

    @Test
    void writesNeedTheCsrfTokenAndThisOrigin() throws Exception {
        String cookie = login();
        String csrf = send("GET", "/dashboard/session", "Cookie", cookie).body().replaceAll(".*\"csrf\":\"([^\"]+)\".*", "$1");
        String rollback = "/dashboard/v1/environments/production/services/web/rollback";

        assertThat(send("POST", rollback, "Cookie", cookie).statusCode()).isEqualTo(403);
        assertThat(send("POST", rollback, "Cookie", cookie, "X-Apollo-CSRF", csrf + "x").statusCode()).isEqualTo(403);
        assertThat(send("POST", rollback, "Cookie", cookie, "X-Apollo-CSRF", csrf, "Origin", "http://evil.example")
                .statusCode()).isEqualTo(403);
        assertThat(reached).isEmpty();

        assertThat(send("POST", rollback, "Cookie", cookie, "X-Apollo-CSRF", csrf, "Origin", base).statusCode()).isEqualTo(200);
        assertThat(reached).containsExactly("POST /v1/environments/production/services/web/rollback Bearer t0ken cookie=null");
    }

    @Test
    void aSessionCannotStopThePlatformOrMintLogins() throws Exception {
        String cookie = login();
        String csrf = send("GET", "/dashboard/session", "Cookie", cookie).body().replaceAll(".*\"csrf\":\"([^\"]+)\".*", "$1");

        assertThat(send("POST", "/dashboard/v1/shutdown", "Cookie", cookie, "X-Apollo-CSRF", csrf).statusCode()).isEqualTo(403);
        assertThat(send("POST", "/dashboard/v1/dashboard/links", "Cookie", cookie, "X-Apollo-CSRF", csrf).statusCode())
                .isEqualTo(403);
        assertThat(reached).isEmpty();
    }

    @Test
    void aLoggedOutSessionIsGone() throws Exception {
        String cookie = login();
        String csrf = send("GET", "/dashboard/session", "Cookie", cookie).body().replaceAll(".*\"csrf\":\"([^\"]+)\".*", "$1");

        assertThat(send("POST", "/dashboard/logout", "Cookie", cookie, "X-Apollo-CSRF", csrf).statusCode()).isEqualTo(200);

        assertThat(send("GET", "/dashboard/v1/services", "Cookie", cookie).statusCode()).isEqualTo(401);
    }

    @Test
    void pathsThatOnlyStartLikeTheDashboardAreTheApis() throws Exception {
        send("GET", "/dashboardx");
        assertThat(reached).containsExactly("GET /dashboardx null cookie=null");
    }
}
