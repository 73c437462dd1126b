package dev.apollo.client;

import dev.apollo.api.Views.ArtifactView;

/** An artifact upload's outcome: {@code created} is false when the same bytes were already stored. */
public record Pushed(ArtifactView artifact, boolean created) {}
