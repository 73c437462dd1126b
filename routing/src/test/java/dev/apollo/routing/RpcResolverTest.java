package dev.apollo.routing;

import static dev.apollo.routing.Tables.backend;
import static dev.apollo.routing.Tables.external;
import static dev.apollo.routing.Tables.rpcEnv;
import static dev.apollo.routing.Tables.service;
import static dev.apollo.routing.Tables.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apollo.routing.Decision.Forward;
import dev.apollo.routing.Decision.ToExternal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** RPC routing decisions without a socket. */
class RpcResolverTest {
    private final RpcResolver resolver = new RpcResolver("rpc.int");

    private final RouteSnapshot routes = RouteSnapshot.compile(table(7,
            rpcEnv("production", null,
                    List.of(service("greeter", "g-1", List.of(backend("g1", 1001))),
                            service("hello", "h-1", List.of(backend("h1", 1002))),
                            service("sick", "s-1", List.of()),
                            service("both", "b-1", List.of(backend("b1", 1003)))),
                    List.of(external("payments", "https://pay.example.com/v2/"),
                            external("both", "http://both.example.com"),
                            external("maps", "http://127.0.0.1:7000"))),
            rpcEnv("stage1", "production",
                    List.of(service("hello", "h-s", List.of(backend("hs", 2001))), service("maps", "m-s", List.of(backend("m", 2002)))),
                    List.of(external("payments", "http://sandbox.example.com:8443/pay"), external("greeter", "http://fake"))),
            rpcEnv("stage2", "stage1", List.of(), List.of()),
            rpcEnv("loop-a", "loop-b", List.of(), List.of()),
            rpcEnv("loop-b", "loop-a", List.of(), List.of())));

    private Decision resolve(RpcRequestFacts facts) {
        return resolver.resolve(routes, facts);
    }

    private Decision post(String path, String envHeader, String baggage) {
        return resolve(new RpcRequestFacts("127.0.0.1:9090", path, "", envHeader, baggage));
    }

    /** environment the request is in / environment of the pool / service / release -> uri */
    private static String routedTo(Decision decision) {
        assertThat(decision).isInstanceOf(Forward.class);
        Forward forward = (Forward) decision;
        BackendPool pool = forward.pool();
        return forward.environment() + " " + pool.environment() + "/" + pool.service() + "/" + pool.release() + " " + forward.uri();
    }

    private static String externalTo(Decision decision) {
        assertThat(decision).isInstanceOf(ToExternal.class);
        ToExternal external = (ToExternal) decision;
        ExternalEndpoint endpoint = external.endpoint();
        return external.environment() + " " + (endpoint.tls() ? "https" : "http") + "://" + endpoint.host() + ":"
                + endpoint.port() + external.uri();
    }

    private static Reject rejected(Decision decision) {
        assertThat(decision).isInstanceOf(Reject.class);
        return (Reject) decision;
    }

    @Test
    void serviceSegmentIsStrippedAndQueryKept() {
        assertThat(routedTo(resolve(RpcRequestFacts.of("rpc.int", "/hello/sayHello"))))
                .isEqualTo("production production/hello/h-1 /sayHello");
        assertThat(routedTo(resolve(new RpcRequestFacts("", "/hello/a/b%20c", "x=1&y=%2F", "", ""))))
                .isEqualTo("production production/hello/h-1 /a/b%20c?x=1&y=%2F");
        assertThat(routedTo(resolve(RpcRequestFacts.of("", "/hello")))).endsWith(" /");
        assertThat(routedTo(resolve(RpcRequestFacts.of("", "/hello/")))).endsWith(" /");
    }

