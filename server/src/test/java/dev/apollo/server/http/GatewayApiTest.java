package dev.apollo.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apollo.api.Views.GatewayView;
import dev.apollo.core.ApolloException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gateway endpoints through the real Router, over a socket, with a canned GatewayInfo. */
class GatewayApiTest {
    private static final String TOKEN = "t0ken";

    private final List<Optional<String>> asked = new CopyOnWriteArrayList<>();
    private final GatewayInfo info = new GatewayInfo() {
        @Override
        public GatewayView view() {
            return new GatewayView("embedded", "127.0.0.1:8080", null, null, null, null, null, null, null, null, null, null, null);
        }

        @Override
        public String config(Optional<String> environment) {
            asked.add(environment);
            if (environment.equals(Optional.of("nope"))) {
                throw new ApolloException.NotFound("environment 'nope' does not exist. See them with: apollo env list");
            }
            return "events {}\n# caf\u00e9\n";
        }
    };

    private HttpListener server;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws IOException {
        Router router = new Router(TOKEN);
        new GatewayApi(info).register(router);
        server = new HttpListener(new InetSocketAddress("127.0.0.1", 0), router, ApiLimits.DEFAULT);
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
        http.close();
    }

    private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.address().getPort() + pathAndQuery))
                .header("Authorization", "Bearer " + TOKEN).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theViewIsJson() throws Exception {
        HttpResponse<String> response = get("/v1/gateway");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.body()).contains("\"kind\":\"embedded\"").contains("\"web\":\"127.0.0.1:8080\"");
    }

    @Test
    void theConfigIsPlainUtf8TextForAllOrOneEnvironment() throws Exception {
        HttpResponse<String> all = get("/v1/gateway/config");
        HttpResponse<String> one = get("/v1/gateway/config?environment=stage1");

        assertThat(all.statusCode()).isEqualTo(200);
        assertThat(all.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
        assertThat(all.body()).isEqualTo("events {}\n# caf\u00e9\n");
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(asked).containsExactly(Optional.empty(), Optional.of("stage1"));
    }

    @Test
    void aMalformedEnvironmentIsA400NamingTheRuleAndNeverReachesTheRenderer() throws Exception {
        HttpResponse<String> response = get("/v1/gateway/config?environment=Bad_Name");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("\"error\":\"invalid\"").contains("environment name 'Bad_Name'")
                .contains("[a-z0-9-]");
        assertThat(asked).isEmpty();
    }

    @Test
    void anUnknownEnvironmentIsA404() throws Exception {
        HttpResponse<String> response = get("/v1/gateway/config?environment=nope");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("\"error\":\"not_found\"").contains("environment 'nope' does not exist");
    }
}
