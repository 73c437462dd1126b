package dev.apollo.server.control;

import dev.apollo.core.model.Release;

/**
 * What a deploy did.
 *
 * @param kind "deploy" (a new release started), "scale" (the live release of the same version was
 *     resized) or "unchanged"
 * @param eventCursor the last event id before the deploy: its progress follows after it
 */
public record DeployResult(String kind, Release release, long eventCursor) {}