    @Test
    void environmentByHeaderThenBaggageThenPathPrefixThenHost() {
        assertThat(routedTo(post("/hello/m", "stage1", ""))).startsWith("stage1 stage1/hello/h-s");
        assertThat(routedTo(post("/hello/m", "", "apollo.env=stage1"))).startsWith("stage1 stage1/hello/h-s");
        assertThat(routedTo(post("/_env/stage1/hello/m", "", ""))).isEqualTo("stage1 stage1/hello/h-s /m");
        assertThat(routedTo(resolve(RpcRequestFacts.of("stage1.rpc.int:9090", "/hello/m")))).startsWith("stage1 stage1/");
        assertThat(routedTo(resolve(RpcRequestFacts.of("STAGE1.RPC.INT", "/hello/m")))).startsWith("stage1 stage1/");
        assertThat(routedTo(resolve(RpcRequestFacts.of("rpc.int", "/hello/m")))).startsWith("production production/");
        assertThat(routedTo(resolve(RpcRequestFacts.of("localhost", "/hello/m")))).startsWith("production production/");

        // A chain begun in production stays there, wherever the call was sent; the prefix is still stripped.
        assertThat(routedTo(resolve(new RpcRequestFacts("stage1.rpc.int", "/_env/stage1/hello/m", "", "production", ""))))
                .isEqualTo("production production/hello/h-1 /m");
        assertThat(routedTo(resolve(new RpcRequestFacts("stage1.rpc.int", "/_env/stage1/hello/m", "", "", "apollo.env=production"))))
                .startsWith("production production/");
        assertThat(routedTo(resolve(new RpcRequestFacts("", "/hello/m", "", "production", "apollo.env=stage1"))))
                .startsWith("production production/");
        assertThat(routedTo(resolve(new RpcRequestFacts("stage1.rpc.int", "/_env/production/hello/m", "", "", ""))))
                .startsWith("production production/");
    }

    @Test
    void baggageParsing() {
        assertThat(RpcResolver.baggageEntry("apollo.env=stage1", "apollo.env")).isEqualTo("stage1");
        assertThat(RpcResolver.baggageEntry("user=ada, apollo.env = stage%31 ;ttl=3,x=y", "apollo.env")).isEqualTo("stage1");
        assertThat(RpcResolver.baggageEntry("xapollo.env=a,apollo.envx=b", "apollo.env")).isEmpty();
        assertThat(RpcResolver.baggageEntry("apollo.env=%zz", "apollo.env")).isEmpty();
        assertThat(RpcResolver.baggageEntry("", "apollo.env")).isEmpty();
        assertThat(RpcResolver.baggageEntry("novalue,apollo.env=e2", "apollo.env")).isEqualTo("e2");
    }

    @Test
    void missingServicesComeFromTheFallbackChainButKeepTheRequestedEnvironment() {
        // stage1 has no greeter service (only an external of that name further down the list: its own, so it wins).
        assertThat(externalTo(post("/greeter/hi", "stage1", ""))).isEqualTo("stage1 http://fake:80/hi");
        // stage2 has nothing: stage1's hello, production's greeter, each told the request is in stage2.
        assertThat(routedTo(post("/hello/hi", "stage2", ""))).isEqualTo("stage2 stage1/hello/h-s /hi");
        assertThat(routedTo(post("/both/hi", "stage2", ""))).isEqualTo("stage2 production/both/b-1 /hi");
        assertThat(routedTo(post("/greeter/hi", "production", ""))).isEqualTo("production production/greeter/g-1 /hi");
    }

    @Test
    void externalsHaveAUrlPerEnvironmentAndFallBack() {
        assertThat(externalTo(post("/payments/charge", "", ""))).isEqualTo("production https://pay.example.com:443/v2/charge");
        assertThat(externalTo(resolve(new RpcRequestFacts("", "/payments/charge", "id=7", "", ""))))
                .isEqualTo("production https://pay.example.com:443/v2/charge?id=7");
        assertThat(externalTo(post("/payments/charge", "stage1", ""))).isEqualTo("stage1 http://sandbox.example.com:8443/pay/charge");
        assertThat(externalTo(post("/payments", "stage2", ""))).isEqualTo("stage2 http://sandbox.example.com:8443/pay/");
        assertThat(externalTo(post("/maps/", "production", ""))).isEqualTo("production http://127.0.0.1:7000/");
        ExternalEndpoint sandbox = ((ToExternal) post("/payments/x", "stage2", "")).endpoint();
        assertThat(sandbox.environment()).isEqualTo("stage1");
        assertThat(sandbox.url()).isEqualTo("http://sandbox.example.com:8443/pay");
    }

