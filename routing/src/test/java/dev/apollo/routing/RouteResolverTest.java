package dev.apollo.routing;

import static dev.apollo.routing.Tables.backend;
import static dev.apollo.routing.Tables.env;
import static dev.apollo.routing.Tables.rule;
import static dev.apollo.routing.Tables.service;
import static dev.apollo.routing.Tables.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apollo.api.RouteTableView;
import dev.apollo.routing.Decision.Forward;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Routing decisions without a socket. */
class RouteResolverTest {
    private final AtomicInteger minted = new AtomicInteger();
    private final RouteResolver resolver = new RouteResolver("apollo.localhost", () -> "client-" + minted.incrementAndGet());

    private final RouteSnapshot routes = RouteSnapshot.compile(table(7,
            env("production",
                    List.of(rule("/", "web"), rule("/api", "api"), rule("/api/v2/", "api2"), rule("/ghost", "ghost")),
                    List.of(service("web", "web-1", List.of(backend("w1", 1001), backend("w2", 1002)),
                                    "web-tb", List.of(backend("wt", 1003)), 0),
                            service("api", "api-1", List.of(backend("a1", 2001))),
                            service("api2", "api2-1", List.of()))),
            env("stage1", "production",
                    List.of(rule("/api", "api")),
                    List.of(service("api", "api-s", List.of(backend("s1", 3001))))),
            env("stage2", "stage1", List.of(rule("/", "web")), List.of()),
            env("loop-a", "loop-b", List.of(), List.of()),
            env("loop-b", "loop-a", List.of(rule("/", "nowhere")), List.of())));

    private Decision resolve(String host, String path) {
        return resolver.resolve(routes, RequestFacts.of(host, path));
    }

    private static String routedTo(Decision decision) {
        assertThat(decision).isInstanceOf(Forward.class);
        BackendPool pool = ((Forward) decision).pool();
        return pool.environment() + "/" + pool.service() + "/" + pool.release();
    }

    @Test
    void hostNamesTheEnvironment() {
        assertThat(routedTo(resolve("apollo.localhost", "/api/x"))).isEqualTo("production/api/api-1");
        assertThat(routedTo(resolve("apollo.localhost:8080", "/api/x"))).isEqualTo("production/api/api-1");
        assertThat(routedTo(resolve("stage1.apollo.localhost:8080", "/api/x"))).isEqualTo("stage1/api/api-s");
        assertThat(routedTo(resolve("STAGE1.Apollo.Localhost", "/api"))).isEqualTo("stage1/api/api-s");
        assertThat(routedTo(resolve("127.0.0.1:8080", "/api"))).isEqualTo("production/api/api-1");
    }

    @Test
    void envHeaderOverridesHost() {
        Decision decision = resolver.resolve(routes, new RequestFacts("apollo.localhost", "/api", "stage1", "", ""));
        assertThat(routedTo(decision)).isEqualTo("stage1/api/api-s");
    }

    @Test
    void longestPrefixWinsOnWholeSegments() {
        assertThat(routedTo(resolve("apollo.localhost", "/api"))).isEqualTo("production/api/api-1");
        assertThat(routedTo(resolve("apollo.localhost", "/api/"))).isEqualTo("production/api/api-1");
        assertThat(routedTo(resolve("apollo.localhost", "/api/v1"))).isEqualTo("production/api/api-1");
        assertThat(routedTo(resolve("apollo.localhost", "/apiary"))).isEqualTo("production/web/web-1");
        assertThat(((Reject) resolve("apollo.localhost", "/api/v2")).body()).containsEntry("service", "api2");
        assertThat(((Reject) resolve("apollo.localhost", "/api/v2/x")).body()).containsEntry("service", "api2");
        assertThat(routedTo(resolve("apollo.localhost", "/api/v2x"))).isEqualTo("production/api/api-1");
    }

    @Test
    void fallbackLendsServicesAndRules() {
        // stage1 runs its own api, and borrows production's web and its "/" rule.
        assertThat(routedTo(resolve("stage1.apollo.localhost", "/"))).isEqualTo("production/web/web-1");
        // stage2 has its own "/" rule but no web: web comes from stage1's fallback, production.
        assertThat(routedTo(resolve("stage2.apollo.localhost", "/anything"))).isEqualTo("production/web/web-1");
        // and stage2 inherits stage1's /api rule together with stage1's api.
        assertThat(routedTo(resolve("stage2.apollo.localhost", "/api/x"))).isEqualTo("stage1/api/api-s");
    }

    @Test
    void fallbackCyclesEnd() {
        Decision decision = resolve("loop-a.apollo.localhost", "/x");
        assertThat(decision).isInstanceOf(Reject.class);
        assertThat(((Reject) decision).body()).containsEntry("error", "no_healthy_instance").containsEntry("service", "nowhere");
    }

    @Test
    void unknownEnvironmentIs404() {
        Reject reject = (Reject) resolve("nope.apollo.localhost", "/");
        assertThat(reject.status()).isEqualTo(404);
        assertThat(reject.body()).containsEntry("error", "unknown_environment").containsEntry("environment", "nope");
    }

