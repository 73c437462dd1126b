package dev.apollo.gateway;

import static dev.apollo.routing.Tables.backend;
import static dev.apollo.routing.Tables.env;
import static dev.apollo.routing.Tables.rule;
import static dev.apollo.routing.Tables.service;
import static dev.apollo.routing.Tables.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apollo.gateway.ExampleInstances.Instance;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Retry where it is safe: a request an instance closed or reset before any byte of an answer goes
 * to another instance when it may be sent twice (idempotent, no body), never otherwise.
 */
class GatewayRetryTest {
    static Gateway gateway;
    static Http http;
    static EchoBackend echo;

    @BeforeAll
    static void start() {
        echo = new EchoBackend("echo");
        gateway = Gateway.start(GatewayConfig.builder().web("127.0.0.1", 0).noRpc().eventLoops(2).build());
        http = new Http(gateway.webPort());
    }

    @AfterAll
    static void stop() {
        http.close();
        gateway.close();
        echo.close();
    }

    @Test
    void anIdempotentRequestADroppingBackendTookGoesToAnother() throws IOException {
        try (Dropper dropper = new Dropper()) {
            gateway.apply(table(1, env("production", List.of(rule("/", "web")),
                    List.of(service("web", "w1", List.of(backend("drop", dropper.port()), backend("echo", echo.port())))))));
            for (int i = 0; i < 4; i++) {
                Http.Reply reply = http.get("/get", "X-Apollo-Env", "production");
                assertThat(reply.status()).as(reply.body()).isEqualTo(200);
                assertThat(reply.field("backend")).isEqualTo("echo");
            }
            assertThat(dropper.requests()).as("the dropper was tried, then the other backend").isPositive();
        }
    }

    @Test
    void aPostADroppingBackendTookIsNotSentAgain() throws IOException {
        try (Dropper dropper = new Dropper()) {
            gateway.apply(table(2, env("production", List.of(rule("/", "web")),
                    List.of(service("web", "w2", List.of(backend("drop", dropper.port()), backend("echo", echo.port())))))));
            // A fresh table starts its rotation at the first backend: the dropper.
            Http.Reply reply = http.post("/orders", "{}", "X-Apollo-Env", "production");
            assertThat(reply.status()).as(reply.body()).isEqualTo(502);
            assertThat(reply.field("error")).isEqualTo("bad_gateway");
            assertThat(dropper.requests()).isEqualTo(1);
        }
    }

    /**
     * The defect this was written for: kill -9 of one of two instances under load gave 502s
     * ("failed before answering (Connection reset)") for requests the healthy one could have served.
     */
    @Test
    void killingOneOfTwoInstancesUnderLoadFailsNoRequest() throws Exception {
        try (ExampleInstances examples = new ExampleInstances()) {
            List<Instance> instances = examples.start("web", "1", "k1", "k2");
            gateway.apply(table(3, env("production", List.of(rule("/", "web")), List.of(service("web", "w3",
                    instances.stream().map(i -> backend(i.id(), i.port())).toList())))));
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger answered = new AtomicInteger();
            List<String> failures = Collections.synchronizedList(new ArrayList<>());
            List<Thread> clients = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            for (int c = 0; c < 8; c++) {
                clients.add(Thread.ofVirtual().start(() -> {
                    try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
                        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.webPort() + "/"))
                                .header("X-Apollo-Env", "production").timeout(Duration.ofSeconds(10)).build();
                        while (running.get() && System.nanoTime() < deadline) {
                            try {
                                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                                if (response.statusCode() != 200) {
                                    failures.add(response.statusCode() + " " + response.body());
                                }
                                answered.incrementAndGet();
                            } catch (IOException e) {
                                failures.add(e.toString());
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    }
                }));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> answered.get() > 500);
            instances.get(0).process().destroyForcibly().waitFor();
            int atKill = answered.get();
            await().atMost(Duration.ofSeconds(30)).until(() -> answered.get() > atKill + 1000);
            running.set(false);
            for (Thread client : clients) {
                client.join(Duration.ofSeconds(15));
            }
            assertThat(failures).as("requests that failed although k2 could answer them").isEmpty();
        }
    }
}
