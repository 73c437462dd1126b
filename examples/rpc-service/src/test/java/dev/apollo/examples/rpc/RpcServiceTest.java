package dev.apollo.examples.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apollo.examples.hello.HelloService;
import dev.apollo.rpc.RpcClient;
import dev.apollo.rpc.RpcContext;
import dev.apollo.rpc.RpcException;
import dev.apollo.rpc.RpcServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RpcServiceTest {
    private RpcServer server;
    private HelloService hello;

    @BeforeEach
    void start() {
        server = RpcServer.serve(0, HelloService.class, new RpcService("1.0.0", "production"));
        hello = RpcClient.builderFor(HelloService.class).withBaseUrl("http://127.0.0.1:" + server.port()).build();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void greetsInTheEnvironmentOfTheRequestElseItsOwn() throws Exception {
        assertThat(hello.sayHello("Ada")).isEqualTo("Hello, Ada! (rpc-service 1.0.0 in production)");
        assertThat(RpcContext.with("stage1", () -> hello.sayHello("Ada"))).isEqualTo("Hello, Ada! (rpc-service 1.0.0 in stage1)");
    }

    @Test
    void theWireFormatIsTheConventionsJsonArrayInJsonStringOut() throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/sayHello"))
                    .header("X-Apollo-Env", "stage2").POST(HttpRequest.BodyPublishers.ofString("[\"Bob\"]")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(response.body().strip()).isEqualTo("\"Hello, Bob! (rpc-service 1.0.0 in stage2)\"");
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/health/is_alive")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aBlankNameReachesTheCallerAsATypedError() {
        assertThatThrownBy(() -> hello.sayHello(" ")).isInstanceOfSatisfying(RpcException.class, e -> {
            assertThat(e.type()).isEqualTo("IllegalArgumentException");
            assertThat(e.remoteMessage()).isEqualTo("name: ' ' (expected: someone to greet)");
        });
    }
}
