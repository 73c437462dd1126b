package dev.apollo.server.control;

import dev.apollo.core.model.Release;

/**
 * What a rollback did.
 *
 * @param kind "switch" (the warm previous release took the traffic back) or "deploy" (the previous
 *     version is being deployed blue/green, its warm window having ended)
 * @param release the release now live (switch) or being deployed (deploy)
 */
public record RollbackResult(String kind, Release release, long eventCursor) {}
