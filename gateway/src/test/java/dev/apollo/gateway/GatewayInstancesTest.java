package dev.apollo.gateway;

import static dev.apollo.routing.Tables.backend;
import static dev.apollo.routing.Tables.env;
import static dev.apollo.routing.Tables.rpcEnv;
import static dev.apollo.routing.Tables.rule;
import static dev.apollo.routing.Tables.service;
import static dev.apollo.routing.Tables.table;
import static org.assertj.core.api.Assertions.assertThat;

import dev.apollo.api.RouteTableView;
import dev.apollo.api.RouteTableView.Backend;
import dev.apollo.gateway.ExampleInstances.Instance;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The gateway in front of real example web-service processes, over web and RPC. */
class GatewayInstancesTest {
    static ExampleInstances examples = new ExampleInstances();
    static Instance a1;
    static Instance a2;
    static Instance b1;
    static Instance b2;
    static Instance t1;
    static Gateway gateway;
    static Http http;

    @BeforeAll
    static void start() {
        List<Instance> blue = examples.start("web", "1", "a1", "a2");
        List<Instance> green = examples.start("web", "2", "b1", "b2");
        t1 = examples.start("web", "3", "t1").getFirst();
        a1 = blue.get(0);
        a2 = blue.get(1);
        b1 = green.get(0);
        b2 = green.get(1);
        gateway = Gateway.start(GatewayConfig.builder().web("127.0.0.1", 0).rpc("127.0.0.1", 0).eventLoops(2).build());
        http = new Http(gateway.webPort());
    }

    @AfterAll
    static void stop() {
        if (http != null) {
            http.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        examples.close();
    }

    private static Backend at(Instance instance) {
        return backend(instance.id(), instance.port());
    }

    private static RouteTableView web(long version, Instance... instances) {
        return table(version, env("production", List.of(rule("/", "web")),
                List.of(service("web", "web-" + version, List.of(instances).stream().map(GatewayInstancesTest::at).toList()))));
    }

    private static String instanceOf(Http.Reply reply) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.field("instance");
    }

    @Test
    void roundRobinReachesEveryBackendEvenly() {
        gateway.apply(web(1, a1, a2, b1));
        Map<String, Integer> hits = new HashMap<>();
        for (int i = 0; i < 30; i++) {
            hits.merge(instanceOf(http.get("/", "Host", "apollo.localhost")), 1, Integer::sum);
        }
        assertThat(hits).containsOnlyKeys("a1", "a2", "b1");
        assertThat(hits.values()).allSatisfy(count -> assertThat(count).isBetween(8, 12));
    }

    @Test
    void refusedConnectionIsRetriedOnAnotherBackendAndEjected() {
        int dead = ExampleInstances.freePort();
        gateway.apply(table(2, env("production", List.of(rule("/", "web")),
                List.of(service("web", "web-2", List.of(backend("dead", dead), at(a1), at(a2)))))));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 12; i++) {
            seen.add(instanceOf(http.get("/")));
        }
        assertThat(seen).containsExactlyInAnyOrder("a1", "a2");
        assertThat(gateway.isEjected("127.0.0.1:" + dead)).isTrue();
        assertThat(gateway.isEjected(a1.address())).isFalse();
    }

    /** The same instances called over RPC as {@code /web}: round robin, the refusal retried elsewhere. */
    @Test
    void rpcCallsReachRealInstancesAndSkipARefusingOne() {
        int dead = ExampleInstances.freePort();
        gateway.apply(table(5, rpcEnv("production", null,
                List.of(service("web", "web-5", List.of(backend("dead", dead), at(a1), at(a2)))), List.of())));
        Map<String, Integer> hits = new HashMap<>();
        try (Http rpc = new Http(gateway.rpcPort())) {
            for (int i = 0; i < 12; i++) {
                Http.Reply reply = rpc.post("/web", "{}");
                hits.merge(instanceOf(reply), 1, Integer::sum);
                assertThat(reply.field("service")).isEqualTo("web");
            }
        }
        assertThat(hits).containsOnlyKeys("a1", "a2");
        assertThat(gateway.isEjected("127.0.0.1:" + dead)).isTrue();
    }

    @Test
    void testbedIsOptInByHeaderCookieOrHost() {
        gateway.apply(table(3, env("production", List.of(rule("/", "web")),
                List.of(service("web", "live", List.of(at(a1)), "tb", List.of(at(t1)), 0)))));
        for (int i = 0; i < 5; i++) {
            Http.Reply plain = http.get("/");
            assertThat(instanceOf(plain)).isEqualTo("a1");
            assertThat(plain.headers().allValues("set-cookie")).isEmpty();
        }
        assertThat(instanceOf(http.get("/", "X-Apollo-Testbed", "web"))).isEqualTo("t1");
        assertThat(instanceOf(http.get("/", "Cookie", "apollo-testbed=web"))).isEqualTo("t1");
        assertThat(instanceOf(http.get("/", "Host", "testbed.web.production.apollo.localhost"))).isEqualTo("t1");
        assertThat(instanceOf(http.get("/", "Host", "testbed.web.apollo.localhost:8080"))).isEqualTo("t1");
        assertThat(instanceOf(http.get("/", "X-Apollo-Testbed", "other"))).isEqualTo("a1");
    }

    @Test
    void weightedTestbedIsStickyPerClient() {
        gateway.apply(table(4, env("production", List.of(rule("/", "web")),
                List.of(service("web", "live", List.of(at(a1)), "tb", List.of(at(t1)), 50)))));
        Http.Reply first = http.get("/");
        String setCookie = first.headers().firstValue("set-cookie").orElseThrow();
        assertThat(setCookie).startsWith("apollo-client=").contains("Path=/");
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        String side = instanceOf(first);
        for (int i = 0; i < 5; i++) {
            Http.Reply again = http.get("/", "Cookie", cookie);
            assertThat(instanceOf(again)).isEqualTo(side);
            assertThat(again.headers().allValues("set-cookie")).isEmpty();
        }
        Map<String, Integer> sides = new HashMap<>();
        for (int client = 0; client < 40; client++) {
            String chosen = instanceOf(http.get("/", "Cookie", "apollo-client=client-" + client));
            assertThat(instanceOf(http.get("/", "Cookie", "apollo-client=client-" + client))).isEqualTo(chosen);
            sides.merge(chosen, 1, Integer::sum);
        }
        assertThat(sides).containsOnlyKeys("a1", "t1");
    }

    /**
     * Blue/green at the gateway: 16 concurrent senders on 4 keep-alive clients hammer it while the
     * table moves from set A to set B. Every request succeeds, and every request sent after apply()
     * returned lands on B. (The JDK client, not the gateway, limits the rate here.)
     */
    @Test
    void tableSwapUnderLoadLosesNothing() throws Exception {
        gateway.apply(web(10, a1, a2));
        SwapUnderLoad.check(gateway.webPort(), 16, 3000, http -> http.get("/"), "instance",
                () -> gateway.apply(web(11, b1, b2)), "b1", "b2");
    }
}
