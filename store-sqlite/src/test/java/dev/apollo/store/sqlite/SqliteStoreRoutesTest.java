package dev.apollo.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apollo.core.ApolloException;
import dev.apollo.core.model.Environment;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.Route;
import dev.apollo.core.model.RoutePath;
import dev.apollo.core.model.ServiceName;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreRoutesTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Clock CLOCK = Clock.fixed(T0, ZoneOffset.UTC);

    private static Route route(String env, String path, String service) {
        return new Route(EnvironmentName.of(env), RoutePath.of(path), ServiceName.of(service), T0);
    }

    @Test
    void routesSurviveReopenLongestPathFirstAndCanBeRepointedAndRemoved(@TempDir Path dir) {
        Path file = dir.resolve("apollo.db");
        try (SqliteStore store = SqliteStore.open(file, CLOCK)) {
            store.putRoute(route("production", "/", "home"));
            store.putRoute(route("production", "/shop/cart", "cart"));
            store.putRoute(route("production", "/shop", "shop"));
            store.putRoute(route("production", "/shop", "shop-v2"));
        }
        try (SqliteStore store = SqliteStore.open(file, CLOCK)) {
            assertThat(store.routes()).extracting(r -> r.path().value() + "=>" + r.service().value())
                    .containsExactly("/shop/cart=>cart", "/shop=>shop-v2", "/=>home");

            assertThat(store.removeRoute(EnvironmentName.PRODUCTION, RoutePath.of("/shop"))).isTrue();
            assertThat(store.removeRoute(EnvironmentName.PRODUCTION, RoutePath.of("/shop"))).isFalse();
            assertThat(store.routes()).hasSize(2);
        }
    }

    @Test
    void aRouteNeedsAnExistingEnvironmentAndGoesWithIt(@TempDir Path dir) {
        try (SqliteStore store = SqliteStore.open(dir.resolve("apollo.db"), CLOCK)) {
            assertThatThrownBy(() -> store.putRoute(route("stage1", "/a", "svc")))
                    .isInstanceOf(ApolloException.NotFound.class);

            store.createEnvironment(new Environment(EnvironmentName.of("stage1"), Optional.empty(), T0));
            store.putRoute(route("stage1", "/a", "svc"));
            store.deleteEnvironment(EnvironmentName.of("stage1"));

            assertThat(store.routes()).isEmpty();
        }
    }

    @Test
    void externalsAreKeptPerEnvironmentRepointedRemovedAndGoWithTheirEnvironment(@TempDir Path dir) {
        Path file = dir.resolve("apollo.db");
        try (SqliteStore store = SqliteStore.open(file, CLOCK)) {
            store.createEnvironment(new Environment(EnvironmentName.of("stage1"), Optional.empty(), T0));
            store.putExternal(external("production", "payments", "https://pay.example.com/v1"));
            store.putExternal(external("stage1", "payments", "http://127.0.0.1:9999"));
            store.putExternal(external("stage1", "payments", "http://127.0.0.1:9998"));
        }
        try (SqliteStore store = SqliteStore.open(file, CLOCK)) {
            assertThat(store.externals()).extracting(e -> e.environment() + " " + e.url())
                    .containsExactly("production https://pay.example.com/v1", "stage1 http://127.0.0.1:9998");
            assertThat(store.removeExternal(EnvironmentName.PRODUCTION, ServiceName.of("payments"))).isTrue();
            assertThat(store.removeExternal(EnvironmentName.PRODUCTION, ServiceName.of("payments"))).isFalse();
            store.deleteEnvironment(EnvironmentName.of("stage1"));
            assertThat(store.externals()).isEmpty();
        }
    }

    private static dev.apollo.core.model.External external(String env, String name, String url) {
        return new dev.apollo.core.model.External(EnvironmentName.of(env), ServiceName.of(name), java.net.URI.create(url), T0);
    }
}