    @Test
    void noRuleIs404WithTheCommandToAddOne() {
        Reject reject = (Reject) resolve("loop-a.apollo.localhost", "/x");
        assertThat(reject.error()).isEqualTo("no_healthy_instance");
        RouteSnapshot bare = RouteSnapshot.compile(table(1, env("production", List.of(rule("/a", "a")), List.of())));
        Reject noRoute = (Reject) resolver.resolve(bare, RequestFacts.of("apollo.localhost", "/b"));
        assertThat(noRoute.status()).isEqualTo(404);
        assertThat(noRoute.body()).containsEntry("error", "no_route").containsEntry("environment", "production")
                .containsEntry("path", "/b")
                .containsEntry("message", "no route for /b in production; add one with: apollo route add /b SERVICE -e production");
    }

    @Test
    void zeroBackendsOrUndeployedIs503() {
        Reject empty = (Reject) resolve("apollo.localhost", "/api/v2");
        assertThat(empty.status()).isEqualTo(503);
        assertThat(empty.body()).containsEntry("error", "no_healthy_instance").containsEntry("service", "api2");
        Reject ghost = (Reject) resolve("apollo.localhost", "/ghost");
        assertThat(ghost.status()).isEqualTo(503);
        assertThat(ghost.body()).containsEntry("service", "ghost");
    }

    @Test
    void noTableYetIs503() {
        Reject reject = (Reject) resolver.resolve(RouteSnapshot.EMPTY, RequestFacts.of("apollo.localhost", "/"));
        assertThat(reject.status()).isEqualTo(503);
        assertThat(reject.error()).isEqualTo("no_route_table");
    }

    @Test
    void testbedByHeaderCookieAndHostButNotByDefault() {
        assertThat(routedTo(resolve("apollo.localhost", "/"))).isEqualTo("production/web/web-1");
        assertThat(routedTo(resolver.resolve(routes, new RequestFacts("apollo.localhost", "/", "", "web", ""))))
                .isEqualTo("production/web/web-tb");
        assertThat(routedTo(resolver.resolve(routes, new RequestFacts("apollo.localhost", "/", "", "other, web", ""))))
                .isEqualTo("production/web/web-tb");
        assertThat(routedTo(resolver.resolve(routes, new RequestFacts("apollo.localhost", "/", "", "", "a=b; apollo-testbed=web"))))
                .isEqualTo("production/web/web-tb");
        assertThat(routedTo(resolver.resolve(routes, new RequestFacts("apollo.localhost", "/", "", "", "apollo-testbed=api"))))
                .isEqualTo("production/web/web-1");
        assertThat(routedTo(resolve("testbed.web.production.apollo.localhost", "/api/anything")))
                .isEqualTo("production/web/web-tb");
        assertThat(routedTo(resolve("testbed.web.apollo.localhost", "/"))).isEqualTo("production/web/web-tb");
        // stage1 has no web of its own: its testbed host reaches production's.
        assertThat(routedTo(resolve("testbed.web.stage1.apollo.localhost", "/"))).isEqualTo("production/web/web-tb");
        Reject none = (Reject) resolve("testbed.api.apollo.localhost", "/");
        assertThat(none.status()).isEqualTo(404);
        assertThat(none.error()).isEqualTo("no_testbed");
        assertThat(minted).hasValue(0);
    }

    @Test
    void weightedTestbedIsStickyPerClientAndMintsIds() {
        RouteSnapshot weighted = RouteSnapshot.compile(table(1, env("production", List.of(rule("/", "web")),
                List.of(service("web", "live", List.of(backend("l", 1)), "tb", List.of(backend("t", 2)), 30)))));
        int toTestbed = 0;
        for (int i = 0; i < 2000; i++) {
            String cookie = "apollo-client=c" + i;
            String first = routedTo(resolver.resolve(weighted, new RequestFacts("", "/", "", "", cookie)));
            String again = routedTo(resolver.resolve(weighted, new RequestFacts("", "/", "", "", cookie)));
            assertThat(again).isEqualTo(first);
            toTestbed += first.endsWith("/tb") ? 1 : 0;
        }
        assertThat(toTestbed).isBetween(450, 750);
        Forward fresh = (Forward) resolver.resolve(weighted, RequestFacts.of("", "/"));
        assertThat(fresh.newClientId()).isEqualTo("client-1");
        Forward known = (Forward) resolver.resolve(weighted, new RequestFacts("", "/", "", "", "apollo-client=x"));
        assertThat(known.newClientId()).isEmpty();
    }

    @Test
    void cookieParsing() {
        assertThat(RouteResolver.cookie("a=1; apollo-testbed=web; b=2", "apollo-testbed")).isEqualTo("web");
        assertThat(RouteResolver.cookie("apollo-testbed=\"web\"", "apollo-testbed")).isEqualTo("web");
        assertThat(RouteResolver.cookie("xapollo-testbed=web", "apollo-testbed")).isNull();
        assertThat(RouteResolver.cookie("apollo-testbedx=web", "apollo-testbed")).isNull();
        assertThat(RouteResolver.cookie("", "apollo-testbed")).isNull();
    }

    @Test
    void invalidTablesAreRefused() {
        RouteTableView badAddress = table(1, env("production", List.of(rule("/", "web")),
                List.of(service("web", "r", List.of(new RouteTableView.Backend("i", "nowhere"))))));
        assertThatThrownBy(() -> RouteSnapshot.compile(badAddress)).isInstanceOf(GatewayException.class)
                .hasMessageContaining("'nowhere'").hasMessageContaining("HOST:PORT");
        RouteTableView badPath = table(1, env("production", List.of(rule("api", "web")), List.of()));
        assertThatThrownBy(() -> RouteSnapshot.compile(badPath)).isInstanceOf(GatewayException.class)
                .hasMessageContaining("starting with '/'");
    }
}
