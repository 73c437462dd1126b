package dev.apollo.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apollo.core.config.RunSettings;
import dev.apollo.core.model.ArtifactRef;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.HealthCheck;
import dev.apollo.core.model.Release;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.core.model.ReleaseState;
import dev.apollo.core.model.ServiceName;
import dev.apollo.server.TestControlPlane;
import dev.apollo.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 16 item 9: a service whose only release failed is still listed, so `apollo status` never says there are none. */
class ServiceListTest {
    @TempDir
    Path home;

    @Test
    void aServiceWhoseFirstDeployFailedIsListedAsDownWithItsReason() throws Exception {
        Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
        try (SqliteStore store = SqliteStore.open(home.resolve("apollo.db"), Clock.systemUTC())) {
            store.commit(List.of(new Release(new ReleaseId(1), EnvironmentName.PRODUCTION, ServiceName.of("broken"),
                    ArtifactRef.parse("broken:1.0.0"), 1, HealthCheck.DEFAULT, 128, RunSettings.NONE, ReleaseState.FAILED,
                    t0, t0.plusSeconds(20), t0, "0 of 1 instances became healthy within the 20s deadline")), List.of());
        }
        try (TestControlPlane plane = TestControlPlane.start(home)) {
            RawHttp.Answer all = RawHttp.exchange(plane.port(), RawHttp.request("GET", "/v1/services", plane.token()),
                    Duration.ofSeconds(20));
            RawHttp.Answer production = RawHttp.exchange(plane.port(),
                    RawHttp.request("GET", "/v1/services?environment=production", plane.token()), Duration.ofSeconds(20));

            assertThat(all.status()).isEqualTo(200);
            assertThat(all.body()).contains("\"service\":\"broken\"", "r1 failed: 0 of 1 instances became healthy");
            assertThat(production.body()).isEqualTo(all.body());
        }
    }
}
