package dev.apollo.server.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apollo.core.config.RunSettings;
import dev.apollo.api.RouteTableView.Backend;
import dev.apollo.api.RouteTableView.EnvironmentRoutes;
import dev.apollo.api.RouteTableView.PathRule;
import dev.apollo.api.RouteTableView.ServiceRoute;
import dev.apollo.core.model.ArtifactRef;
import dev.apollo.core.model.Environment;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.HealthCheck;
import dev.apollo.core.model.Release;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.core.model.ReleaseState;
import dev.apollo.core.model.Route;
import dev.apollo.core.model.RoutePath;
import dev.apollo.core.model.ServiceName;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RouteTablesTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Environment PRODUCTION = new Environment(EnvironmentName.PRODUCTION, Optional.empty(), T0);
    private static final Environment STAGE1 = new Environment(EnvironmentName.of("stage1"), Optional.of(EnvironmentName.PRODUCTION), T0);

    private static Release release(long id, String env, String artifact, ReleaseState state) {
        ArtifactRef ref = ArtifactRef.parse(artifact);
        return new Release(new ReleaseId(id), EnvironmentName.of(env), ref.name(), ref, 2, HealthCheck.DEFAULT, 128, RunSettings.NONE, state,
                T0,
                T0, T0, "");
    }

    @Test
    void routesOnlyHealthyInstancesOfLiveAndTestbedReleases() {
        List<Release> active = List.of(
                release(1, "production", "web:1.0.0", ReleaseState.PREVIOUS),
                release(2, "production", "web:2.0.0", ReleaseState.LIVE),
                release(3, "production", "web:3.0.0", ReleaseState.DEPLOYING),
                release(4, "production", "web:2.1.0", ReleaseState.TESTBED));
        List<RouteTables.Routable> routable = List.of(
                new RouteTables.Routable(new ReleaseId(2), "web-b", "127.0.0.1:2002"),
                new RouteTables.Routable(new ReleaseId(2), "web-a", "127.0.0.1:2001"),
                new RouteTables.Routable(new ReleaseId(4), "web-t", "127.0.0.1:4001"));

        List<EnvironmentRoutes> table = RouteTables.build(List.of(PRODUCTION), List.of(), List.of(), active, routable);

        ServiceRoute web = table.getFirst().services().getFirst();
        assertThat(web.release()).isEqualTo("r2");
        assertThat(web.backends()).extracting(Backend::instance).containsExactly("web-a", "web-b");
        assertThat(web.testbed().release()).isEqualTo("r4");
        assertThat(web.testbed().backends()).extracting(Backend::address).containsExactly("127.0.0.1:4001");
    }

    @Test
    void aLiveServiceWithoutHealthyInstancesIsListedWithNoBackendsSoGatewaysAnswer503() {
        List<EnvironmentRoutes> table = RouteTables.build(List.of(PRODUCTION), List.of(), List.of(),
                List.of(release(2, "production", "web:2.0.0", ReleaseState.LIVE)), List.of());

        assertThat(table.getFirst().services()).singleElement()
                .satisfies(s -> assertThat(s.backends()).isEmpty());
    }

    @Test
    void rulesAreLongestFirstPerEnvironmentAndEnvironmentsCarryTheirFallback() {
        List<Route> routes = List.of(
                new Route(EnvironmentName.PRODUCTION, RoutePath.of("/"), ServiceName.of("home"), T0),
                new Route(EnvironmentName.PRODUCTION, RoutePath.of("/shop/cart"), ServiceName.of("cart"), T0),
                new Route(EnvironmentName.of("stage1"), RoutePath.of("/shop"), ServiceName.of("shop"), T0));

        List<EnvironmentRoutes> table = RouteTables.build(List.of(STAGE1, PRODUCTION), routes, List.of(), List.of(), List.of());

        assertThat(table).extracting(EnvironmentRoutes::name).containsExactly("production", "stage1");
        assertThat(table.get(0).rules()).extracting(PathRule::path).containsExactly("/shop/cart", "/");
        assertThat(table.get(1).rules()).extracting(PathRule::path).containsExactly("/shop");
        assertThat(table.get(1).fallback()).isEqualTo("production");
    }

    @Test
    void theSameStateBuildsAnEqualTableSoNothingIsRepublished() {
        List<Release> active = List.of(release(2, "production", "web:2.0.0", ReleaseState.LIVE));
        List<RouteTables.Routable> routable = List.of(new RouteTables.Routable(new ReleaseId(2), "web-a", "127.0.0.1:2001"));
        RouteFeed feed = new RouteFeed(java.time.Clock.fixed(T0, java.time.ZoneOffset.UTC));

        assertThat(feed.offer(RouteTables.build(List.of(PRODUCTION), List.of(), List.of(), active, routable))).isTrue();
        long version = feed.current().version();
        assertThat(feed.offer(RouteTables.build(List.of(PRODUCTION), List.of(), List.of(), active, routable))).isFalse();
        assertThat(feed.current().version()).isEqualTo(version);
    }

    @Test
    void externalsAreListedPerEnvironment() {
        var payments = new dev.apollo.core.model.External(EnvironmentName.of("stage1"), ServiceName.of("payments"),
                java.net.URI.create("http://127.0.0.1:9999"), T0);

        List<EnvironmentRoutes> table = RouteTables.build(List.of(PRODUCTION, STAGE1), List.of(), List.of(payments), List.of(),
                List.of());

        assertThat(table.get(0).externals()).isEmpty();
        assertThat(table.get(1).externals()).singleElement()
                .satisfies(e -> assertThat(e.url()).isEqualTo("http://127.0.0.1:9999"));
    }
}
