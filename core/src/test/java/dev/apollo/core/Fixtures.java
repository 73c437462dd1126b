package dev.apollo.core;

import dev.apollo.core.config.RunSettings;
import dev.apollo.core.model.ArtifactRef;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.HealthCheck;
import dev.apollo.core.model.Release;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.core.model.ReleaseState;
import java.time.Duration;
import java.time.Instant;

/** Values the core tests share. */
public final class Fixtures {
    public static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private Fixtures() {}

    public static Release release(long id, String artifact, int instances, ReleaseState state) {
        return new Release(new ReleaseId(id), EnvironmentName.PRODUCTION, ArtifactRef.parse(artifact).name(),
                ArtifactRef.parse(artifact), instances, HealthCheck.DEFAULT, 128, RunSettings.NONE, state, T0, T0.plus(Duration.ofSeconds(60)),
                T0, "");
    }
}