    @Test
    void serviceWinsOverExternalOfTheSameNameInOneEnvironmentAndTheNearestEnvironmentWins() {
        assertThat(routedTo(post("/both/x", "production", ""))).startsWith("production production/both/");
        // stage1's own maps service, although production has an external called maps.
        assertThat(routedTo(post("/maps/x", "stage1", ""))).startsWith("stage1 stage1/maps/");
    }

    @Test
    void unknownEnvironmentIs404() {
        Reject reject = rejected(post("/hello/x", "nope", ""));
        assertThat(reject.status()).isEqualTo(404);
        assertThat(reject.body()).containsExactly(
                Map.entry("error", "unknown_environment"), Map.entry("environment", "nope"),
                Map.entry("message", "no environment nope; create it with: apollo env create nope"));
        assertThat(rejected(post("/_env/nope/hello/x", "", "")).error()).isEqualTo("unknown_environment");
        assertThat(rejected(resolve(RpcRequestFacts.of("nope.rpc.int", "/hello/x"))).body()).containsEntry("environment", "nope");
    }

    @Test
    void unknownServiceIs404NamingTheChain() {
        Reject reject = rejected(post("/ghost/doIt", "stage2", ""));
        assertThat(reject.status()).isEqualTo(404);
        assertThat(reject.body()).containsEntry("error", "unknown_service").containsEntry("environment", "stage2")
                .containsEntry("service", "ghost");
        assertThat(reject.body().get("message"))
                .startsWith("no service or external named ghost in stage2 (or its fallbacks stage1, production); ")
                .contains("apollo deploy ghost:VERSION -e stage2", "apollo external add ghost URL -e stage2");
        assertThat(rejected(post("/ghost/doIt", "", "")).body().get("message"))
                .startsWith("no service or external named ghost in production; ");
        // Cycles end: each environment is visited once.
        assertThat(rejected(post("/ghost/x", "loop-a", "")).body().get("message"))
                .startsWith("no service or external named ghost in loop-a (or its fallbacks loop-b); ");
    }

    @Test
    void zeroHealthyBackendsIs503() {
        Reject reject = rejected(post("/sick/x", "stage1", ""));
        assertThat(reject.status()).isEqualTo(503);
        assertThat(reject.body()).containsEntry("error", "no_healthy_instance").containsEntry("environment", "stage1")
                .containsEntry("service", "sick");
        assertThat(reject.body().get("message")).contains("no healthy instance in stage1 (from its fallback production)",
                "apollo status sick -e production");
    }

    @Test
    void missingServiceSegmentIs400() {
        for (String path : List.of("/", "//x", "/_env/stage1", "/_env/stage1/", "/_env//hello/x")) {
            Reject reject = rejected(post(path, "", ""));
            assertThat(reject.status()).as(path).isEqualTo(400);
            assertThat(reject.body()).as(path).containsEntry("error", "bad_request").containsEntry("path", path)
                    .containsKey("message");
        }
    }

    @Test
    void noTableYetIs503() {
        Reject reject = rejected(resolver.resolve(RouteSnapshot.EMPTY, RpcRequestFacts.of("", "/hello/x")));
        assertThat(reject.status()).isEqualTo(503);
        assertThat(reject.error()).isEqualTo("no_route_table");
    }

    @Test
    void invalidExternalUrlsAreRefused() {
        assertThatThrownBy(() -> RouteSnapshot.compile(table(1, rpcEnv("production", null, List.of(),
                List.of(external("pay", "ftp://x")))))).isInstanceOf(GatewayException.class)
                .hasMessageContaining("external pay in environment production").hasMessageContaining("http://");
        assertThatThrownBy(() -> RouteSnapshot.compile(table(1, rpcEnv("production", null, List.of(),
                List.of(external("pay", "not a url")))))).isInstanceOf(GatewayException.class);
    }
}
